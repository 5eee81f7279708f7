package dev.chorus.engine.pipeline;

import dev.chorus.engine.agent.AgentCertificates;
import dev.chorus.engine.transport.TlsContexts;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The call's TLS handler against a real server engine over two EmbeddedChannels (bytes moved by hand): whatever
 * path a write takes — queued in SslHandler before the handshake or behind queued data, wrapped at once after it,
 * split by SslHandler when large — the server reads the plaintext complete and in write order.
 */
class CallTlsHandlerTest {
    @TempDir
    Path dir;
    private EmbeddedChannel client;
    private EmbeddedChannel server;
    private CallTlsHandler tls;
    private SslHandler serverTls;
    private final StringBuilder received = new StringBuilder();

    private void open(SslProvider provider) throws Exception {
        assumeTrue(provider == SslProvider.JDK || OpenSsl.isAvailable(), "BoringSSL not available");
        AgentCertificates certificates = AgentCertificates.generate();
        Path pem = dir.resolve("ca.pem");
        certificates.writeCaPem(pem);
        String previous = System.getProperty("chorus.tls");
        System.setProperty("chorus.tls", provider == SslProvider.JDK ? "jdk" : "openssl");
        SslContext clientContext;
        try {
            clientContext = TlsContexts.client(pem);
        } finally {
            if (previous == null) {
                System.clearProperty("chorus.tls");
            } else {
                System.setProperty("chorus.tls", previous);
            }
        }
        SslContext serverContext = SslContextBuilder.forServer(certificates.serverKey(), certificates.serverChain())
                .sslProvider(provider).build();
        client = new EmbeddedChannel();
        client.config().setAllocator(PooledByteBufAllocator.DEFAULT);
        tls = new CallTlsHandler(clientContext.newEngine(client.alloc(), "localhost", 443));
        client.pipeline().addLast(tls);
        server = new EmbeddedChannel();
        serverTls = serverContext.newHandler(server.alloc());
        server.pipeline().addLast(serverTls);
    }

    private void handshake() {
        for (int i = 0; i < 100 && !(tls.handshakeFuture().isDone() && serverTls.handshakeFuture().isDone()); i++) {
            pump();
        }
        assertThat(tls.handshakeFuture().isSuccess()).as("client handshake").isTrue();
        assertThat(serverTls.handshakeFuture().isSuccess()).as("server handshake").isTrue();
        pump();
    }

    /** Moves bytes both ways and collects what the server decrypted. */
    private void pump() {
        for (Object m; (m = client.readOutbound()) != null; ) {
            server.writeInbound(m);
        }
        for (Object m; (m = server.readOutbound()) != null; ) {
            client.writeInbound(m);
        }
        client.runPendingTasks();
        server.runPendingTasks();
        for (Object m; (m = server.readInbound()) != null; ) {
            ByteBuf b = (ByteBuf) m;
            received.append(b.toString(StandardCharsets.UTF_8));
            b.release();
        }
    }

    private ByteBuf direct(String text) {
        ByteBuf b = client.alloc().directBuffer();
        b.writeCharSequence(text, StandardCharsets.UTF_8);
        return b;
    }

    @AfterEach
    void close() {
        if (client != null) {
            client.finishAndReleaseAll();
            server.finishAndReleaseAll();
        }
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void keepsWriteOrderAcrossQueuedAndDirectWrites(SslProvider provider) throws Exception {
        open(provider);
        client.write(direct("a|"));                               // before the handshake: queued
        client.writeAndFlush(direct("b|"));
        handshake();
        client.write(Unpooled.copiedBuffer("c|", StandardCharsets.UTF_8)); // heap: SslHandler's path
        client.write(direct("d|"));                               // behind queued data: queued too
        client.flush();
        assertThat(tls.directWrites()).isZero();
        client.write(direct("e|"));                               // direct
        client.writeAndFlush(direct("f|"));
        assertThat(tls.directWrites()).isEqualTo(2);
        pump();
        assertThat(received.toString()).isEqualTo("a|b|c|d|e|f|");
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void directWritesCompleteTheirPromise(SslProvider provider) throws Exception {
        open(provider);
        handshake();
        ChannelFuture done = client.writeAndFlush(direct("x"));
        assertThat(done.isSuccess()).isTrue();
        assertThat(tls.directWrites()).isEqualTo(1);
        pump();
        assertThat(received.toString()).isEqualTo("x");
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void largeWritesAreSplitIntoRecordsBySslHandler(SslProvider provider) throws Exception {
        open(provider);
        handshake();
        String big = "0123456789".repeat(5000);
        client.writeAndFlush(direct(big));
        client.writeAndFlush(direct("|end"));
        for (int i = 0; i < 5; i++) {
            pump();
        }
        assertThat(received.toString()).isEqualTo(big + "|end");
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void writesAfterCloseNotifyFailAndAreReleased(SslProvider provider) throws Exception {
        open(provider);
        handshake();
        client.writeAndFlush(direct("last"));
        tls.closeOutbound();
        pump();
        ByteBuf late = direct("late");
        ChannelFuture f = client.writeAndFlush(late);
        assertThat(f.isSuccess()).isFalse();
        assertThat(late.refCnt()).isZero();
        pump();
        assertThat(received.toString()).isEqualTo("last");
    }
}
