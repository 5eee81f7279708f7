package dev.chorus.bench.pipeline;

import dev.chorus.bench.AbstractBenchmark;
import dev.chorus.bench.EventLoopThreadExecutor;
import dev.chorus.codecs.template.MessageTemplate;
import dev.chorus.codecs.template.TemplateValues;
import dev.chorus.engine.agent.AgentCertificates;
import dev.chorus.engine.pipeline.CallerAudio;
import dev.chorus.engine.pipeline.CallerAudioEncoder;
import dev.chorus.engine.pipeline.CallTlsHandler;
import dev.chorus.engine.session.PreparedTestCase;
import dev.chorus.engine.transport.TlsContexts;
import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One outbound audio frame through the real outbound pipeline of a streaming call, as it stands after the WebSocket
 * upgrade (the HTTP codec and aggregator are gone by then; {@code WebSocketClientProtocolHandler} passes data frames
 * through untouched and is left out):
 *
 * <pre>
 *   call (writes the reused CallerAudio, void promise, one flush per frame as CallSession.tick does)
 *     |  audio-encoder   CallerAudioEncoder          stages: encoder
 *     |  ws-encoder      WebSocket13FrameEncoder     stages: encoder+ws   (the client encoder; frames pass it)
 *     v  tls             CallTlsHandler              stages: encoder+ws+CallTlsHandler   (BoringSSL, TLS 1.3,
 *                        or Netty's SslHandler       stages: encoder+ws+SslHandler        handshaken in setup)
 *   EmbeddedChannel outbound queue: drained and released
 * </pre>
 *
 * The frame is 20 ms of 16 kHz PCM16 silence in the default template, pre-encoded as base64 as the run prepares it
 * ({@code {"type": "audio_chunk", "data": "<856 base64 bytes>"}}, 892 bytes). Run with {@code -prof gc}:
 * {@code gc.alloc.rate.norm} is bytes allocated per frame on the event loop. The benchmark threads are Netty
 * {@code FastThreadLocalThread}s ({@link dev.chorus.bench.EventLoopThreadExecutor}) so that Netty's recyclers work
 * as they do on an event loop. {@code baselineCopy}: the frame's bytes copied into a buffer of the same allocator
 * and released, the least any encoder does.
 */
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-Dio.netty.leakDetection.level=disabled",
        "-Dio.netty.buffer.checkAccessible=false", "-Dio.netty.buffer.checkBounds=false",
        "-Djmh.executor=CUSTOM", "-Djmh.executor.class=dev.chorus.bench.EventLoopThreadExecutor"})
public class OutboundFrameBenchmark extends AbstractBenchmark {
    static final String TEMPLATE = "{\"type\": \"audio_chunk\", \"data\": \"{{audio_data}}\"}";
    static final int FRAME_BYTES = 640;

    @Param({"encoder", "encoder+ws", "encoder+ws+SslHandler", "encoder+ws+CallTlsHandler"})
    String stages;

    /** {@code adaptive}: Netty 4.2's default allocator (what {@code chorus run} uses); {@code pooled}: the 4.1 one. */
    @Param({"adaptive", "pooled"})
    String allocator;

    @Param({"OPENSSL"})
    String provider;

    private ByteBufAllocator alloc;
    private EmbeddedChannel client;
    private EmbeddedChannel server;
    private ChannelHandlerContext call;
    private final CallerAudio frame = new CallerAudio();
    private ByteBuf silence;
    private ByteBuf silenceBase64;
    private int base64Bytes;
    private byte[] json;
    private Path caPem;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        if (!(Thread.currentThread() instanceof io.netty.util.concurrent.FastThreadLocalThread)) {
            throw new IllegalStateException("not on a FastThreadLocalThread: " + Thread.currentThread()
                    + "; run with -Djmh.executor=CUSTOM -Djmh.executor.class=" + EventLoopThreadExecutor.class.getName());
        }
        alloc = "pooled".equals(allocator) ? PooledByteBufAllocator.DEFAULT : ByteBufAllocator.DEFAULT;
        if ("adaptive".equals(allocator) && !(alloc instanceof AdaptiveByteBufAllocator)) {
            throw new IllegalStateException("ByteBufAllocator.DEFAULT is " + alloc.getClass().getName()
                    + ", not adaptive (io.netty.allocator.type set?)");
        }
        MessageTemplate template = MessageTemplate.compile(TEMPLATE, "audio_data");
        silence = PreparedTestCase.shared(new byte[FRAME_BYTES]);
        silenceBase64 = PreparedTestCase.base64Frames(silence, FRAME_BYTES);
        base64Bytes = silenceBase64.readableBytes();
        ByteBuf expected = alloc.heapBuffer();
        template.encodePreencoded(silenceBase64, 0, base64Bytes, TemplateValues.NONE, expected);
        json = new byte[expected.readableBytes()];
        expected.readBytes(json);
        expected.release();

        client = new EmbeddedChannel();
        client.config().setAllocator(alloc);
        server = new EmbeddedChannel();
        server.config().setAllocator(alloc);
        SslHandler clientTls = null;
        SslHandler serverTls = null;
        if (stages.contains("Handler")) {
            AgentCertificates certificates = AgentCertificates.generate();
            caPem = Files.createTempFile("chorus-bench-ca", ".pem");
            certificates.writeCaPem(caPem);
            SslProvider p = SslProvider.valueOf(provider);
            System.setProperty("chorus.tls", p == SslProvider.JDK ? "jdk" : "openssl");
            SslContext clientContext = TlsContexts.client(caPem);
            SslContext serverContext = SslContextBuilder.forServer(certificates.serverKey(),
                    certificates.serverChain()).sslProvider(p).build();
            clientTls = stages.endsWith("+SslHandler") ? clientContext.newHandler(alloc, "localhost", 443)
                    : new CallTlsHandler(clientContext.newEngine(alloc, "localhost", 443));
            serverTls = serverContext.newHandler(alloc);
            client.pipeline().addLast("tls", clientTls);
            server.pipeline().addLast("tls", serverTls);
        }
        if (stages.contains("+ws")) {
            client.pipeline().addLast("ws-encoder", new WebSocket13FrameEncoder(true));
        }
        server.pipeline().addLast("ws-decoder", new WebSocket13FrameDecoder(true, false, 1 << 20));
        client.pipeline().addLast("audio-encoder", new CallerAudioEncoder(template, template));
        client.pipeline().addLast("call", new ChannelOutboundHandlerAdapter() {
            @Override
            public void handlerAdded(ChannelHandlerContext ctx) {
                call = ctx;
            }
        });
        if (clientTls != null) {
            for (int i = 0; i < 1000 && !(clientTls.handshakeFuture().isDone() && serverTls.handshakeFuture().isDone()); i++) {
                move(client, server);
                move(server, client);
                client.runPendingTasks();
                server.runPendingTasks();
            }
            if (!clientTls.handshakeFuture().isSuccess() || !serverTls.handshakeFuture().isSuccess()) {
                throw new IllegalStateException("TLS handshake failed: client " + clientTls.handshakeFuture().cause()
                        + ", server " + serverTls.handshakeFuture().cause());
            }
            move(server, client);
        }
        checkOneFrame();
    }

    /** Sends one frame to the server side and checks it arrives as the expected text frame (when it can decode). */
    private void checkOneFrame() {
        sendFrame();
        move(client, server);
        Object in = server.readInbound();
        if (!(in instanceof TextWebSocketFrame)
                || !new String(json, StandardCharsets.UTF_8).equals(((TextWebSocketFrame) in).text())) {
            throw new IllegalStateException("the server decoded " + in);
        }
        ReferenceCountUtil.release(in);
    }

    private static void move(EmbeddedChannel from, EmbeddedChannel to) {
        for (Object m; (m = from.readOutbound()) != null; ) {
            to.writeInbound(m);
        }
    }

    private void sendFrame() {
        frame.set(silence, 0, FRAME_BYTES, TemplateValues.NONE).base64(silenceBase64, 0, base64Bytes);
        call.write(frame, call.voidPromise());
        call.flush();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        client.finishAndReleaseAll();
        server.finishAndReleaseAll();
        if (caPem != null) {
            Files.deleteIfExists(caPem);
        }
    }

    /** One frame written, flushed, and the wire output released. */
    @Benchmark
    public int frame() {
        sendFrame();
        int n = 0;
        for (Object m; (m = client.readOutbound()) != null; ) {
            ReferenceCountUtil.release(m);
            n++;
        }
        return n;
    }

    /** The frame's bytes copied into a direct buffer of the same allocator and released. */
    @Benchmark
    public int baselineCopy() {
        ByteBuf out = alloc.directBuffer(json.length + 8);
        out.writeBytes(json);
        int n = out.readableBytes();
        out.release();
        return n;
    }
}
