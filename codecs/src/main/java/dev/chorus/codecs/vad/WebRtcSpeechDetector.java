package dev.chorus.codecs.vad;

import io.netty.buffer.ByteBuf;

/**
 * Speech detection for agent audio, not thread-safe (one per stream): the {@link WebRtcVad} port on 10 ms frames,
 * behind an energy gate, with sample-precise onset and offset. The VAD and its buffers (~8 KB) are made on the
 * first samples, so a stream that never receives audio costs only this object; allocation-free after that. Results
 * do not depend on how the stream is cut into {@code feed} calls (even mid-sample for the {@link ByteBuf} form).
 *
 * <pre>
 * 10 ms frame: loud   = RMS &gt; gate (-55 dBFS)       rejects WebRTC's false speech on very low-level noise
 *                     and RMS &gt; noise floor + 6 dB  rejects stationary noise it takes for speech at first
 *              speech = loud and WebRTC (mode 3) detected speech in it (raw decision 1), or, once in
 *                       speech, loud and in WebRTC's hangover (raw decision &gt; 1: bridges syllable dips)
 * onset:  {@code onsetFrames} speech frames in a row, each detected by WebRTC; reported at the first sample of
 *         the first of them whose magnitude reaches the onset level, walked back into the previous frame while
 *         such samples keep coming (gaps up to 5 ms, the troughs of a low voice's period), so the 10 ms frame grid
 *         does not quantize the onset
 * offset: the last such sample of the last speech frame, walked forward into the next frame the same way;
 *         {@link #inSpeech()} ends {@code hangoverMillis} after that frame
 * </pre>
 *
 * <p>The onset level is the gate amplitude or 5 × the noise floor's RMS, whichever is higher: Gaussian noise passes
 * 5σ about once in 2 million samples, so noise before the onset rarely pulls it early. The noise floor starts at the
 * gate (a stream may open with speech — agents start replies mid-word, with no silence before — and a floor taken
 * from that first frame would hide speech until its first syllable dip, ~240 ms late), follows the frame power down
 * at once and up by at most 0.3 dB a frame on frames WebRTC calls
 * noise (30 dB/s) and 1 dB/s otherwise: a noise level that steps up by more than 6 dB can raise false onsets for
 * the few hundred milliseconds the floor takes to catch up.
 *
 * <p>Frames of digital silence (every sample 0) go through {@link WebRtcVad#processSilence10ms}: the same
 * decisions, without the filter bank on each.
 *
 * <p>WebRTC's own hangover (60–140 ms of "speech" after speech, depending on mode) is not used: it is what made its
 * measured offsets +90 ms (notes §3). The end-of-turn hangover is this class's {@code hangoverMillis}.
 */
public final class WebRtcSpeechDetector implements SpeechDetector {
    /** Gaps allowed between loud samples while walking an onset back or an offset forward. */
    static final double BACKDATE_GAP_SECONDS = 0.005;
    /** Onset level over the noise floor's RMS. */
    static final double ONSET_LEVEL_OVER_FLOOR_RMS = 5;
    /** Noise floor rise on frames WebRTC calls noise: 0.3 dB a frame, 30 dB/s. */
    private static final double FLOOR_RISE_NOISE = Math.pow(10, 0.3 / 10);
    /** Noise floor rise under speech: 1 dB/s. */
    private static final double FLOOR_RISE_SPEECH = Math.pow(10, 0.01 / 10);

    private final int sampleRateHz;
    private final int frameSamples;
    private final int mode;
    /** Made on the first samples (with the frame buffers); null before. */
    private WebRtcVad vad;
    private final double gatePower;
    private final int gateAmplitude;
    private final double floorMargin;
    private final int onsetFrames;
    private final int hangoverFrames;
    private final int gapSamples;

    private short[] current;
    private short[] previous;
    private int framePos;
    private int pendingLowByte;
    private long fed;
    /** Absolute index of current[0]. */
    private long frameStart;
    private long framesDone;
    private double floorPower;
    private boolean inSpeech;
    private int speechRun;
    private int quietRun;
    private long candidateOnset;
    private long lastSpeech;

    /** A detector with the defaults of {@link Builder}. */
    public WebRtcSpeechDetector(int sampleRateHz) {
        this(builder(sampleRateHz));
    }

    private WebRtcSpeechDetector(Builder b) {
        this.sampleRateHz = b.sampleRateHz;
        this.frameSamples = b.sampleRateHz / 100;
        this.mode = b.mode; // sample rate and mode checked by the builder
        double gateRms = 32768 * Math.pow(10, b.gateDbfs / 20);
        this.gatePower = gateRms * gateRms;
        this.gateAmplitude = (int) Math.ceil(gateRms);
        this.floorMargin = Math.pow(10, b.floorMarginDb / 10);
        this.onsetFrames = b.onsetFrames;
        this.hangoverFrames = (b.hangoverMillis + 9) / 10;
        this.gapSamples = (int) Math.round(BACKDATE_GAP_SECONDS * b.sampleRateHz);
        reset();
    }

    /** Makes the VAD and the frame buffers, once, when the first samples come. */
    private void allocate() {
        vad = new WebRtcVad(sampleRateHz, mode);
        current = new short[frameSamples];
        previous = new short[frameSamples];
    }

    /** A builder for {@code sampleRateHz} (8000, 16000, 24000, 32000 or 48000). */
    public static Builder builder(int sampleRateHz) {
        return new Builder(sampleRateHz);
    }

    @Override
    public void reset() {
        if (vad != null) {
            vad.reset();
        }
        framePos = 0;
        pendingLowByte = -1;
        fed = 0;
        frameStart = 0;
        framesDone = 0;
        floorPower = -1;
        inSpeech = false;
        speechRun = 0;
        quietRun = 0;
        candidateOnset = -1;
        lastSpeech = -1;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Reads without moving the indices and releases nothing: the caller keeps ownership of {@code pcm16leMono}.
     * An odd byte count leaves the low byte of a sample pending for the next call.
     */
    @Override
    public long feed(ByteBuf pcm16leMono, int index, int bytes) {
        if (vad == null) {
            allocate();
        }
        long onset = -1;
        int i = index;
        int end = index + bytes;
        if (pendingLowByte >= 0 && i < end) {
            onset = sample((short) (pendingLowByte | pcm16leMono.getByte(i++) << 8), onset);
            pendingLowByte = -1;
        }
        while (end - i >= 2) {
            // Whole runs into the frame buffer, one bounds check each, not one call per sample.
            int take = Math.min(frameSamples - framePos, (end - i) >> 1);
            short[] x = current;
            int p = framePos;
            for (int k = 0; k < take; k++, i += 2) {
                x[p + k] = pcm16leMono.getShortLE(i);
            }
            onset = filled(take, onset);
        }
        if (i < end) {
            pendingLowByte = pcm16leMono.getUnsignedByte(i);
        }
        return onset;
    }

    @Override
    public long feed(short[] samples, int offset, int length) {
        if (vad == null) {
            allocate();
        }
        long onset = -1;
        for (int i = offset, end = offset + length; i < end; ) {
            int take = Math.min(frameSamples - framePos, end - i);
            System.arraycopy(samples, i, current, framePos, take);
            i += take;
            onset = filled(take, onset);
        }
        return onset;
    }

    /** Adds one sample; returns {@code onset} or, if none yet, an onset confirmed by this sample's frame. */
    private long sample(short s, long onset) {
        current[framePos++] = s;
        fed++;
        if (framePos < frameSamples) {
            return onset;
        }
        long o = frame();
        return onset >= 0 ? onset : o;
    }

    /** Counts {@code n} samples just put in the frame buffer; classifies it once full (see {@link #sample}). */
    private long filled(int n, long onset) {
        framePos += n;
        fed += n;
        if (framePos < frameSamples) {
            return onset;
        }
        long o = frame();
        return onset >= 0 ? onset : o;
    }

    /** Classifies the full frame in {@link #current}; returns a confirmed onset or -1. */
    private long frame() {
        short[] x = current;
        int n = frameSamples;
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum += x[i] * x[i];
        }
        // Digital silence (the open microphone between a caller's lines): the same decision, from a memo.
        int raw = sum == 0 ? vad.processSilence10ms() : vad.processRaw(x, 0, n);
        double power = (double) sum / n;
        double floor = floorPower;
        if (floor < 0) {
            floor = gatePower;
        }
        boolean loud = power > gatePower && power > floor * floorMargin;
        // Entering speech needs WebRTC's own detection; staying in it also accepts its hangover frames, which bridge
        // the syllable dips it calls noise, but only while the frame is loud, so the offset stays energy-precise.
        boolean speech = loud && (raw == 1 || (inSpeech && raw > 1));
        int level = (int) Math.max(gateAmplitude, ONSET_LEVEL_OVER_FLOOR_RMS * Math.sqrt(Math.max(floor, 1.0)));
        long onset = -1;
        if (speech) {
            quietRun = 0;
            if (!inSpeech && speechRun++ == 0) {
                candidateOnset = walkBack(firstLoud(x, level), level);
            }
            if (!inSpeech && speechRun >= onsetFrames) {
                inSpeech = true;
                onset = candidateOnset;
            }
            int last = lastLoud(x, level);
            lastSpeech = frameStart + (last >= 0 ? last : n - 1);
        } else {
            speechRun = 0;
            if (inSpeech) {
                if (quietRun++ == 0) {
                    lastSpeech = walkForward(x, level);
                }
                if (quietRun >= hangoverFrames) {
                    inSpeech = false;
                }
            }
        }
        // Noise floor: follows falls at once and rises slowly, in dB, so that one loud frame WebRTC has not yet
        // called speech (the onset's own frame) cannot lift it above the speech that follows.
        floor = Math.min(power, floor * (raw == 0 ? FLOOR_RISE_NOISE : FLOOR_RISE_SPEECH));
        floorPower = floor;
        short[] t = previous;
        previous = current;
        current = t;
        framePos = 0;
        frameStart += n;
        framesDone++;
        return onset;
    }

    private static int firstLoud(short[] x, int level) {
        for (int i = 0; i < x.length; i++) {
            if (Math.abs(x[i]) >= level) {
                return i;
            }
        }
        return 0;
    }

    private static int lastLoud(short[] x, int level) {
        for (int i = x.length - 1; i >= 0; i--) {
            if (Math.abs(x[i]) >= level) {
                return i;
            }
        }
        return -1;
    }

    /** From {@code first} in the current frame, back through the previous frame while loud samples keep coming. */
    private long walkBack(int first, int level) {
        long onset = frameStart + first;
        long limit = framesDone > 0 ? frameStart - frameSamples : 0;
        for (long j = onset - 1; j >= limit && onset - j <= gapSamples; j--) {
            short s = j >= frameStart
                    ? current[(int) (j - frameStart)]
                    : previous[(int) (j - frameStart + frameSamples)];
            if (Math.abs(s) >= level) {
                onset = j;
            }
        }
        return onset;
    }

    /** From {@link #lastSpeech} forward through the current (first quiet) frame while loud samples keep coming. */
    private long walkForward(short[] x, int level) {
        long last = lastSpeech;
        for (int i = 0; i < x.length; i++) {
            long j = frameStart + i;
            if (j - last > gapSamples) {
                break;
            }
            if (Math.abs(x[i]) >= level) {
                last = j;
            }
        }
        return last;
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

    /** Settings of a {@link WebRtcSpeechDetector}; every setter documents its default. Not thread-safe. */
    public static final class Builder {
        private final int sampleRateHz;
        private int mode = 3;
        private double gateDbfs = -55;
        private double floorMarginDb = 6;
        private int onsetFrames = 2;
        private int hangoverMillis = 30;

        private Builder(int sampleRateHz) {
            if (!WebRtcDownsampler.isSupported(sampleRateHz)) {
                throw new IllegalArgumentException("sampleRateHz=" + sampleRateHz + " not supported; use 8000, "
                        + "16000, 24000, 32000 or 48000");
            }
            this.sampleRateHz = sampleRateHz;
        }

        /** WebRTC aggressiveness 0–3. Default 3 (very aggressive: fewest false alarms, as agent audio is clean). */
        public Builder mode(int mode) {
            if (mode < 0 || mode > 3) {
                throw new IllegalArgumentException("mode=" + mode + " out of range; use 0 to 3");
            }
            this.mode = mode;
            return this;
        }

        /** Frames below this RMS level are never speech. Default −55 dBFS. */
        public Builder gateDbfs(double gateDbfs) {
            if (!(gateDbfs < 0)) {
                throw new IllegalArgumentException("gateDbfs=" + gateDbfs + " must be below 0 dBFS");
            }
            this.gateDbfs = gateDbfs;
            return this;
        }

        /** Speech frames must be this far above the noise floor; 0 turns the check off. Default 6 dB. */
        public Builder floorMarginDb(double floorMarginDb) {
            if (!(floorMarginDb >= 0)) {
                throw new IllegalArgumentException("floorMarginDb=" + floorMarginDb + " must be 0 or more");
            }
            this.floorMarginDb = floorMarginDb;
            return this;
        }

        /** Speech frames in a row that confirm an onset (a click is one). Default 2. */
        public Builder onsetFrames(int onsetFrames) {
            if (onsetFrames < 1) {
                throw new IllegalArgumentException("onsetFrames=" + onsetFrames + " must be at least 1");
            }
            this.onsetFrames = onsetFrames;
            return this;
        }

        /**
         * How long {@link WebRtcSpeechDetector#inSpeech()} stays true after the last speech frame, rounded up to
         * 10 ms frames; {@link WebRtcSpeechDetector#lastSpeechSample()} is not affected. Default 30 ms.
         */
        public Builder hangoverMillis(int hangoverMillis) {
            if (hangoverMillis < 10) {
                throw new IllegalArgumentException("hangoverMillis=" + hangoverMillis + " must be at least 10");
            }
            this.hangoverMillis = hangoverMillis;
            return this;
        }

        public WebRtcSpeechDetector build() {
            return new WebRtcSpeechDetector(this);
        }
    }
}
