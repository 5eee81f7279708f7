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

/**
 * Brings one 10 ms frame down to 8 kHz exactly as the WebRTC VAD does before it computes its features; not
 * thread-safe, one per stream (the filters carry state from frame to frame). Allocation-free after construction.
 *
 * <pre>
 *  8 kHz  copy
 * 16 kHz  WebRtcVad_Downsampling (two first-order allpass branches)              16 -> 8
 * 32 kHz  WebRtcVad_Downsampling twice                                           32 -> 16 -> 8
 * 48 kHz  WebRtcSpl_Resample48khzTo8khz: DownBy2ShortToInt  48 -> 24
 *                                        LPBy2IntToInt      24 -> 24 (half-band lowpass, 6 kHz)
 *                                        Resample48khzTo32khz (2/3)  24 -> 16
 *                                        DownBy2IntToShort  16 -> 8
 * 24 kHz  the same chain from its second stage (not in WebRTC, see below)
 * </pre>
 *
 * <p>24 kHz is not a WebRTC rate. Its 48 kHz resampler already runs at 24 kHz after its first half-band stage, so a
 * 24 kHz frame enters that chain there, converted to the chain's internal format ({@code (x << 15) + 2^14}, the
 * rounding offset {@code DownBy2ShortToInt} adds). The three remaining stages (lowpass at 6 kHz, 2/3 fractional,
 * half-band to 8 kHz) are WebRTC's own filters, so a 24 kHz stream sees the same 8 kHz band and a similar
 * anti-alias response as a 48 kHz one, and no new filter had to be designed.
 */
final class WebRtcDownsampler {
    /** Allpass coefficients of WebRtcVad_Downsampling, upper and lower, Q13 (0.64 and 0.17). */
    private static final int[] ALL_PASS_COEFS_Q13 = {5243, 1392};
    /** kResampleAllpass of resample_by_2_internal.c. */
    private static final int[][] RESAMPLE_ALLPASS = {{821, 6110, 12382}, {3050, 9368, 15063}};
    private static final int[][] COEFFICIENTS_48_TO_32 = {
        {778, -2050, 1087, 23285, 12903, -3783, 441, 222},
        {222, 441, -3783, 12903, 23285, 1087, -2050, 778}
    };

    private final int sampleRateHz;
    private final int frameSamples;
    /** downsampling_filter_states[4] of VadInstT: [0..1] for 16 -> 8, [2..3] for 32 -> 16. */
    private final int[] downsamplingStates = new int[4];
    private final short[] wideband = new short[160];
    // WebRtcSpl_State48khzTo8khz
    private final int[] s48To24 = new int[8];
    private final int[] s24To24 = new int[16];
    private final int[] s24To16 = new int[8];
    private final int[] s16To8 = new int[8];
    private final int[] at24kHz = new int[240];
    /** 8 samples of 2/3-resampler history, then 240 lowpassed samples at 24 kHz. */
    private final int[] lowpassed = new int[8 + 240];
    private final int[] at16kHz = new int[160];

    WebRtcDownsampler(int sampleRateHz) {
        if (!isSupported(sampleRateHz)) {
            throw new IllegalArgumentException("sampleRateHz=" + sampleRateHz + " not supported; use 8000, 16000, "
                    + "24000, 32000 or 48000");
        }
        this.sampleRateHz = sampleRateHz;
        this.frameSamples = sampleRateHz / 100;
    }

    static boolean isSupported(int sampleRateHz) {
        return sampleRateHz == 8000 || sampleRateHz == 16000 || sampleRateHz == 24000 || sampleRateHz == 32000
                || sampleRateHz == 48000;
    }

    int frameSamples() {
        return frameSamples;
    }

    /** Ints of filter state {@link #saveState} writes: everything that carries from one frame to the next. */
    static final int STATE_INTS = 4 + 8 + 16 + 8 + 8;

    /** Copies the filter states to {@code to[at..at + STATE_INTS)}. */
    void saveState(int[] to, int at) {
        System.arraycopy(downsamplingStates, 0, to, at, 4);
        System.arraycopy(s48To24, 0, to, at + 4, 8);
        System.arraycopy(s24To24, 0, to, at + 12, 16);
        System.arraycopy(s24To16, 0, to, at + 28, 8);
        System.arraycopy(s16To8, 0, to, at + 36, 8);
    }

    /** The reverse of {@link #saveState}. */
    void restoreState(int[] from, int at) {
        System.arraycopy(from, at, downsamplingStates, 0, 4);
        System.arraycopy(from, at + 4, s48To24, 0, 8);
        System.arraycopy(from, at + 12, s24To24, 0, 16);
        System.arraycopy(from, at + 28, s24To16, 0, 8);
        System.arraycopy(from, at + 36, s16To8, 0, 8);
    }

    void reset() {
        java.util.Arrays.fill(downsamplingStates, 0);
        java.util.Arrays.fill(s48To24, 0);
        java.util.Arrays.fill(s24To24, 0);
        java.util.Arrays.fill(s24To16, 0);
        java.util.Arrays.fill(s16To8, 0);
    }

    /** Downsamples one 10 ms frame at {@code in[offset]} into 80 samples at {@code out[outOffset]}. */
    void toNarrowband(short[] in, int offset, short[] out, int outOffset) {
        switch (sampleRateHz) {
            case 8000:
                System.arraycopy(in, offset, out, outOffset, 80);
                break;
            case 16000:
                downsampling(in, offset, out, outOffset, downsamplingStates, 0, 160);
                break;
            case 32000:
                downsampling(in, offset, wideband, 0, downsamplingStates, 2, 320);
                downsampling(wideband, 0, out, outOffset, downsamplingStates, 0, 160);
                break;
            case 24000:
                int[] x = at24kHz;
                for (int i = 0; i < 240; i++) {
                    x[i] = (in[offset + i] << 15) + (1 << 14);
                }
                from24kHz(out, outOffset);
                break;
            default:
                downBy2ShortToInt(in, offset, 480, at24kHz, s48To24);
                from24kHz(out, outOffset);
                break;
        }
    }

    /** The 24 -> 8 kHz tail of WebRtcSpl_Resample48khzTo8khz, from {@link #at24kHz}. */
    private void from24kHz(short[] out, int outOffset) {
        int[] buf = lowpassed;
        lpBy2IntToInt(at24kHz, 240, buf, 8, s24To24);
        // The 2/3 resampler looks 8 samples back: they come from the previous frame, kept in s24To16.
        System.arraycopy(s24To16, 0, buf, 0, 8);
        System.arraycopy(buf, 240, s24To16, 0, 8);
        resample48khzTo32khz(buf, at16kHz, 80);
        downBy2IntToShort(at16kHz, 160, out, outOffset, s16To8);
    }

    /** WebRtcVad_Downsampling (vad_sp.c): halves the rate; filter state in Q0 at {@code state[stateOffset..+1]}. */
    static void downsampling(short[] in, int inOffset, short[] out, int outOffset, int[] state, int stateOffset,
                             int inLength) {
        int tmp32a = state[stateOffset];
        int tmp32b = state[stateOffset + 1];
        int halfLength = inLength >> 1;
        int i = inOffset;
        for (int n = 0; n < halfLength; n++) {
            short tmp16a = (short) ((tmp32a >> 1) + ((ALL_PASS_COEFS_Q13[0] * in[i]) >> 14));
            out[outOffset + n] = tmp16a;
            tmp32a = in[i++] - ((ALL_PASS_COEFS_Q13[0] * tmp16a) >> 12);
            short tmp16b = (short) ((tmp32b >> 1) + ((ALL_PASS_COEFS_Q13[1] * in[i]) >> 14));
            out[outOffset + n] = (short) (out[outOffset + n] + tmp16b);
            tmp32b = in[i++] - ((ALL_PASS_COEFS_Q13[1] * tmp16b) >> 12);
        }
        state[stateOffset] = tmp32a;
        state[stateOffset + 1] = tmp32b;
    }

    /** {@code diff >> 14}, truncated towards zero, as resample_by_2_internal.c writes it. */
    private static int truncate14(int diff) {
        diff >>= 14;
        if (diff < 0) {
            diff += 1;
        }
        return diff;
    }

    /** WebRtcSpl_DownBy2ShortToInt: int16 in, int32 out (Q15 with offset 16384), {@code len / 2} samples. */
    static void downBy2ShortToInt(short[] in, int inOffset, int len, int[] out, int[] state) {
        len >>= 1;
        int[] c = RESAMPLE_ALLPASS[1];
        for (int i = 0; i < len; i++) {
            int tmp0 = (in[inOffset + (i << 1)] << 15) + (1 << 14);
            int diff = (tmp0 - state[1] + (1 << 13)) >> 14;
            int tmp1 = state[0] + diff * c[0];
            state[0] = tmp0;
            diff = truncate14(tmp1 - state[2]);
            tmp0 = state[1] + diff * c[1];
            state[1] = tmp1;
            diff = truncate14(tmp0 - state[3]);
            state[3] = state[2] + diff * c[2];
            state[2] = tmp0;
            out[i] = state[3] >> 1;
        }
        c = RESAMPLE_ALLPASS[0];
        for (int i = 0; i < len; i++) {
            int tmp0 = (in[inOffset + (i << 1) + 1] << 15) + (1 << 14);
            int diff = (tmp0 - state[5] + (1 << 13)) >> 14;
            int tmp1 = state[4] + diff * c[0];
            state[4] = tmp0;
            diff = truncate14(tmp1 - state[6]);
            tmp0 = state[5] + diff * c[1];
            state[5] = tmp1;
            diff = truncate14(tmp0 - state[7]);
            state[7] = state[6] + diff * c[2];
            state[6] = tmp0;
            out[i] += state[7] >> 1;
        }
    }

    /** WebRtcSpl_LPBy2IntToInt: half-band lowpass without rate change; writes {@code out[outOffset..+len)}. */
    static void lpBy2IntToInt(int[] in, int len, int[] out, int outOffset, int[] state) {
        len >>= 1;
        int[] lower = RESAMPLE_ALLPASS[1];
        int[] upper = RESAMPLE_ALLPASS[0];
        // lower allpass filter: odd input -> even output samples
        int tmp0 = state[12];
        for (int i = 0; i < len; i++) {
            int diff = (tmp0 - state[1] + (1 << 13)) >> 14;
            int tmp1 = state[0] + diff * lower[0];
            state[0] = tmp0;
            diff = truncate14(tmp1 - state[2]);
            tmp0 = state[1] + diff * lower[1];
            state[1] = tmp1;
            diff = truncate14(tmp0 - state[3]);
            state[3] = state[2] + diff * lower[2];
            state[2] = tmp0;
            out[outOffset + (i << 1)] = state[3] >> 1;
            tmp0 = in[(i << 1) + 1];
        }
        // upper allpass filter: even input -> even output samples
        for (int i = 0; i < len; i++) {
            tmp0 = in[i << 1];
            int diff = (tmp0 - state[5] + (1 << 13)) >> 14;
            int tmp1 = state[4] + diff * upper[0];
            state[4] = tmp0;
            diff = truncate14(tmp1 - state[6]);
            tmp0 = state[5] + diff * upper[1];
            state[5] = tmp1;
            diff = truncate14(tmp0 - state[7]);
            state[7] = state[6] + diff * upper[2];
            state[6] = tmp0;
            int o = outOffset + (i << 1);
            out[o] = (out[o] + (state[7] >> 1)) >> 15;
        }
        // lower allpass filter: even input -> odd output samples
        for (int i = 0; i < len; i++) {
            tmp0 = in[i << 1];
            int diff = (tmp0 - state[9] + (1 << 13)) >> 14;
            int tmp1 = state[8] + diff * lower[0];
            state[8] = tmp0;
            diff = truncate14(tmp1 - state[10]);
            tmp0 = state[9] + diff * lower[1];
            state[9] = tmp1;
            diff = truncate14(tmp0 - state[11]);
            state[11] = state[10] + diff * lower[2];
            state[10] = tmp0;
            out[outOffset + (i << 1) + 1] = state[11] >> 1;
        }
        // upper allpass filter: odd input -> odd output samples
        for (int i = 0; i < len; i++) {
            tmp0 = in[(i << 1) + 1];
            int diff = (tmp0 - state[13] + (1 << 13)) >> 14;
            int tmp1 = state[12] + diff * upper[0];
            state[12] = tmp0;
            diff = truncate14(tmp1 - state[14]);
            tmp0 = state[13] + diff * upper[1];
            state[13] = tmp1;
            diff = truncate14(tmp0 - state[15]);
            state[15] = state[14] + diff * upper[2];
            state[14] = tmp0;
            int o = outOffset + (i << 1) + 1;
            out[o] = (out[o] + (state[15] >> 1)) >> 15;
        }
    }

    /** WebRtcSpl_Resample48khzTo32khz: 3 in, 2 out, {@code blocks} times; reads {@code in[0 .. 3 * blocks + 5]}. */
    static void resample48khzTo32khz(int[] in, int[] out, int blocks) {
        int[] c0 = COEFFICIENTS_48_TO_32[0];
        int[] c1 = COEFFICIENTS_48_TO_32[1];
        for (int m = 0, i = 0, o = 0; m < blocks; m++, i += 3, o += 2) {
            int tmp = 1 << 14;
            for (int k = 0; k < 8; k++) {
                tmp += c0[k] * in[i + k];
            }
            out[o] = tmp;
            tmp = 1 << 14;
            for (int k = 0; k < 8; k++) {
                tmp += c1[k] * in[i + 1 + k];
            }
            out[o + 1] = tmp;
        }
    }

    /** WebRtcSpl_DownBy2IntToShort: int32 in (Q15 with offset, overwritten), saturated int16 out. */
    static void downBy2IntToShort(int[] in, int len, short[] out, int outOffset, int[] state) {
        len >>= 1;
        int[] c = RESAMPLE_ALLPASS[1];
        for (int i = 0; i < len; i++) {
            int tmp0 = in[i << 1];
            int diff = (tmp0 - state[1] + (1 << 13)) >> 14;
            int tmp1 = state[0] + diff * c[0];
            state[0] = tmp0;
            diff = truncate14(tmp1 - state[2]);
            tmp0 = state[1] + diff * c[1];
            state[1] = tmp1;
            diff = truncate14(tmp0 - state[3]);
            state[3] = state[2] + diff * c[2];
            state[2] = tmp0;
            in[i << 1] = state[3] >> 1;
        }
        c = RESAMPLE_ALLPASS[0];
        for (int i = 0; i < len; i++) {
            int tmp0 = in[(i << 1) + 1];
            int diff = (tmp0 - state[5] + (1 << 13)) >> 14;
            int tmp1 = state[4] + diff * c[0];
            state[4] = tmp0;
            diff = truncate14(tmp1 - state[6]);
            tmp0 = state[5] + diff * c[1];
            state[5] = tmp1;
            diff = truncate14(tmp0 - state[7]);
            state[7] = state[6] + diff * c[2];
            state[6] = tmp0;
            in[(i << 1) + 1] = state[7] >> 1;
        }
        for (int i = 0; i < len; i++) {
            int tmp = (in[i << 1] + in[(i << 1) + 1]) >> 15;
            out[outOffset + i] = (short) Math.max(-32768, Math.min(32767, tmp));
        }
    }
}
