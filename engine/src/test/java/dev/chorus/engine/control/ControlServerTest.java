package dev.chorus.engine.control;

import dev.chorus.engine.control.v1.ControlGrpc;
import dev.chorus.engine.control.v1.ListRunsRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The control port over a real socket on 127.0.0.1: bearer token and health. */
class ControlServerTest {
    @TempDir
    Path dir;

    @Test
    void tokenGuardsControlButNotHealth() throws Exception {
        try (ControlServer server = ControlServer.start(new InetSocketAddress("127.0.0.1", 0), "s3cret-token",
                null, null, dir)) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext()
                    .build();
            try {
                ControlGrpc.ControlBlockingStub anonymous = ControlGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(10, TimeUnit.SECONDS);
                assertThatThrownBy(() -> anonymous.listRuns(ListRunsRequest.getDefaultInstance()))
                        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                            assertThat(e.getStatus().getDescription()).doesNotContain("s3cret-token");
                        });

                Metadata wrong = new Metadata();
                wrong.put(BearerTokenInterceptor.AUTHORIZATION, "Bearer s3cret-tokem");
                assertThatThrownBy(() -> anonymous.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(wrong))
                        .listRuns(ListRunsRequest.getDefaultInstance()))
                        .isInstanceOfSatisfying(StatusRuntimeException.class,
                                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));

                Metadata right = new Metadata();
                right.put(BearerTokenInterceptor.AUTHORIZATION, "Bearer s3cret-token");
                assertThat(anonymous.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(right))
                        .listRuns(ListRunsRequest.getDefaultInstance()).getRunsCount()).isZero();

                HealthCheckResponse health = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10,
                        TimeUnit.SECONDS).check(HealthCheckRequest.newBuilder().setService(ControlGrpc.SERVICE_NAME)
                        .build());
                assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void refusesNonLoopbackWithoutToken() {
        assertThatThrownBy(() -> ControlServer.start(new InetSocketAddress("0.0.0.0", 0), null, null, null, dir))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--token-file");
    }
}
