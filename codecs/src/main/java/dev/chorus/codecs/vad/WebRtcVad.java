/*
 * Ported to Java for Chorus from the WebRTC voice activity detector (common_audio/vad and the parts of
 * common_audio/signal_processing it uses), as packaged standalone by libfvad (https://github.com/dpirch/libfvad).
 *
 * Copyright (c) 2011, The WebRTC project authors. All rights reserved.
 *
 * Redistribution and use in source and binary forms, with or without modification, are permitted provided that the
 * following conditions are met:
 *
 *   * Redistributions of source code must retain the above copyright notice, this list of conditions and the
 *     following disclaimer.
 *
 *   * Redistributions in binary form must reproduce the above copyright notice, this list of conditions and the
 *     following disclaimer in the documentation and/or other materials provided with the distribution.
 *
 *   * Neither the name of Google nor the names of its contributors may be used to endorse or promote products
 *     derived from this software without specific prior written permission.
 *
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND ANY EXPRESS OR IMPLIED WARRANTIES,
 * INCLUDING, BUT NOT LIMITED TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
 * DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL,
 * SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
 * SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY,
 * WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
 * OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
 */
package dev.chorus.codecs.vad;

import java.util.Arrays;

/**
 * The WebRTC voice activity detector, ported line by line from its fixed-point C (vad_core.c, vad_filterbank.c,
 * vad_gmm.c, vad_sp.c and the SPL helpers they call, int16/int32 wrap-around kept); not thread-safe, one per stream.
 * Allocation-free after construction. Its primitives reproduce the reference values of WebRTC's unit tests
 * ({@code WebRtcVadTest}); frame decisions have not been compared with a libfvad build on a corpus.
 *
 * <p>Each frame is brought to 8 kHz ({@link WebRtcDownsampler}), split by a tree of allpass QMF filters into six
 * sub-bands (80–250, 250–500, 500–1000, 1000–2000, 2000–3000, 3000–4000 Hz) whose log energies (dB, Q4) are the
 * features. Each band has a two-Gaussian mixture for noise and one for speech (means and stds in Q7, adapted after
 * every frame); a frame is speech when any band's log-likelihood ratio exceeds the local threshold or their weighted
 * sum exceeds the global one. A hangover of a few frames follows speech. The {@code mode} (0 quality, 1 low bitrate,
 * 2 aggressive, 3 very aggressive) only changes those thresholds and the hangover.
 *
 * <p>Rates: 8, 16, 32 and 48 kHz as in libfvad, plus 24 kHz (see {@link WebRtcDownsampler}). Frames of 10, 20 or
 * 30 ms. Deviation from libfvad: for 20 and 30 ms frames at 48 kHz libfvad resamples the first 10 ms of the frame
 * two or three times (it never advances its input pointer); this port resamples each 10 ms in turn. 10 ms frames,
 * the only ones {@link WebRtcSpeechDetector} uses, are unaffected.
 */
public final class WebRtcVad {
    static final int NUM_CHANNELS = 6;
    static final int NUM_GAUSSIANS = 2;
    static final int TABLE_SIZE = NUM_CHANNELS * NUM_GAUSSIANS;
    /** Minimum energy required to trigger audio signal. */
    static final int MIN_ENERGY = 10;

    // vad_core.c
    private static final short[] SPECTRUM_WEIGHT = {6, 8, 10, 12, 14, 16};
    private static final short NOISE_UPDATE_CONST = 655; // Q15
    private static final short SPEECH_UPDATE_CONST = 6554; // Q15
    private static final short BACK_ETA = 154; // Q8
    /** Minimum difference between the two models, Q5. */
    private static final short[] MINIMUM_DIFFERENCE = {544, 544, 576, 576, 576, 576};
    /** Upper limit of mean value for speech model, Q7. */
    private static final short[] MAXIMUM_SPEECH = {11392, 11392, 11520, 11520, 11520, 11520};
    private static final short[] MINIMUM_MEAN = {640, 768};
    /** Upper limit of mean value for noise model, Q7. */
    private static final short[] MAXIMUM_NOISE = {9216, 9088, 8960, 8832, 8704, 8576};
    private static final short[] NOISE_DATA_WEIGHTS = {34, 62, 72, 66, 53, 25, 94, 66, 56, 62, 75, 103};
    private static final short[] SPEECH_DATA_WEIGHTS = {48, 82, 45, 87, 50, 47, 80, 46, 83, 41, 78, 81};
    private static final short[] NOISE_DATA_MEANS =
        {6738, 4892, 7065, 6715, 6771, 3369, 7646, 3863, 7820, 7266, 5020, 4362};
    private static final short[] SPEECH_DATA_MEANS =
        {8306, 10085, 10078, 11823, 11843, 6309, 9473, 9571, 10879, 7581, 8180, 7483};
    private static final short[] NOISE_DATA_STDS = {378, 1064, 493, 582, 688, 593, 474, 697, 475, 688, 421, 455};
    private static final short[] SPEECH_DATA_STDS = {555, 505, 567, 524, 585, 1231, 509, 828, 492, 1540, 1079, 850};
    /** Maximum number of counted speech (VAD = 1) frames in a row. */
    private static final short MAX_SPEECH_FRAMES = 6;
    /** Minimum standard deviation for both speech and noise. */
    private static final short MIN_STD = 384;
    // Per mode, for 10, 20 and 30 ms frames.
    private static final short[][] OVER_HANG_MAX_1 = {{8, 4, 3}, {8, 4, 3}, {6, 3, 2}, {6, 3, 2}};
    private static final short[][] OVER_HANG_MAX_2 = {{14, 7, 5}, {14, 7, 5}, {9, 5, 3}, {9, 5, 3}};
    private static final short[][] LOCAL_THRESHOLD = {{24, 21, 24}, {37, 32, 37}, {82, 78, 82}, {94, 94, 94}};
    private static final short[][] GLOBAL_THRESHOLD =
        {{57, 48, 57}, {100, 80, 100}, {285, 260, 285}, {1100, 1050, 1100}};

    // vad_filterbank.c
    /** 160 * log10(2) in Q9. */
    private static final int LOG_CONST = 24660;
    /** 14 in Q10. */
    private static final int LOG_ENERGY_INT_PART = 14336;
    /** High pass filter coefficients, Q14. */
    private static final int[] HP_ZERO_COEFS = {6631, -13262, 6631};
    private static final int[] HP_POLE_COEFS = {16384, -7756, 5620};
    /** Allpass filter coefficients, upper and lower, Q15 (0.64 and 0.17). */
    private static final int[] ALL_PASS_COEFS_Q15 = {20972, 5571};
    /** Adjustment for division with two in SplitFilter. */
    static final short[] OFFSET_VECTOR = {368, 368, 272, 176, 176, 176};

    // vad_gmm.c
    private static final int COMP_VAR = 22005;
    /** log2(exp(1)) in Q12. */
    private static final int LOG2_EXP = 5909;

    // vad_sp.c
    /** 0.2 in Q15. */
    private static final short SMOOTHING_DOWN = 6553;
    /** 0.99 in Q15. */
    private static final short SMOOTHING_UP = 32439;

    private final int sampleRateHz;
    private int mode;
    private final WebRtcDownsampler downsampler;

    // VadInstT
    private int vad;
    private final short[] noiseMeans = new short[TABLE_SIZE];
    private final short[] speechMeans = new short[TABLE_SIZE];
    private final short[] noiseStds = new short[TABLE_SIZE];
    private final short[] speechStds = new short[TABLE_SIZE];
    private int frameCounter;
    private short overHang;
    private short numOfSpeech;
    private final short[] indexVector = new short[16 * NUM_CHANNELS];
    private final short[] lowValueVector = new short[16 * NUM_CHANNELS];
    private final short[] meanValue = new short[NUM_CHANNELS];
    private final short[] upperState = new short[5];
    private final short[] lowerState = new short[5];
    private final short[] hpFilterState = new short[4];
    private final short[] featureVector = new short[NUM_CHANNELS];
    private short totalPower;

    // Scratch: the C keeps these on the stack.
    private final short[] narrowband = new short[240];
    private final short[] hp120 = new short[120];
    private final short[] lp120 = new short[120];
    private final short[] hp60 = new short[60];
    private final short[] lp60 = new short[60];
    private final short[] deltaN = new short[TABLE_SIZE];
    private final short[] deltaS = new short[TABLE_SIZE];
    private final short[] ngprvec = new short[TABLE_SIZE];
    private final short[] sgprvec = new short[TABLE_SIZE];
    private final int[] noiseProbability = new int[NUM_GAUSSIANS];
    private final int[] speechProbability = new int[NUM_GAUSSIANS];
    private short totalEnergy;

    // processSilence10ms: the filter bank on a 10 ms frame of zeros is a function of the filter states alone.
    private static final int STATE_INTS = WebRtcDownsampler.STATE_INTS + 5 + 5 + 4;
    private final short[] zeros10ms;
    private final int[] stateNow = new int[STATE_INTS];
    private final int[] silenceBefore = new int[STATE_INTS];
    private final int[] silenceAfter = new int[STATE_INTS];
    private final short[] silenceFeatures = new short[NUM_CHANNELS];
    private short silencePower;
    private boolean silenceKnown;
    /** Silent frames whose filter bank came from the memo (tests). */
    long silenceMemoHits;
    private int energyScaling;

    /**
     * @param sampleRateHz 8000, 16000, 24000, 32000 or 48000
     * @param mode aggressiveness, 0 (quality) to 3 (very aggressive); WebRTC's default is 0
     */
    public WebRtcVad(int sampleRateHz, int mode) {
        setMode(mode);
        this.downsampler = new WebRtcDownsampler(sampleRateHz);
        this.sampleRateHz = sampleRateHz;
        this.zeros10ms = new short[sampleRateHz / 100];
        reset();
    }

    public int sampleRateHz() {
        return sampleRateHz;
    }

    public int mode() {
        return mode;
    }

    /** fvad_set_mode: changes the thresholds and hangover from the next frame on, keeping the adapted models. */
    public void setMode(int mode) {
        if (mode < 0 || mode > 3) {
            throw new IllegalArgumentException("mode=" + mode + " out of range; use 0 (quality) to 3 "
                    + "(very aggressive)");
        }
        this.mode = mode;
    }

    /** Samples in a 10 ms frame at {@link #sampleRateHz()}. */
    public int frameSamples10ms() {
        return sampleRateHz / 100;
    }

    /** WebRtcVad_InitCore: back to the initial models and zero filter states, keeping the mode. */
    public void reset() {
        vad = 1;
        frameCounter = 0;
        overHang = 0;
        numOfSpeech = 0;
        downsampler.reset();
        System.arraycopy(NOISE_DATA_MEANS, 0, noiseMeans, 0, TABLE_SIZE);
        System.arraycopy(SPEECH_DATA_MEANS, 0, speechMeans, 0, TABLE_SIZE);
        System.arraycopy(NOISE_DATA_STDS, 0, noiseStds, 0, TABLE_SIZE);
        System.arraycopy(SPEECH_DATA_STDS, 0, speechStds, 0, TABLE_SIZE);
        Arrays.fill(lowValueVector, (short) 10000);
        Arrays.fill(indexVector, (short) 0);
        Arrays.fill(upperState, (short) 0);
        Arrays.fill(lowerState, (short) 0);
        Arrays.fill(hpFilterState, (short) 0);
        Arrays.fill(meanValue, (short) 1600);
    }

    /**
     * Classifies one frame of 10, 20 or 30 ms (as fvad_Process does).
     *
     * @return 1 for speech (including the hangover after it), 0 for non-speech
     */
    public int process(short[] frame, int offset, int length) {
        return processRaw(frame, offset, length) > 0 ? 1 : 0;
    }

    /**
     * As {@link #process} but returns WebRTC's internal decision: 0 non-speech, 1 speech detected in this frame,
     * {@code 2 + n} hangover frame with {@code n} more hangover frames to come.
     */
    public int processRaw(short[] frame, int offset, int length) {
        int tenMs = sampleRateHz / 100;
        int frames = length / tenMs;
        if (frames < 1 || frames > 3 || frames * tenMs != length) {
            throw new IllegalArgumentException("length=" + length + " is not a 10, 20 or 30 ms frame at "
                    + sampleRateHz + " Hz");
        }
        for (int i = 0; i < frames; i++) {
            downsampler.toNarrowband(frame, offset + i * tenMs, narrowband, i * 80);
        }
        return calcVad8khz(narrowband, 0, frames * 80);
    }

    /**
     * {@link #processRaw} on a 10 ms frame of digital silence (every sample 0), with the same result and the same
     * state after it. On zeros the downsampler and filter bank compute a function of their own states alone, and
     * those settle into the same fixed-point residue frame after frame; so the states before and after the last
     * silent frame, and its features, are kept, and a silent frame that starts from the same states takes them
     * from there instead of filtering. The models are updated as WebRTC updates them (the residue reads as a frame
     * above its minimum energy). A caller's open microphone between lines costs ~60 compares and copies a frame.
     */
    public int processSilence10ms() {
        saveState(stateNow);
        if (silenceKnown && Arrays.equals(stateNow, silenceBefore)) {
            silenceMemoHits++;
            restoreState(silenceAfter);
            System.arraycopy(silenceFeatures, 0, featureVector, 0, NUM_CHANNELS);
            totalPower = silencePower;
            vad = gmmProbability(featureVector, totalPower, 80);
            return vad;
        }
        int raw = processRaw(zeros10ms, 0, zeros10ms.length);
        System.arraycopy(stateNow, 0, silenceBefore, 0, STATE_INTS);
        saveState(silenceAfter);
        System.arraycopy(featureVector, 0, silenceFeatures, 0, NUM_CHANNELS);
        silencePower = totalPower;
        silenceKnown = true;
        return raw;
    }

    private void saveState(int[] to) {
        downsampler.saveState(to, 0);
        int at = WebRtcDownsampler.STATE_INTS;
        for (int i = 0; i < 5; i++) {
            to[at + i] = upperState[i];
            to[at + 5 + i] = lowerState[i];
        }
        for (int i = 0; i < 4; i++) {
            to[at + 10 + i] = hpFilterState[i];
        }
    }

    private void restoreState(int[] from) {
        downsampler.restoreState(from, 0);
        int at = WebRtcDownsampler.STATE_INTS;
        for (int i = 0; i < 5; i++) {
            upperState[i] = (short) from[at + i];
            lowerState[i] = (short) from[at + 5 + i];
        }
        for (int i = 0; i < 4; i++) {
            hpFilterState[i] = (short) from[at + 10 + i];
        }
    }

    /** The last raw decision (see {@link #processRaw}); 1 before any frame, as in WebRtcVad_InitCore. */
    public int lastRawDecision() {
        return vad;
    }

    /** WebRtcVad_CalcVad8khz on 80, 160 or 240 samples at 8 kHz. */
    int calcVad8khz(short[] frame, int offset, int length) {
        totalPower = calculateFeatures(frame, offset, length, featureVector);
        vad = gmmProbability(featureVector, totalPower, length);
        return vad;
    }

    // ------------------------------------------------------------------ vad_filterbank.c

    /** High pass filtering at 80 Hz of the 0–250 Hz band sampled at 500 Hz. */
    private static void highPassFilter(short[] in, int length, short[] state, short[] out) {
        for (int i = 0; i < length; i++) {
            int tmp32 = HP_ZERO_COEFS[0] * in[i];
            tmp32 += HP_ZERO_COEFS[1] * state[0];
            tmp32 += HP_ZERO_COEFS[2] * state[1];
            state[1] = state[0];
            state[0] = in[i];
            tmp32 -= HP_POLE_COEFS[1] * state[2];
            tmp32 -= HP_POLE_COEFS[2] * state[3];
            state[3] = state[2];
            state[2] = (short) (tmp32 >> 14);
            out[i] = state[2];
        }
    }

    /** First order allpass on every other input sample from {@code in[inOffset]}; state and output in Q(-1). */
    private static void allPassFilter(short[] in, int inOffset, int length, int coefficient, short[] state,
                                      int stateIndex, short[] out) {
        int state32 = state[stateIndex] << 16; // Q15
        for (int i = 0, j = inOffset; i < length; i++, j += 2) {
            int tmp32 = state32 + coefficient * in[j];
            short tmp16 = (short) (tmp32 >> 16); // Q(-1)
            out[i] = tmp16;
            state32 = (in[j] << 14) - coefficient * tmp16; // Q14
            state32 <<= 1; // Q15
        }
        state[stateIndex] = (short) (state32 >> 16);
    }

    /** Splits {@code length} samples into upper and lower halves of the band, each {@code length / 2} long. */
    void splitFilter(short[] in, int inOffset, int length, int band, short[] hpOut, short[] lpOut) {
        int half = length >> 1;
        allPassFilter(in, inOffset, half, ALL_PASS_COEFS_Q15[0], upperState, band, hpOut);
        allPassFilter(in, inOffset + 1, half, ALL_PASS_COEFS_Q15[1], lowerState, band, lpOut);
        for (int i = 0; i < half; i++) {
            short tmp = hpOut[i];
            hpOut[i] = (short) (hpOut[i] - lpOut[i]);
            lpOut[i] = (short) (lpOut[i] + tmp);
        }
    }

    /**
     * 10 log10(energy of {@code in}) in Q4 plus {@code offset}; adds to {@link #totalEnergy} while it is at most
     * {@link #MIN_ENERGY}.
     */
    short logOfEnergy(short[] in, int length, short offset) {
        int energy = energy(in, length);
        int totRshifts = energyScaling;
        if (energy == 0) {
            return offset;
        }
        // Normalizing to 15 bits is equivalent with 17 leading zeros of an unsigned 32 bit value.
        int normalizingRshifts = 17 - normU32(energy);
        short log2Energy = LOG_ENERGY_INT_PART;
        totRshifts += normalizingRshifts;
        if (normalizingRshifts < 0) {
            energy <<= -normalizingRshifts;
        } else {
            energy >>>= normalizingRshifts;
        }
        log2Energy = (short) (log2Energy + (short) ((energy & 0x00003FFF) >>> 4));
        short logEnergy = (short) (((LOG_CONST * log2Energy) >> 19) + ((totRshifts * LOG_CONST) >> 9));
        if (logEnergy < 0) {
            logEnergy = 0;
        }
        logEnergy = (short) (logEnergy + offset);
        if (totalEnergy <= MIN_ENERGY) {
            if (totRshifts >= 0) {
                totalEnergy = (short) (totalEnergy + MIN_ENERGY + 1);
            } else {
                totalEnergy = (short) (totalEnergy + (short) (energy >>> -totRshifts));
            }
        }
        return logEnergy;
    }

    /** WebRtcVad_CalculateFeatures: six sub-band log energies into {@code features}; returns the total energy. */
    short calculateFeatures(short[] in, int offset, int length, short[] features) {
        totalEnergy = 0;
        int half = length >> 1;
        // Split at 2000 Hz and downsample.
        splitFilter(in, offset, length, 0, hp120, lp120);
        // For the upper band (2000 Hz - 4000 Hz) split at 3000 Hz and downsample.
        splitFilter(hp120, 0, half, 1, hp60, lp60);
        int len = half >> 1;
        features[5] = logOfEnergy(hp60, len, OFFSET_VECTOR[5]); // 3000 Hz - 4000 Hz
        features[4] = logOfEnergy(lp60, len, OFFSET_VECTOR[4]); // 2000 Hz - 3000 Hz
        // For the lower band (0 Hz - 2000 Hz) split at 1000 Hz and downsample.
        splitFilter(lp120, 0, half, 2, hp60, lp60);
        features[3] = logOfEnergy(hp60, len, OFFSET_VECTOR[3]); // 1000 Hz - 2000 Hz
        // For the lower band (0 Hz - 1000 Hz) split at 500 Hz and downsample.
        splitFilter(lp60, 0, len, 3, hp120, lp120);
        len >>= 1;
        features[2] = logOfEnergy(hp120, len, OFFSET_VECTOR[2]); // 500 Hz - 1000 Hz
        // For the lower band (0 Hz - 500 Hz) split at 250 Hz and downsample.
        splitFilter(lp120, 0, len, 4, hp60, lp60);
        len >>= 1;
        features[1] = logOfEnergy(hp60, len, OFFSET_VECTOR[1]); // 250 Hz - 500 Hz
        // Remove 0 Hz - 80 Hz by high pass filtering the lower band.
        highPassFilter(lp60, len, hpFilterState, hp120);
        features[0] = logOfEnergy(hp120, len, OFFSET_VECTOR[0]); // 80 Hz - 250 Hz
        return totalEnergy;
    }

    // ------------------------------------------------------------------ vad_gmm.c

    /**
     * Probability of {@code input} (Q4) under a normal distribution with {@code mean} and {@code std} (Q7), in Q20;
     * stores {@code (x - m) / s^2} in Q11 at {@code delta[deltaIndex]} for the model update.
     */
    static int gaussianProbability(short input, short mean, short std, short[] delta, int deltaIndex) {
        // 131072 = 1 in Q17, and (std >> 1) rounds instead of truncating. Q17 / Q7 = Q10.
        int tmp32 = 131072 + (std >> 1);
        short invStd = (short) divW32W16(tmp32, std);
        short tmp16 = (short) (invStd >> 2); // Q10 -> Q8
        short invStd2 = (short) ((tmp16 * tmp16) >> 2); // Q14
        tmp16 = (short) (input << 3); // Q4 -> Q7
        tmp16 = (short) (tmp16 - mean);
        short d = (short) ((invStd2 * tmp16) >> 10); // Q11
        delta[deltaIndex] = d;
        tmp32 = (d * tmp16) >> 9; // Q10
        short expValue = 0;
        if (tmp32 < COMP_VAR) {
            tmp16 = (short) ((LOG2_EXP * (short) tmp32) >> 12);
            tmp16 = (short) -tmp16;
            expValue = (short) (0x0400 | (tmp16 & 0x03FF));
            tmp16 = (short) (tmp16 ^ 0xFFFF);
            tmp16 = (short) (tmp16 >> 10);
            tmp16 = (short) (tmp16 + 1);
            expValue = (short) (expValue >> tmp16);
        }
        return invStd * expValue; // Q20
    }

    // ------------------------------------------------------------------ vad_core.c

    /** Adds {@code offset} to both Gaussians' values of {@code channel} and returns their weighted sum. */
    private static int weightedAverage(short[] data, int channel, int offset, short[] weights) {
        int weightedAverage = 0;
        for (int k = 0; k < NUM_GAUSSIANS; k++) {
            int g = channel + k * NUM_CHANNELS;
            data[g] = (short) (data[g] + offset);
            weightedAverage += data[g] * weights[g];
        }
        return weightedAverage;
    }

    private int gmmProbability(short[] features, short totalPower, int frameLength) {
        int lengthIndex = frameLength == 80 ? 0 : frameLength == 160 ? 1 : 2;
        short overhead1 = OVER_HANG_MAX_1[mode][lengthIndex];
        short overhead2 = OVER_HANG_MAX_2[mode][lengthIndex];
        short individualTest = LOCAL_THRESHOLD[mode][lengthIndex];
        short totalTest = GLOBAL_THRESHOLD[mode][lengthIndex];
        int vadflag = 0;
        short[] deltaN = this.deltaN;
        short[] deltaS = this.deltaS;
        short[] ngprvec = this.ngprvec;
        short[] sgprvec = this.sgprvec;
        Arrays.fill(ngprvec, (short) 0);
        Arrays.fill(sgprvec, (short) 0);

        if (totalPower > MIN_ENERGY) {
            int sumLogLikelihoodRatios = 0;
            for (int channel = 0; channel < NUM_CHANNELS; channel++) {
                int h0Test = 0;
                int h1Test = 0;
                for (int k = 0; k < NUM_GAUSSIANS; k++) {
                    int gaussian = channel + k * NUM_CHANNELS;
                    // Probability under H0 (noise) and H1 (speech), Q27 = Q7 * Q20.
                    int p = gaussianProbability(features[channel], noiseMeans[gaussian], noiseStds[gaussian],
                            deltaN, gaussian);
                    noiseProbability[k] = NOISE_DATA_WEIGHTS[gaussian] * p;
                    h0Test += noiseProbability[k];
                    p = gaussianProbability(features[channel], speechMeans[gaussian], speechStds[gaussian],
                            deltaS, gaussian);
                    speechProbability[k] = SPEECH_DATA_WEIGHTS[gaussian] * p;
                    h1Test += speechProbability[k];
                }
                // log2(Pr{X|H1} / Pr{X|H0}) ~= shifts_h0 - shifts_h1 (see vad_core.c).
                int shiftsH0 = h0Test == 0 ? 31 : normW32(h0Test);
                int shiftsH1 = h1Test == 0 ? 31 : normW32(h1Test);
                short logLikelihoodRatio = (short) (shiftsH0 - shiftsH1);
                sumLogLikelihoodRatios += logLikelihoodRatio * SPECTRUM_WEIGHT[channel];
                if ((logLikelihoodRatio * 4) > individualTest) {
                    vadflag = 1;
                }
                short h0 = (short) (h0Test >> 12); // Q15
                if (h0 > 0) {
                    int tmp = (noiseProbability[0] & 0xFFFFF000) << 2; // Q29
                    ngprvec[channel] = (short) divW32W16(tmp, h0); // Q14
                    ngprvec[channel + NUM_CHANNELS] = (short) (16384 - ngprvec[channel]);
                } else {
                    ngprvec[channel] = 16384;
                }
                short h1 = (short) (h1Test >> 12); // Q15
                if (h1 > 0) {
                    int tmp = (speechProbability[0] & 0xFFFFF000) << 2; // Q29
                    sgprvec[channel] = (short) divW32W16(tmp, h1); // Q14
                    sgprvec[channel + NUM_CHANNELS] = (short) (16384 - sgprvec[channel]);
                }
            }
            vadflag |= sumLogLikelihoodRatios >= totalTest ? 1 : 0;

            // Update the model parameters. maxspe carries over from channel to channel, as in the C.
            short maxspe = 12800;
            for (int channel = 0; channel < NUM_CHANNELS; channel++) {
                short featureMinimum = findMinimum(features[channel], channel);
                int noiseGlobalMean = weightedAverage(noiseMeans, channel, 0, NOISE_DATA_WEIGHTS);
                short tmp1S16 = (short) (noiseGlobalMean >> 6); // Q8
                for (int k = 0; k < NUM_GAUSSIANS; k++) {
                    int gaussian = channel + k * NUM_CHANNELS;
                    short nmk = noiseMeans[gaussian];
                    short smk = speechMeans[gaussian];
                    short nsk = noiseStds[gaussian];
                    short ssk = speechStds[gaussian];
                    short nmk2 = nmk;
                    if (vadflag == 0) {
                        short delt = (short) ((ngprvec[gaussian] * deltaN[gaussian]) >> 11); // Q14
                        nmk2 = (short) (nmk + (short) ((delt * NOISE_UPDATE_CONST) >> 22)); // Q7
                    }
                    // Long term correction of the noise mean.
                    short ndelt = (short) ((featureMinimum << 4) - tmp1S16); // Q8
                    short nmk3 = (short) (nmk2 + (short) ((ndelt * BACK_ETA) >> 9)); // Q7
                    short tmpS16 = (short) ((k + 5) << 7);
                    if (nmk3 < tmpS16) {
                        nmk3 = tmpS16;
                    }
                    tmpS16 = (short) ((72 + k - channel) << 7);
                    if (nmk3 > tmpS16) {
                        nmk3 = tmpS16;
                    }
                    noiseMeans[gaussian] = nmk3;

                    if (vadflag != 0) {
                        short delt = (short) ((sgprvec[gaussian] * deltaS[gaussian]) >> 11); // Q14
                        tmpS16 = (short) ((delt * SPEECH_UPDATE_CONST) >> 21); // Q8
                        short smk2 = (short) (smk + ((tmpS16 + 1) >> 1)); // Q7, rounded
                        short maxmu = (short) (maxspe + 640);
                        if (smk2 < MINIMUM_MEAN[k]) {
                            smk2 = MINIMUM_MEAN[k];
                        }
                        if (smk2 > maxmu) {
                            smk2 = maxmu;
                        }
                        speechMeans[gaussian] = smk2;
                        tmpS16 = (short) ((smk + 4) >> 3); // Q4, rounded
                        tmpS16 = (short) (features[channel] - tmpS16);
                        int tmp1S32 = (deltaS[gaussian] * tmpS16) >> 3; // Q12
                        int tmp2S32 = tmp1S32 - 4096;
                        tmpS16 = (short) (sgprvec[gaussian] >> 2);
                        tmp1S32 = tmpS16 * tmp2S32; // Q24
                        tmp2S32 = tmp1S32 >> 4; // Q20
                        // 0.1 * Q20 / Q7 = Q13.
                        if (tmp2S32 > 0) {
                            tmpS16 = (short) divW32W16(tmp2S32, (short) (ssk * 10));
                        } else {
                            tmpS16 = (short) divW32W16(-tmp2S32, (short) (ssk * 10));
                            tmpS16 = (short) -tmpS16;
                        }
                        // Update factor 0.025 (= 0.1 / 4): (Q13 >> 8) = Q7, with rounding.
                        tmpS16 = (short) (tmpS16 + 128);
                        ssk = (short) (ssk + (tmpS16 >> 8));
                        if (ssk < MIN_STD) {
                            ssk = MIN_STD;
                        }
                        speechStds[gaussian] = ssk;
                    } else {
                        tmpS16 = (short) (features[channel] - (nmk >> 3)); // Q4
                        int tmp1S32 = (deltaN[gaussian] * tmpS16) >> 3; // Q12
                        tmp1S32 -= 4096;
                        tmpS16 = (short) ((ngprvec[gaussian] + 2) >> 2);
                        // Allowed to overflow, as OverflowingMulS16ByS32ToS32 in the C.
                        int tmp2S32 = tmpS16 * tmp1S32;
                        tmp1S32 = tmp2S32 >> 14; // Q20 * ~0.001
                        if (tmp1S32 > 0) {
                            tmpS16 = (short) divW32W16(tmp1S32, nsk);
                        } else {
                            tmpS16 = (short) divW32W16(-tmp1S32, nsk);
                            tmpS16 = (short) -tmpS16;
                        }
                        tmpS16 = (short) (tmpS16 + 32);
                        nsk = (short) (nsk + (tmpS16 >> 6)); // Q13 >> 6 = Q7
                        if (nsk < MIN_STD) {
                            nsk = MIN_STD;
                        }
                        noiseStds[gaussian] = nsk;
                    }
                }

                // Separate models if they are too close.
                noiseGlobalMean = weightedAverage(noiseMeans, channel, 0, NOISE_DATA_WEIGHTS); // Q14
                int speechGlobalMean = weightedAverage(speechMeans, channel, 0, SPEECH_DATA_WEIGHTS); // Q14
                short diff = (short) ((short) (speechGlobalMean >> 9) - (short) (noiseGlobalMean >> 9)); // Q5
                if (diff < MINIMUM_DIFFERENCE[channel]) {
                    short tmpS16 = (short) (MINIMUM_DIFFERENCE[channel] - diff);
                    tmp1S16 = (short) ((13 * tmpS16) >> 2); // ~0.8 * difference, Q7
                    short tmp2S16 = (short) ((3 * tmpS16) >> 2); // ~0.2 * difference, Q7
                    speechGlobalMean = weightedAverage(speechMeans, channel, tmp1S16, SPEECH_DATA_WEIGHTS);
                    noiseGlobalMean = weightedAverage(noiseMeans, channel, -tmp2S16, NOISE_DATA_WEIGHTS);
                }

                // Control that the speech and noise means do not drift too much.
                maxspe = MAXIMUM_SPEECH[channel];
                short tmp2S16 = (short) (speechGlobalMean >> 7);
                if (tmp2S16 > maxspe) {
                    tmp2S16 = (short) (tmp2S16 - maxspe);
                    for (int k = 0; k < NUM_GAUSSIANS; k++) {
                        int g = channel + k * NUM_CHANNELS;
                        speechMeans[g] = (short) (speechMeans[g] - tmp2S16);
                    }
                }
                tmp2S16 = (short) (noiseGlobalMean >> 7);
                if (tmp2S16 > MAXIMUM_NOISE[channel]) {
                    tmp2S16 = (short) (tmp2S16 - MAXIMUM_NOISE[channel]);
                    for (int k = 0; k < NUM_GAUSSIANS; k++) {
                        int g = channel + k * NUM_CHANNELS;
                        noiseMeans[g] = (short) (noiseMeans[g] - tmp2S16);
                    }
                }
            }
            frameCounter++;
        }

        // Smooth with respect to transition hysteresis.
        if (vadflag == 0) {
            if (overHang > 0) {
                vadflag = 2 + overHang;
                overHang--;
            }
            numOfSpeech = 0;
        } else {
            numOfSpeech++;
            if (numOfSpeech > MAX_SPEECH_FRAMES) {
                numOfSpeech = MAX_SPEECH_FRAMES;
                overHang = overhead2;
            } else {
                overHang = overhead1;
            }
        }
        return vadflag;
    }

    // ------------------------------------------------------------------ vad_sp.c

    /**
     * Inserts {@code featureValue} among the 16 smallest values of the last 100 frames of {@code channel}, then
     * returns the smoothed median of the five smallest.
     */
    short findMinimum(short featureValue, int channel) {
        int offset = channel << 4;
        short currentMedian = 1600;
        short alpha = 0;
        short[] age = indexVector;
        short[] smallest = lowValueVector;

        // Each value is getting one frame older; too old values are removed and larger values shifted down.
        for (int i = 0; i < 16; i++) {
            if (age[offset + i] != 100) {
                age[offset + i]++;
            } else {
                for (int j = i; j < 15; j++) {
                    smallest[offset + j] = smallest[offset + j + 1];
                    age[offset + j] = age[offset + j + 1];
                }
                age[offset + 15] = 101;
                smallest[offset + 15] = 10000;
            }
        }

        // Binary search for the position of featureValue, as unrolled in the C.
        int position = -1;
        if (featureValue < smallest[offset + 7]) {
            if (featureValue < smallest[offset + 3]) {
                if (featureValue < smallest[offset + 1]) {
                    position = featureValue < smallest[offset] ? 0 : 1;
                } else {
                    position = featureValue < smallest[offset + 2] ? 2 : 3;
                }
            } else if (featureValue < smallest[offset + 5]) {
                position = featureValue < smallest[offset + 4] ? 4 : 5;
            } else {
                position = featureValue < smallest[offset + 6] ? 6 : 7;
            }
        } else if (featureValue < smallest[offset + 15]) {
            if (featureValue < smallest[offset + 11]) {
                if (featureValue < smallest[offset + 9]) {
                    position = featureValue < smallest[offset + 8] ? 8 : 9;
                } else {
                    position = featureValue < smallest[offset + 10] ? 10 : 11;
                }
            } else if (featureValue < smallest[offset + 13]) {
                position = featureValue < smallest[offset + 12] ? 12 : 13;
            } else {
                position = featureValue < smallest[offset + 14] ? 14 : 15;
            }
        }

        if (position > -1) {
            for (int i = 15; i > position; i--) {
                smallest[offset + i] = smallest[offset + i - 1];
                age[offset + i] = age[offset + i - 1];
            }
            smallest[offset + position] = featureValue;
            age[offset + position] = 1;
        }

        if (frameCounter > 2) {
            currentMedian = smallest[offset + 2];
        } else if (frameCounter > 0) {
            currentMedian = smallest[offset];
        }

        if (frameCounter > 0) {
            alpha = currentMedian < meanValue[channel] ? SMOOTHING_DOWN : SMOOTHING_UP;
        }
        int tmp32 = (alpha + 1) * meanValue[channel];
        tmp32 += (Short.MAX_VALUE - alpha) * currentMedian;
        tmp32 += 16384;
        meanValue[channel] = (short) (tmp32 >> 15);
        return meanValue[channel];
    }

    /** For tests: stands in for the frame counter the C unit test increments by hand. */
    void incrementFrameCounter() {
        frameCounter++;
    }

    // ------------------------------------------------------------------ signal processing library

    /** WebRtcSpl_Energy: sum of squares scaled down by {@link #energyScaling} right shifts so it fits 31 bits. */
    private int energy(short[] vector, int length) {
        int scaling = getScalingSquare(vector, length, length);
        int en = 0;
        for (int i = 0; i < length; i++) {
            en += (vector[i] * vector[i]) >> scaling;
        }
        energyScaling = scaling;
        return en;
    }

    /** WebRtcSpl_GetScalingSquare. */
    static int getScalingSquare(short[] vector, int length, int times) {
        int nbits = getSizeInBits(times);
        short smax = -1;
        for (int i = 0; i < length; i++) {
            // As in the C, -(-32768) stays -32768 in 16 bits.
            short sabs = vector[i] > 0 ? vector[i] : (short) -vector[i];
            smax = sabs > smax ? sabs : smax;
        }
        int t = normW32(smax * smax);
        if (smax == 0) {
            return 0;
        }
        return t > nbits ? 0 : nbits - t;
    }

    static int getSizeInBits(int n) {
        return 32 - Integer.numberOfLeadingZeros(n);
    }

    /** WebRtcSpl_NormW32: left shifts that normalize a signed 32-bit value; 0 for 0. */
    static int normW32(int a) {
        if (a == 0) {
            return 0;
        }
        return Integer.numberOfLeadingZeros(a < 0 ? ~a : a) - 1;
    }

    /** WebRtcSpl_NormU32: left shifts that normalize an unsigned 32-bit value; 0 for 0. */
    static int normU32(int a) {
        return a == 0 ? 0 : Integer.numberOfLeadingZeros(a);
    }

    /** WebRtcSpl_DivW32W16: truncating division, {@code 0x7FFFFFFF} for a zero denominator. */
    static int divW32W16(int num, short den) {
        return den != 0 ? num / den : 0x7FFFFFFF;
    }
}
