package dev.chorus.engine.agent;

import dev.chorus.engine.transport.TlsContexts;
import dev.chorus.engine.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The reference agent: a wss server on loopback speaking the default protocol of CONTRACT §1. Thread-safe.
 *
 * <pre>
 *   tls  -> http codec -> aggregator -> setup endpoint (http_first provisioning, answers its own path)
 *        -> upgrade guard (404 / 401, behavior) -> websocket (handshake)
 *        -> frame aggregator -> agent call handler (ready, utterances, paced replies)
 * </pre>
 */
public final class ReferenceAgent implements AutoCloseable {
    /** Upgrade header that picks a call's {@link AgentBehavior} (e.g. {@code close_mid_call}); for tests. */
    public static final String BEHAVIOR_HEADER = "X-Reference-Behavior";

    private final ReferenceAgentOptions options;
    private final AgentCertificates certificates;
    private final AgentObservations observations = new AgentObservations();
    private final EventLoopGroup group;
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Channel server;
    private final Path caPemFile;

    private ReferenceAgent(ReferenceAgentOptions options) throws Exception {
        this.options = options;
        this.certificates = AgentCertificates.generate();
        Path pem = options.caPemFile();
        if (pem == null) {
            pem = Files.createTempFile("chorus-agent-ca", ".pem");
            pem.toFile().deleteOnExit();
        }
        certificates.writeCaPem(pem);
        this.caPemFile = pem;
        SslContext ssl = SslContextBuilder.forServer(certificates.serverKey(), certificates.serverChain())
                .sslProvider(TlsContexts.bestProvider()).build();
        Transport transport = Transport.best();
        this.group = transport.newGroup(options.ioThreads(), "chorus-agent");
        UpgradeGuard guard = new UpgradeGuard(options, observations);
        ReplyAudio reply = ReplyAudio.of(options);
        ReplyAudio greeting = options.greetingMillis() > 0 ? ReplyAudio.of(options, options.greetingMillis()) : null;
        SetupEndpoint setup = new SetupEndpoint(options, observations, this::endpoint);
        WebSocketServerProtocolConfig ws = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(options.path())
                .checkStartsWith(true)
                .handleCloseFrames(false)
                .sendCloseFrame(null)
                .maxFramePayloadLength(16 * 1024 * 1024)
                .withUTF8Validator(false)
                .build();
        try {
            this.server = new ServerBootstrap().group(group).channel(transport.serverChannelClass())
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            channels.add(ch);
                            ChannelPipeline p = ch.pipeline();
                            p.addLast("tls", ssl.newHandler(ch.alloc()));
                            p.addLast("http", new HttpServerCodec());
                            p.addLast("http-aggregator", new HttpObjectAggregator(64 * 1024));
                            p.addLast("setup", setup);
                            p.addLast("upgrade-guard", guard);
                            p.addLast("websocket", new WebSocketServerProtocolHandler(ws));
                            p.addLast("ws-aggregator", new WebSocketFrameAggregator(16 * 1024 * 1024));
                            p.addLast("call", new AgentCallHandler(options, observations, reply, greeting));
                        }
                    })
                    .bind(options.host(), options.port()).sync().channel();
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** Starts the agent: certificates made, CA PEM written, port bound. */
    public static ReferenceAgent start(ReferenceAgentOptions options) throws Exception {
        return new ReferenceAgent(options);
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** {@code https://<host>:<port><setupPath>}: the agent file's {@code http_endpoint} in http_first mode. */
    public URI setupEndpoint() {
        String host = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
        return URI.create("https://" + host + ":" + port() + options.setupPath());
    }

    /** {@code wss://<host>:<port><path>}. */
    public URI endpoint() {
        String host = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
        return URI.create("wss://" + host + ":" + port() + options.path());
    }

    /** Where the CA certificate was written (PEM): the agent file's {@code trust_ca_file}. */
    public Path caPemFile() {
        return caPemFile;
    }

    public AgentCertificates certificates() {
        return certificates;
    }

    public AgentObservations observations() {
        return observations;
    }

    public ReferenceAgentOptions options() {
        return options;
    }

    /** Closes the port, every call, and the event loops; waits for them. */
    @Override
    public void close() {
        server.close().syncUninterruptibly();
        channels.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
