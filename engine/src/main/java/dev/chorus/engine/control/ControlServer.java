package dev.chorus.engine.control;

import dev.chorus.engine.control.v1.ControlGrpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.TlsServerCredentials;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The control port: {@code chorus.v1.Control} plus {@code grpc.health.v1.Health} on one Netty server. Thread-safe.
 *
 * <p>Security is the caller's decision, checked here: a non-loopback address needs a bearer token (the CLI refuses
 * to start otherwise); TLS is optional ({@code certFile} and {@code keyFile}, PEM). The token is held only by the
 * interceptor and never logged.
 */
public final class ControlServer implements AutoCloseable {
    private final Server server;
    private final HealthStatusManager health;
    private final RunRegistry registry;

    private ControlServer(Server server, HealthStatusManager health, RunRegistry registry) {
        this.server = server;
        this.health = health;
        this.registry = registry;
    }

    /**
     * Binds and starts.
     *
     * @param address  where to listen; port 0 picks a free one ({@link #port()})
     * @param token    bearer token every Control call must carry, or null for none (loopback only)
     * @param certFile PEM certificate chain for TLS, or null for plaintext; with {@code keyFile}
     * @param workDir  base of relative paths in requests and of the default {@code results/}
     * @throws IllegalArgumentException a non-loopback address without a token, or a cert without a key
     * @throws IOException              the port is taken, or the certificate or key cannot be read
     */
    public static ControlServer start(InetSocketAddress address, String token, Path certFile, Path keyFile,
                                      Path workDir) throws IOException {
        Objects.requireNonNull(address, "address");
        if (token == null && !address.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("--bind " + address.getAddress().getHostAddress() + " is reachable "
                    + "from other machines, so a bearer token is required; fix: add --token-file FILE (or bind to "
                    + "127.0.0.1)");
        }
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("TLS needs both --tls-cert and --tls-key; fix: give both or neither");
        }
        ServerCredentials credentials = certFile == null ? InsecureServerCredentials.create()
                : TlsServerCredentials.create(certFile.toFile(), keyFile.toFile());
        RunRegistry registry = new RunRegistry();
        HealthStatusManager health = new HealthStatusManager();
        ControlService control = new ControlService(registry, workDir);
        Server server = NettyServerBuilder.forAddress(address, credentials)
                .addService(token == null ? control.bindService()
                        : ServerInterceptors.intercept(control, new BearerTokenInterceptor(token)))
                .addService(health.getHealthService())
                .build()
                .start();
        health.setStatus(ControlGrpc.SERVICE_NAME, ServingStatus.SERVING);
        health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.SERVING);
        return new ControlServer(server, health, registry);
    }

    /** The bound port (the real one when started with port 0). */
    public int port() {
        return server.getPort();
    }

    public RunRegistry registry() {
        return registry;
    }

    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    /**
     * Reports NOT_SERVING, refuses new calls, stops every run still going and waits up to 30 s for their results to
     * be written, then closes the port.
     */
    @Override
    public void close() throws InterruptedException {
        health.enterTerminalState();
        server.shutdown();
        registry.stopAll(30_000);
        if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
            server.shutdownNow();
        }
    }
}
