package dev.chorus.bench.codecs;

import dev.chorus.bench.AbstractBenchmark;
import dev.chorus.codecs.template.JsonText;
import dev.chorus.codecs.template.MessageTemplate;
import dev.chorus.codecs.template.TemplateValues;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * One outbound audio frame through the default template ({@code {"type": "audio_chunk", "data": "{{audio_data}}"}}):
 * Chorus's pre-split template writing base64 straight into a pooled direct buffer, against the baseline a JSON
 * library user would write — JDK {@link Base64} to a String, string concatenation, then a copy into a buffer.
 * {@code payloadBytes}: 20 ms at 8, 16 and 48 kHz PCM16.
 *
 * <p>The Chorus side encodes into one pooled direct buffer taken in setup and cleared per frame: Netty 4.2 recycles
 * buffer objects only on its own {@code FastThreadLocalThread}s (the event loops, where take-and-release allocates
 * nothing), not on JMH's worker threads, where it would add ~100 B/op that production does not pay.
 */
@State(Scope.Thread)
public class AudioTemplateEncodeBenchmark extends AbstractBenchmark {
    @Param({"320", "640", "1920"})
    int payloadBytes;

    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private MessageTemplate template;
    private ByteBuf source;
    private byte[] sourceArray;
    private long seq;
    private final TemplateValues values = (name, inside, out) -> {
        if ("seq".equals(name)) {
            JsonText.writeLong(seq, out);
            return true;
        }
        return false;
    };
    private MessageTemplate seqTemplate;
    private ByteBuf out;

    @Setup
    public void setUp() {
        template = MessageTemplate.compile("{\"type\": \"audio_chunk\", \"data\": \"{{audio_data}}\"}", "audio_data");
        seqTemplate = MessageTemplate.compile("{\"type\": \"audio_chunk\", \"seq\": {{seq}}, \"data\": \"{{audio_data}}\"}",
                "audio_data");
        sourceArray = new byte[payloadBytes * 50];
        new java.util.Random(1).nextBytes(sourceArray);
        source = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(sourceArray));
        out = alloc.directBuffer(seqTemplate.encodedLengthUpperBound(payloadBytes));
    }

    @org.openjdk.jmh.annotations.TearDown
    public void tearDown() {
        out.release();
    }

    @Benchmark
    public int chorusTemplate() {
        int index = (int) (seq++ % 50) * payloadBytes;
        out.clear();
        template.encode(source, index, payloadBytes, TemplateValues.NONE, out);
        return out.readableBytes();
    }

    @Benchmark
    public int chorusTemplateWithSeq() {
        int index = (int) (seq++ % 50) * payloadBytes;
        out.clear();
        seqTemplate.encode(source, index, payloadBytes, values, out);
        return out.readableBytes();
    }

    @Benchmark
    public int baselineJdkBase64AndCopy() {
        int index = (int) (seq++ % 50) * payloadBytes;
        byte[] chunk = java.util.Arrays.copyOfRange(sourceArray, index, index + payloadBytes);
        String json = "{\"type\": \"audio_chunk\", \"data\": \"" + Base64.getEncoder().encodeToString(chunk) + "\"}";
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        ByteBuf copy = alloc.directBuffer(bytes.length);
        copy.writeBytes(bytes);
        int n = copy.readableBytes();
        copy.release();
        return n;
    }
}
