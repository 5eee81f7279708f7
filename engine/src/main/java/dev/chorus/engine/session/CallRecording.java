package dev.chorus.engine.session;

import dev.chorus.codecs.pcm.G711;
import dev.chorus.codecs.pcm.PcmClip;
import dev.chorus.codecs.pcm.WavWriter;
import dev.chorus.codecs.resample.Resamplers;
import dev.chorus.engine.config.AudioEncoding;
import io.netty.buffer.ByteBuf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The audio of one call for {@code --record}: the caller's frames placed at their planned send times (at the send
 * rate) and the agent's audio placed at its simulated playback time (at the receive rate), both on one timeline
 * from the call's stream start. Written as one stereo WAV at the receive rate, caller left, agent right, by
 * {@link #write} — on the run's recorder thread, never on an event loop.
 *
 * <p>Buffers are in memory and grow by doubling, bounded to {@link #MAX_MILLIS} (10 minutes: about 19 MB per track
 * at 16 kHz); audio past that is dropped and {@link #truncated()} says so. Audio that overlaps earlier audio on the
 * same track (agent audio after a barge-in flush) overwrites it, as the flushed part was never played.
 *
 * <p>Not thread-safe: filled on the call's event loop; handed over (in the {@link SessionResult}) when it ends,
 * after which only {@link #write} reads it.
 */
public final class CallRecording {
    /** Longest recording kept per call. */
    public static final long MAX_MILLIS = 10 * 60 * 1000;

    private final AudioEncoding sendEncoding;
    private final int sendRateHz;
    private final int receiveRateHz;
    private final Track caller;
    private final Track agent;
    private boolean truncated;

    public CallRecording(AudioEncoding sendEncoding, int sendRateHz, int receiveRateHz) {
        this.sendEncoding = sendEncoding;
        this.sendRateHz = sendRateHz;
        this.receiveRateHz = receiveRateHz;
        this.caller = new Track((int) (sendRateHz * MAX_MILLIS / 1000));
        this.agent = new Track((int) (receiveRateHz * MAX_MILLIS / 1000));
    }

    /**
     * A caller frame sent {@code offsetNanos} after stream start: {@code length} bytes of {@code source} at
     * {@code index}, in the send encoding (not released or moved here).
     */
    void caller(long offsetNanos, ByteBuf source, int index, int length) {
        int at = sampleAt(offsetNanos, sendRateHz);
        int n = sendEncoding == AudioEncoding.PCM ? length / 2 : length;
        short[] into = caller.reserve(at, n);
        if (into == null) {
            truncated = true;
            return;
        }
        for (int i = 0; i < n; i++) {
            short s;
            switch (sendEncoding) {
                case ULAW:
                    s = G711.ulawToLinear(source.getByte(index + i));
                    break;
                case ALAW:
                    s = G711.alawToLinear(source.getByte(index + i));
                    break;
                default:
                    s = source.getShortLE(index + 2 * i);
            }
            into[at + i] = s;
        }
    }

    /** Agent audio, PCM16LE at the receive rate ({@code pcm}'s readable bytes, not released here), played at
     * {@code offsetNanos} after stream start. */
    void agent(long offsetNanos, ByteBuf pcm) {
        int at = sampleAt(offsetNanos, receiveRateHz);
        int n = pcm.readableBytes() / 2;
        short[] into = agent.reserve(at, n);
        if (into == null) {
            truncated = true;
            return;
        }
        int from = pcm.readerIndex();
        for (int i = 0; i < n; i++) {
            into[at + i] = pcm.getShortLE(from + 2 * i);
        }
    }

    /**
     * Agent audio from {@code offsetNanos} after stream start on was flushed unplayed (a barge-in): it is cut from
     * the agent track, so the recording holds what the caller heard.
     */
    void flushAgent(long offsetNanos) {
        agent.cut(sampleAt(offsetNanos, receiveRateHz));
    }

    /** Whether audio past {@link #MAX_MILLIS} was dropped. */
    public boolean truncated() {
        return truncated;
    }

    public int sampleRateHz() {
        return receiveRateHz;
    }

    /** A copy of the agent track at {@link #sampleRateHz()}, sample 0 at stream start. Not on an event loop. */
    public short[] agentTrack() {
        return agent.samples();
    }

    /** The caller track converted to the receive rate and the agent track, interleaved (left caller, right agent). */
    public short[] interleaved() {
        short[] left = Resamplers.convert(new PcmClip(caller.samples(), sendRateHz), receiveRateHz).samples();
        short[] right = agent.samples();
        int frames = Math.max(left.length, right.length);
        short[] out = new short[frames * 2];
        for (int i = 0; i < left.length; i++) {
            out[2 * i] = left[i];
        }
        for (int i = 0; i < right.length; i++) {
            out[2 * i + 1] = right[i];
        }
        return out;
    }

    /** Writes {@code dir/<callId>.wav}. Not on an event loop: converts and writes the whole call. */
    public Path write(Path dir, String callId) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(callId + ".wav");
        WavWriter.write(file, interleaved(), 2, receiveRateHz);
        return file;
    }

    private static int sampleAt(long offsetNanos, int rateHz) {
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, offsetNanos * rateHz / 1_000_000_000L));
    }

    /** One channel: samples written so far, growing by doubling up to a cap. */
    private static final class Track {
        private final int maxSamples;
        private short[] samples = new short[0];
        private int length;

        Track(int maxSamples) {
            this.maxSamples = maxSamples;
        }

        /** Room for samples {@code [at, at + n)}: the array to write them into, or null past the cap. */
        short[] reserve(int at, int n) {
            long end = (long) at + n;
            if (end > maxSamples) {
                return null;
            }
            if (end > samples.length) {
                samples = Arrays.copyOf(samples, (int) Math.min(maxSamples, Math.max(end, 2L * samples.length + 8192)));
            }
            length = (int) Math.max(length, end);
            return samples;
        }

        /** Drops the samples from {@code at} on. */
        void cut(int at) {
            if (at < length) {
                Arrays.fill(samples, at, length, (short) 0);
                length = at;
            }
        }

        short[] samples() {
            return Arrays.copyOf(samples, length);
        }
    }
}
