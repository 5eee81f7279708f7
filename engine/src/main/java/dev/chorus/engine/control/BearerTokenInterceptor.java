package dev.chorus.engine.control;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.health.v1.HealthGrpc;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * Requires {@code authorization: Bearer <token>} on every call except the health service. Thread-safe (immutable).
 *
 * <p>The health service stays open because Kubernetes' gRPC probes cannot send metadata, and it tells nothing but
 * SERVING. The token is compared in constant time ({@link MessageDigest#isEqual}) and never logged or echoed: a
 * rejected call gets the same UNAUTHENTICATED message whether the header was missing or wrong.
 */
public final class BearerTokenInterceptor implements ServerInterceptor {
    static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final String PREFIX = "Bearer ";

    private final byte[] expected;

    /** @param token the shared secret, without the {@code Bearer } prefix; not empty */
    public BearerTokenInterceptor(String token) {
        Objects.requireNonNull(token, "token");
        if (token.isEmpty()) {
            throw new IllegalArgumentException("the bearer token is empty; fix: put the token in the --token-file");
        }
        this.expected = (PREFIX + token).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
                                                      ServerCallHandler<Q, A> next) {
        if (HealthGrpc.SERVICE_NAME.equals(call.getMethodDescriptor().getServiceName())) {
            return next.startCall(call, headers);
        }
        String given = headers.get(AUTHORIZATION);
        if (given == null || !MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
            call.close(Status.UNAUTHENTICATED.withDescription("missing or wrong bearer token; fix: send the header "
                    + "'authorization: Bearer <token from the server's --token-file>'"), new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        return next.startCall(call, headers);
    }
}
