package dev.chorus.bench.load;

import dev.chorus.engine.agent.AgentCertificates;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.ReferenceCountedOpenSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.management.ObjectName;

/**
 * Native memory per client TLS connection (BoringSSL through netty-tcnative): handshakes {@code N} client engines in
 * memory against JDK server engines (whose state is on the heap), sends a few frames on each, keeps them all, and
 * divides the growth of the process's RSS by {@code N}. Run it with a fixed, pre-touched heap and the interpreter
 * only, so that neither heap growth nor JIT code lands in the figure:
 *
 * <pre>
 *   java -Xint -Xms512m -Xmx512m -XX:+AlwaysPreTouch -cp bench/target/benchmarks.jar \
 *        dev.chorus.bench.load.TlsConnectionMemory [N=1500] [BIO_BUFFER_BYTES=1024] [trim]
 * </pre>
 *
 * The second argument sets {@code setBioNonApplicationBufferSize} on the client context (Netty's default 2048;
 * Chorus's client contexts use 1024, {@code TlsContexts}). With {@code trim}, glibc hands back its free pages
 * ({@code System.trim_native_heap}, as {@code run.sh} does with {@code jcmd}) before each RSS reading, so pages the
 * handshakes freed do not count as connection state.
 */
public final class TlsConnectionMemory {
    private TlsConnectionMemory() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1500;
        int bioBytes = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
        boolean trim = args.length > 2 && "trim".equals(args[2]);
        io.netty.util.ResourceLeakDetector.setLevel(io.netty.util.ResourceLeakDetector.Level.DISABLED);
        AgentCertificates certificates = AgentCertificates.generate();
        SslContext server = SslContextBuilder.forServer(certificates.serverKey(), certificates.serverChain())
                .sslProvider(SslProvider.JDK).build();
        SslContext client = SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL)
                .trustManager(certificates.caCertificate()).build();
        ((ReferenceCountedOpenSslContext) client).setBioNonApplicationBufferSize(bioBytes);
        List<EmbeddedChannel> kept = new ArrayList<>();
        long before = 0;
        int warmUp = 50;
        for (int i = 0; i < n + warmUp; i++) {
            if (i == warmUp) {
                System.gc();
                Thread.sleep(200);
                before = rssKb(trim);
            }
            EmbeddedChannel c = new EmbeddedChannel();
            c.config().setAllocator(PooledByteBufAllocator.DEFAULT);
            EmbeddedChannel s = new EmbeddedChannel();
            s.config().setAllocator(PooledByteBufAllocator.DEFAULT);
            SslHandler ct = client.newHandler(c.alloc(), "localhost", 443);
            c.pipeline().addLast(ct);
            s.pipeline().addLast(server.newHandler(s.alloc()));
            for (int k = 0; k < 20 && !ct.handshakeFuture().isDone(); k++) {
                move(c, s);
                move(s, c);
                c.runPendingTasks();
                s.runPendingTasks();
            }
            if (!ct.handshakeFuture().isSuccess()) {
                throw new IllegalStateException("handshake failed: " + ct.handshakeFuture().cause());
            }
            for (int k = 0; k < 3; k++) {
                c.writeAndFlush(c.alloc().directBuffer().writeZero(900));
                move(c, s);
                for (Object m; (m = s.readInbound()) != null; ) {
                    ((ByteBuf) m).release();
                }
            }
            kept.add(c);
            kept.add(s);
        }
        System.gc();
        Thread.sleep(200);
        System.out.printf(Locale.ROOT, "BoringSSL client connections: %d, BIO buffer %d B: %.0f B of RSS each%n", n,
                bioBytes, (rssKb(trim) - before) * 1024.0 / n);
        for (EmbeddedChannel ch : kept) {
            ch.finishAndReleaseAll();
        }
    }

    private static void move(EmbeddedChannel from, EmbeddedChannel to) {
        for (Object m; (m = from.readOutbound()) != null; ) {
            to.writeInbound(m);
        }
    }

    private static long rssKb(boolean trim) throws Exception {
        if (trim) {
            // malloc_trim(0) on glibc, through the DiagnosticCommand MBean (jcmd's System.trim_native_heap).
            ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "systemTrimNativeHeap",
                    new Object[] {null}, new String[] {String[].class.getName()});
        }
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return 0;
    }
}
