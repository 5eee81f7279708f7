package dev.chorus.engine.pipeline;

import dev.chorus.codecs.template.DotPath;
import dev.chorus.codecs.template.InboundMessageScanner;
import dev.chorus.engine.config.AudioEncoding;
import dev.chorus.engine.session.ErrorClass;
import dev.chorus.engine.session.NanoClock;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** MP3 agent audio cut at arbitrary byte boundaries: decoded in order, bad bytes an invalid_audio problem. */
class AgentMessageDecoderMp3Test {
    private static EmbeddedChannel channel(int receiveRateHz) {
        return new EmbeddedChannel(new AgentMessageDecoder(new InboundMessageScanner(DotPath.parse("type"),
                "audio_chunk", DotPath.parse("data"), List.of()), AudioEncoding.MP3, 1, 0, receiveRateHz,
                NanoClock.SYSTEM));
    }

    private static byte[] fixture(String name) throws Exception {
        try (InputStream in = AgentMessageDecoderMp3Test.class.getResourceAsStream("/mp3/" + name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void decodesFragmentedMp3InOrder() throws Exception {
        byte[] mp3 = fixture("speech_24k_48kbps.mp3");
        EmbeddedChannel ch = channel(24000);
        int samples = 0;
        int problems = 0;
        for (int i = 0; i < mp3.length; i += 333) {
            ch.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(mp3, i, Math.min(333, mp3.length - i))));
            Object o;
            while ((o = ch.readInbound()) != null) {
                if (o instanceof AgentAudio) {
                    samples += ((AgentAudio) o).pcm().readableBytes() / 2;
                    ((AgentAudio) o).pcm().release();
                } else {
                    problems++;
                    ReferenceCountUtil.release(o);
                }
            }
        }
        assertThat(problems).isZero();
        // 1 s of audio; the stream's last frame waits for a next header that never comes.
        assertThat(samples).isBetween(24000 - 1152, 24300);
        assertFalse(ch.finish());
    }

    /** Writes one frame and drains what it produced (the decoder reuses one AgentAudio): [samples, problems]. */
    private static int[] write(EmbeddedChannel ch, byte[] bytes, int from, int length, List<AgentProblem> problems) {
        ch.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes, from, length)));
        int samples = 0;
        Object o;
        while ((o = ch.readInbound()) != null) {
            if (o instanceof AgentProblem) {
                problems.add((AgentProblem) o);
            } else {
                samples += ((AgentAudio) o).pcm().readableBytes() / 2;
                ((AgentAudio) o).pcm().release();
            }
        }
        return new int[] {samples, problems.size()};
    }

    @Test
    void garbageIsInvalidAudioAndTheStreamGoesOn() throws Exception {
        byte[] mp3 = fixture("speech_24k_48kbps.mp3");
        EmbeddedChannel ch = channel(16000);
        List<AgentProblem> problems = new java.util.ArrayList<>();
        write(ch, mp3, 0, 2000, problems);
        assertThat(problems).as("names the stream's rate and the fix").singleElement()
                .satisfies(p -> assertThat(p.message()).contains("24000 Hz").contains("fix"));
        problems.clear();
        byte[] junk = new byte[500];
        java.util.Arrays.fill(junk, (byte) 0x55);
        write(ch, junk, 0, junk.length, problems);
        int samples = write(ch, mp3, 2000, 1000, problems)[0];
        samples += write(ch, mp3, 3000, mp3.length - 3000, problems)[0];
        assertThat(problems).isNotEmpty().allSatisfy(p -> assertThat(p.errorClass())
                .isEqualTo(ErrorClass.INVALID_AUDIO));
        assertThat(samples).isGreaterThan(10000);
        assertFalse(ch.finish());
    }
}
