package dev.chorus.engine.pipeline;

import dev.chorus.codecs.template.MessageTemplate;
import dev.chorus.codecs.template.TemplateValues;
import dev.chorus.engine.agent.AgentCertificates;
import dev.chorus.engine.transport.TlsContexts;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

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
        open(provider, engine -> engine);
    }

    private void open(SslProvider provider, UnaryOperator<SSLEngine> engines) throws Exception {
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
        tls = new CallTlsHandler(engines.apply(clientContext.newEngine(client.alloc(), "localhost", 443)));
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

    /**
     * The audio encoder writes its frames (and passes flushes) straight to this handler once the first frame is
     * written: a handler between them sees none of them but still sees the call's other messages (nothing between
     * holds writes back, so their flushes may skip it too), the agent reads
     * everything in write order, and after a close frame has gone down, frames take the pipeline again.
     */
    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void audioFramesSkipTheHandlersBetweenTheEncoderAndTls(SslProvider provider) throws Exception {
        open(provider);
        List<Object> seen = new ArrayList<>();
        int[] flushes = new int[1];
        client.pipeline().addLast("ws-encoder", new WebSocket13FrameEncoder(true));
        client.pipeline().addLast("between", new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                seen.add(msg instanceof ByteBuf ? "bytes" : msg.getClass().getSimpleName());
                ctx.write(msg, promise);
            }

            @Override
            public void flush(ChannelHandlerContext ctx) {
                flushes[0]++;
                ctx.flush();
            }
        });
        MessageTemplate template = MessageTemplate.compile("{\"audio\": \"{{audio_data}}\"}", "audio_data");
        client.pipeline().addLast("audio-encoder", new CallerAudioEncoder(template, template));
        server.pipeline().addLast(new WebSocket13FrameDecoder(true, false, 1 << 20));
        handshake();
        ByteBuf pcm = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(new byte[]{1, 2, 3}));
        CallerAudio frame = new CallerAudio();
        client.writeAndFlush(frame.set(pcm, 0, 1, TemplateValues.NONE));
        client.writeAndFlush(new TextWebSocketFrame("init"));
        client.writeAndFlush(frame.set(pcm, 1, 1, TemplateValues.NONE));
        assertThat(seen).as("only the text frame took the pipeline").containsExactly("TextWebSocketFrame");
        assertThat(flushes[0]).as("flushes go straight to TLS once frames do, the text frame's too").isZero();
        assertThat(tls.directWrites()).isEqualTo(3);
        client.writeAndFlush(new CloseWebSocketFrame(1000, "bye"));
        client.writeAndFlush(frame.set(pcm, 2, 1, TemplateValues.NONE));
        assertThat(seen).containsExactly("TextWebSocketFrame", "CloseWebSocketFrame", "bytes");
        List<String> agentRead = new ArrayList<>();
        for (Object m; (m = client.readOutbound()) != null; ) {
            server.writeInbound(m);
        }
        for (Object m; (m = server.readInbound()) != null; ) {
            WebSocketFrame f = (WebSocketFrame) m;
            agentRead.add(f instanceof CloseWebSocketFrame ? "close"
                    : f.content().toString(StandardCharsets.UTF_8));
            f.release();
        }
        assertThat(agentRead).containsExactly("{\"audio\": \"AQ==\"}", "init", "{\"audio\": \"Ag==\"}", "close");
        // (the last frame took the pipeline, where Netty's WebSocket handler fails it; the agent reads nothing after a
        // close anyway)
    }

    /**
     * The engine wraps half a frame into a record, then throws: that record is numbered but never sent, so the
     * channel must close before any later record goes out after the gap (the peer would fail it as a bad MAC).
     */
    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void aWrapThatFailsPartWayFailsThePromiseAndClosesTheChannel(SslProvider provider) throws Exception {
        FailingEngine[] failing = new FailingEngine[1];
        open(provider, engine -> failing[0] = new FailingEngine(engine));
        handshake();
        client.writeAndFlush(direct("before|"));
        pump();
        failing[0].armed = true;
        ByteBuf frame = direct("0123456789");
        ChannelFuture f = client.writeAndFlush(frame);
        assertThat(f.isSuccess()).isFalse();
        assertThat(f.cause()).isInstanceOf(SSLException.class).hasMessage("injected");
        assertThat(frame.refCnt()).isZero();
        assertThat(failing[0].wraps).as("a record was made before the throw").isEqualTo(2);
        assertThat(client.isOpen()).isFalse();
        assertThat((Object) client.readOutbound()).as("nothing after the gap").isNull();
        ByteBuf late = direct("late");
        assertThat(client.writeAndFlush(late).isSuccess()).isFalse();
        assertThat(late.refCnt()).isZero();
        pump();
        assertThat(received.toString()).isEqualTo("before|");
    }

    /**
     * Delegates to a real engine; once {@link #armed}, its next wrap takes only half the plaintext (one record made
     * and numbered) and the one after throws.
     */
    private static final class FailingEngine extends SSLEngine {
        private final SSLEngine delegate;
        boolean armed;
        int wraps;

        FailingEngine(SSLEngine delegate) {
            super(delegate.getPeerHost(), delegate.getPeerPort());
            this.delegate = delegate;
        }

        @Override
        public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst) throws SSLException {
            if (!armed) {
                return delegate.wrap(srcs, offset, length, dst);
            }
            if (wraps++ > 0) {
                throw new SSLException("injected");
            }
            ByteBuffer src = srcs[offset];
            int limit = src.limit();
            src.limit(src.position() + src.remaining() / 2);
            try {
                return delegate.wrap(srcs, offset, length, dst);
            } finally {
                src.limit(limit);
            }
        }

        @Override
        public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length)
                throws SSLException {
            return delegate.unwrap(src, dsts, offset, length);
        }

        @Override
        public Runnable getDelegatedTask() {
            return delegate.getDelegatedTask();
        }

        @Override
        public void closeInbound() throws SSLException {
            delegate.closeInbound();
        }

        @Override
        public boolean isInboundDone() {
            return delegate.isInboundDone();
        }

        @Override
        public void closeOutbound() {
            delegate.closeOutbound();
        }

        @Override
        public boolean isOutboundDone() {
            return delegate.isOutboundDone();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate.getSupportedCipherSuites();
        }

        @Override
        public String[] getEnabledCipherSuites() {
            return delegate.getEnabledCipherSuites();
        }

        @Override
        public void setEnabledCipherSuites(String[] suites) {
            delegate.setEnabledCipherSuites(suites);
        }

        @Override
        public String[] getSupportedProtocols() {
            return delegate.getSupportedProtocols();
        }

        @Override
        public String[] getEnabledProtocols() {
            return delegate.getEnabledProtocols();
        }

        @Override
        public void setEnabledProtocols(String[] protocols) {
            delegate.setEnabledProtocols(protocols);
        }

        @Override
        public SSLSession getSession() {
            return delegate.getSession();
        }

        @Override
        public SSLSession getHandshakeSession() {
            return delegate.getHandshakeSession();
        }

        @Override
        public void beginHandshake() throws SSLException {
            delegate.beginHandshake();
        }

        @Override
        public SSLEngineResult.HandshakeStatus getHandshakeStatus() {
            return delegate.getHandshakeStatus();
        }

        @Override
        public void setUseClientMode(boolean mode) {
            delegate.setUseClientMode(mode);
        }

        @Override
        public boolean getUseClientMode() {
            return delegate.getUseClientMode();
        }

        @Override
        public void setNeedClientAuth(boolean need) {
            delegate.setNeedClientAuth(need);
        }

        @Override
        public boolean getNeedClientAuth() {
            return delegate.getNeedClientAuth();
        }

        @Override
        public void setWantClientAuth(boolean want) {
            delegate.setWantClientAuth(want);
        }

        @Override
        public boolean getWantClientAuth() {
            return delegate.getWantClientAuth();
        }

        @Override
        public void setEnableSessionCreation(boolean flag) {
            delegate.setEnableSessionCreation(flag);
        }

        @Override
        public boolean getEnableSessionCreation() {
            return delegate.getEnableSessionCreation();
        }

        @Override
        public SSLParameters getSSLParameters() {
            return delegate.getSSLParameters();
        }

        @Override
        public void setSSLParameters(SSLParameters params) {
            delegate.setSSLParameters(params);
        }

        @Override
        public String getApplicationProtocol() {
            return delegate.getApplicationProtocol();
        }

        @Override
        public String getHandshakeApplicationProtocol() {
            return delegate.getHandshakeApplicationProtocol();
        }
    }
}
