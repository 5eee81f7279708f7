package dev.chorus.bench.codecs;

import dev.chorus.bench.AbstractBenchmark;
import dev.chorus.codecs.pcm.SpeechLikeSignal;
import dev.chorus.codecs.vad.EnergySpeechDetector;
import dev.chorus.codecs.vad.WebRtcSpeechDetector;
import dev.chorus.codecs.vad.WebRtcVad;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.Random;

/**
 * Cost of one 10 ms frame of agent audio: the WebRTC VAD port alone ({@code webRtcVad}), the detector built on it
 * ({@code webRtcSpeechDetector}: port + energy gate + backdating), and the {@link EnergySpeechDetector} as the
 * baseline. The input is 2 s of speech-like signal then 2 s of −60 dBFS noise, walked frame by frame so both the
 * speech and the noise branches are measured. Every path must show 0 B/op in {@code gc.alloc.rate.norm}.
 *
 * <p>Digital silence (the open microphone between a caller's lines, what the reference agent hears most of a load
 * test): {@code silenceFilterBank} runs the port on a frame of zeros, {@code silenceMemo} takes the same result from
 * {@link WebRtcVad#processSilence10ms}'s memo.
 */
@State(Scope.Thread)
public class VadBenchmark extends AbstractBenchmark {
    @Param({"16000", "48000"})
    int sampleRateHz;

    private short[] audio;
    private int frameSamples;
    private int frames;
    private int frame;
    private WebRtcVad vad;
    private WebRtcSpeechDetector detector;
    private EnergySpeechDetector energy;
    private short[] zeros;
    private WebRtcVad silentFiltered;
    private WebRtcVad silentMemo;

    @Setup
    public void setUp() {
        short[] speech = SpeechLikeSignal.generate(sampleRateHz, 2000, 1);
        audio = new short[speech.length * 2];
        System.arraycopy(speech, 0, audio, 0, speech.length);
        Random random = new Random(2);
        for (int i = speech.length; i < audio.length; i++) {
            audio[i] = (short) Math.round(random.nextGaussian() * 33);
        }
        frameSamples = sampleRateHz / 100;
        frames = audio.length / frameSamples;
        vad = new WebRtcVad(sampleRateHz, 3);
        detector = new WebRtcSpeechDetector(sampleRateHz);
        energy = new EnergySpeechDetector(sampleRateHz);
        zeros = new short[frameSamples];
        silentFiltered = new WebRtcVad(sampleRateHz, 3);
        silentMemo = new WebRtcVad(sampleRateHz, 3);
        for (int f = 0; f < 200; f++) {
            silentFiltered.processRaw(audio, f * frameSamples, frameSamples);
            silentMemo.processRaw(audio, f * frameSamples, frameSamples);
        }
    }

    private int nextOffset() {
        int f = frame++;
        if (frame == frames) {
            frame = 0;
        }
        return f * frameSamples;
    }

    @Benchmark
    public int webRtcVad() {
        return vad.processRaw(audio, nextOffset(), frameSamples);
    }

    @Benchmark
    public long webRtcSpeechDetector() {
        return detector.feed(audio, nextOffset(), frameSamples) + detector.lastSpeechSample();
    }

    @Benchmark
    public long baselineEnergySpeechDetector() {
        return energy.feed(audio, nextOffset(), frameSamples) + energy.lastSpeechSample();
    }

    @Benchmark
    public int silenceFilterBank() {
        return silentFiltered.processRaw(zeros, 0, frameSamples);
    }

    @Benchmark
    public int silenceMemo() {
        return silentMemo.processSilence10ms();
    }
}
