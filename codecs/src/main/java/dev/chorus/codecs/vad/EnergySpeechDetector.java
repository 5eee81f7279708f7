package dev.chorus.codecs.vad;

import io.netty.buffer.ByteBuf;

/**
 * An energy gate over 10 ms frames. A frame is speech when its RMS level is above both an absolute threshold
 * (−45 dBFS) and an adaptive noise floor + 12 dB. An onset needs two speech frames in a row (a click is one) and is
 * placed at the first sample of the first of them whose magnitude reaches the threshold level; speech ends after
 * three quiet frames, at the last such sample of the last speech frame. Allocation-free; not thread-safe.
 */
public final class EnergySpeechDetector implements SpeechDetector {
    static final double THRESHOLD_DBFS = -45;
    static final double FLOOR_MARGIN = Math.pow(10, 12 / 10.0);
    static final int ONSET_FRAMES = 2;
    static final int OFFSET_FRAMES = 3;

    private final int sampleRateHz;
    private final int frameSamples;
    private final double thresholdPower;
    private final int thresholdAmplitude;

    private long fed;
    private int framePos;
    private double frameEnergy;
    private long frameFirstLoud;
    private long frameLastLoud;
    private double noiseFloor;
    private boolean inSpeech;
    private int speechRun;
    private int quietRun;
    private long candidateOnset;
    private long lastSpeech;
    private long lastSpeechInRun;

    public EnergySpeechDetector(int sampleRateHz) {
        this.sampleRateHz = sampleRateHz;
        this.frameSamples = Math.max(1, sampleRateHz / 100);
        double thresholdRms = 32768 * Math.pow(10, THRESHOLD_DBFS / 20);
        this.thresholdPower = thresholdRms * thresholdRms;
        this.thresholdAmplitude = (int) thresholdRms;
        reset();
    }

    @Override
    public void reset() {
        fed = 0;
        framePos = 0;
        frameEnergy = 0;
        frameFirstLoud = -1;
        frameLastLoud = -1;
        noiseFloor = thresholdPower / FLOOR_MARGIN;
        inSpeech = false;
        speechRun = 0;
        quietRun = 0;
        candidateOnset = -1;
        lastSpeech = -1;
        lastSpeechInRun = -1;
    }

    @Override
    public long feed(ByteBuf pcm, int index, int bytes) {
        long onset = -1;
        for (int i = 0, end = bytes & ~1; i < end; i += 2) {
            long o = sample(pcm.getShortLE(index + i));
            if (o >= 0 && onset < 0) {
                onset = o;
            }
        }
        return onset;
    }

    @Override
    public long feed(short[] samples, int offset, int length) {
        long onset = -1;
        for (int i = 0; i < length; i++) {
            long o = sample(samples[offset + i]);
            if (o >= 0 && onset < 0) {
                onset = o;
            }
        }
        return onset;
    }

    /** One sample; returns a confirmed onset when this sample completes the confirming frame, else -1. */
    private long sample(short s) {
        long at = fed++;
        frameEnergy += (double) s * s;
        int magnitude = s < 0 ? -s : s;
        if (magnitude >= thresholdAmplitude) {
            if (frameFirstLoud < 0) {
                frameFirstLoud = at;
            }
            frameLastLoud = at;
        }
        if (++framePos < frameSamples) {
            return -1;
        }
        long frameStart = at - frameSamples + 1;
        double power = frameEnergy / frameSamples;
        long firstLoud = frameFirstLoud;
        long lastLoud = frameLastLoud;
        framePos = 0;
        frameEnergy = 0;
        frameFirstLoud = -1;
        frameLastLoud = -1;
        boolean speech = power > thresholdPower && power > noiseFloor * FLOOR_MARGIN;
        if (!speech) {
            noiseFloor = 0.95 * noiseFloor + 0.05 * Math.max(power, 1.0);
        }
        if (speech) {
            quietRun = 0;
            long end = lastLoud >= 0 ? lastLoud : at;
            if (inSpeech) {
                lastSpeech = end;
                return -1;
            }
            if (speechRun++ == 0) {
                candidateOnset = firstLoud >= 0 ? firstLoud : frameStart;
            }
            lastSpeechInRun = end;
            if (speechRun >= ONSET_FRAMES) {
                inSpeech = true;
                lastSpeech = lastSpeechInRun;
                return candidateOnset;
            }
            return -1;
        }
        speechRun = 0;
        if (inSpeech && ++quietRun >= OFFSET_FRAMES) {
            inSpeech = false;
        }
        return -1;
    }

    @Override
    public boolean inSpeech() {
        return inSpeech;
    }

    @Override
    public long samplesFed() {
        return fed;
    }

    @Override
    public long lastSpeechSample() {
        return lastSpeech;
    }

    @Override
    public int sampleRateHz() {
        return sampleRateHz;
    }
}
