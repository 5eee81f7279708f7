package dev.chorus.engine.session;

import java.util.ArrayList;
import java.util.List;

/**
 * Who spoke when in one call, and what that says about the conversation: interruptions both ways, how long the
 * agent took to stop when the caller barged in, talk time, and the longest dead air. Worked out once per call from
 * its transcript's turns when the call ends (a few dozen entries, so it allocates freely), never per frame.
 *
 * <p>The spans it reads, all on one clock (the transcript's milliseconds from connect start):
 * <pre>
 *  caller  [first frame's planned send time, last frame's planned send time + chunk_ms)   user entries
 *  agent   [playback time of its first speech sample, playback time after its last one)  agent entries
 *
 *  caller ───[=====u1=====)───────────────────[=====u2=====)──────
 *  agent  ─────────────────────[====a1====)──────────[==a2==)───────
 *                         gap ↑          ↑ gap      ↑ a2 starts inside u2: the agent interrupts the caller
 * </pre>
 *
 * <ul>
 *   <li>The agent interrupts the caller when an agent turn starts inside a caller utterance
 *       ({@code u.start ≤ a.start < u.end}).</li>
 *   <li>The caller interrupts the agent (barges in) when an utterance starts inside an agent turn
 *       ({@code a.start ≤ u.start < a.end}); the agent's stop time is then {@code a.end − u.start}: from the planned
 *       send time of the barge-in's first frame to the end of the agent's speech as the caller heard it (audio that
 *       had arrived but not played at the barge-in is flushed, so it does not count).</li>
 *   <li>Talk time sums each side's spans; the talk ratio is agent over caller.</li>
 *   <li>Mutual silence is a stretch inside the call's speech (from its first span to its last) covered by neither
 *       side's span; only the longest is kept.</li>
 * </ul>
 *
 * Stateless and thread-safe.
 */
public final class TurnTaking {
    /**
     * One call's figures.
     *
     * @param agentInterruptions       agent turns that started while the caller was speaking
     * @param callerInterruptions      caller utterances that started while the agent was speaking (barge-ins)
     * @param bargeInStopNanos         for each barge-in, in order, how long the agent went on speaking after it
     * @param agentSpeechNanos         total length of the agent's turns
     * @param callerSpeechNanos        total length of the caller's utterances
     * @param longestMutualSilenceNanos the longest gap between spans, or -1 when the call had no gap
     */
    public record Figures(int agentInterruptions, int callerInterruptions, List<Long> bargeInStopNanos,
                          long agentSpeechNanos, long callerSpeechNanos, long longestMutualSilenceNanos) {
        public Figures {
            bargeInStopNanos = List.copyOf(bargeInStopNanos);
        }

        /** Agent talk time over caller talk time, or NaN when the caller did not speak. */
        public double talkRatio() {
            return callerSpeechNanos == 0 ? Double.NaN : (double) agentSpeechNanos / callerSpeechNanos;
        }
    }

    public static final Figures NONE = new Figures(0, 0, List.of(), 0, 0, -1);

    private TurnTaking() {
    }

    /** The figures of a call whose transcript is {@code entries} (any order; events are ignored). */
    public static Figures of(List<TranscriptEntry> entries) {
        List<long[]> caller = new ArrayList<>();
        List<long[]> agent = new ArrayList<>();
        for (TranscriptEntry e : entries) {
            if (Double.isNaN(e.endMillis())) {
                continue;
            }
            long[] span = {nanos(e.startMillis()), nanos(e.endMillis())};
            if ("user".equals(e.role())) {
                caller.add(span);
            } else if ("agent".equals(e.role())) {
                agent.add(span);
            }
        }
        caller.sort((x, y) -> Long.compare(x[0], y[0]));
        agent.sort((x, y) -> Long.compare(x[0], y[0]));
        int agentInterruptions = 0;
        for (long[] a : agent) {
            for (long[] u : caller) {
                if (u[0] <= a[0] && a[0] < u[1]) {
                    agentInterruptions++;
                    break;
                }
            }
        }
        int callerInterruptions = 0;
        List<Long> stops = new ArrayList<>();
        for (long[] u : caller) {
            for (long[] a : agent) {
                if (a[0] <= u[0] && u[0] < a[1]) {
                    callerInterruptions++;
                    stops.add(a[1] - u[0]);
                    break;
                }
            }
        }
        List<long[]> all = new ArrayList<>(caller);
        all.addAll(agent);
        all.sort((x, y) -> Long.compare(x[0], y[0]));
        long longest = -1;
        long coveredUntil = 0;
        for (int i = 0; i < all.size(); i++) {
            long[] s = all.get(i);
            if (i > 0 && s[0] > coveredUntil) {
                longest = Math.max(longest, s[0] - coveredUntil);
            }
            coveredUntil = i == 0 ? s[1] : Math.max(coveredUntil, s[1]);
        }
        return new Figures(agentInterruptions, callerInterruptions, stops, total(agent), total(caller), longest);
    }

    private static long total(List<long[]> spans) {
        long sum = 0;
        for (long[] s : spans) {
            sum += Math.max(0, s[1] - s[0]);
        }
        return sum;
    }

    private static long nanos(double millis) {
        return Math.round(millis * 1_000_000.0);
    }
}
