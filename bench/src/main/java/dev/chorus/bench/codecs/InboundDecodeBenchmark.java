package dev.chorus.bench.codecs;

import dev.chorus.bench.AbstractBenchmark;
import dev.chorus.codecs.pcm.Pcm16;
import dev.chorus.codecs.pcm.SpeechLikeSignal;
import dev.chorus.codecs.template.DotPath;
import dev.chorus.codecs.template.InboundMessageScanner;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * One inbound agent message {@code {"type":"audio_chunk","data":"<base64 of 20 ms of 24 kHz PCM16>"}} (960 bytes
 * of audio, 1280 base64 characters) read by {@link InboundMessageScanner} from a pooled direct buffer, as a
 * WebSocket frame arrives, with the audio decoded into a pooled direct buffer; baseline: the JDK's
 * {@code Base64.getDecoder().decode} of the same base64 String (which a JSON-tree user would first have to build).
 *
 * <p>The audio buffer is taken from the pool once and cleared per message. Taking and releasing it per message, as
 * an event loop does, costs nothing there, but on a JMH worker it shows 104 B/op: since netty 4.2 the
 * {@code Recycler} only pools buffer objects on {@code FastThreadLocalThread}s, which JMH's threads are not.
 */
@State(Scope.Thread)
public class InboundDecodeBenchmark extends AbstractBenchmark {
    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private InboundMessageScanner scanner;
    private ByteBuf message;
    private ByteBuf audio;
    private String base64;
    private int audioBytes;

    @Setup
    public void setUp() {
        byte[] pcm = Pcm16.toLittleEndian(SpeechLikeSignal.generate(24000, 20, 1));
        audioBytes = pcm.length;
        base64 = Base64.getEncoder().encodeToString(pcm);
        byte[] json = ("{\"type\":\"audio_chunk\",\"data\":\"" + base64 + "\"}").getBytes(StandardCharsets.US_ASCII);
        message = alloc.directBuffer(json.length).writeBytes(json);
        audio = alloc.directBuffer(audioBytes);
        scanner = new InboundMessageScanner(DotPath.parse("type"), "audio_chunk", DotPath.parse("data"), List.of());
    }

    @TearDown
    public void tearDown() {
        message.release();
        audio.release();
    }

    @Benchmark
    public int chorusScanner() {
        audio.clear();
        return scanner.scan(message, message.readerIndex(), message.readableBytes(), audio).audioBytes();
    }

    @Benchmark
    public int baselineJdkBase64() {
        return Base64.getDecoder().decode(base64).length;
    }
}
