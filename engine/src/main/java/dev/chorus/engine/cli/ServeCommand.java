package dev.chorus.engine.cli;

import dev.chorus.engine.control.ControlServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code chorus serve}: the gRPC control port ({@code chorus.v1.Control}, proto in engine/src/main/proto). */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve the gRPC control port: start, watch, stop and read runs from another program.")
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--grpc-port", required = true, paramLabel = "PORT", description = "Port to listen on, e.g. 7443.")
    int port;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}). Any other than loopback needs "
                    + "--token-file.")
    String bind;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "File holding the bearer token clients must send as 'authorization: Bearer <token>'.")
    Path tokenFile;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "PEM certificate chain: serve over TLS.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM private key (PKCS#8) of --tls-cert.")
    Path tlsKey;

    @Override
    public Integer call() throws InterruptedException {
        PrintStream err = System.err;
        ControlServer server;
        try {
            String token = tokenFile == null ? null : readToken(tokenFile);
            InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(bind), port);
            server = ControlServer.start(address, token, tlsCert, tlsKey, Path.of(""));
            if (token != null && tlsCert == null) {
                err.println("warning: the bearer token travels in clear text; add --tls-cert and --tls-key");
            }
            // Says whether a token is required, never the token.
            err.println("control port listening on " + (tlsCert == null ? "" : "tls ") + bind + ":" + server.port()
                    + (token == null ? " (no token)" : " (bearer token required)") + "; Ctrl-C stops");
        } catch (IOException | IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return Main.EXIT_BAD_INPUT;
        }
        ControlServer started = server;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                started.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "chorus-serve-stop"));
        server.awaitTermination();
        return 0;
    }

    private static String readToken(Path file) throws IOException {
        String token;
        try {
            token = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IOException(file + ": cannot read the token file (" + e.getClass().getSimpleName()
                    + "); fix: check the path given to --token-file", e);
        }
        if (token.isEmpty()) {
            throw new IllegalArgumentException(file + ": the token file is empty; fix: put the token on one line");
        }
        return token;
    }
}
