package dev.chorus.engine.session;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link TurnTaking} on hand-made transcripts: each figure from spans whose answer is known. */
class TurnTakingFiguresTest {
    private static TranscriptEntry user(double start, double end) {
        return new TranscriptEntry("user", start, end, "u", null);
    }

    private static TranscriptEntry agent(double start, double end) {
        return new TranscriptEntry("agent", start, end, null, null);
    }

    @Test
    void aPoliteConversationHasNoInterruptionsAndItsGapsAreTheSilences() {
        TurnTaking.Figures f = TurnTaking.of(List.of(TranscriptEntry.event(0, "ready", null), user(100, 900),
                agent(1200, 2000), user(3000, 3400), agent(3700, 4300), TranscriptEntry.event(5000, "hang_up", null)));
        assertThat(f.agentInterruptions()).isZero();
        assertThat(f.callerInterruptions()).isZero();
        assertThat(f.bargeInStopNanos()).isEmpty();
        assertThat(f.callerSpeechNanos()).isEqualTo(1_200_000_000L);
        assertThat(f.agentSpeechNanos()).isEqualTo(1_400_000_000L);
        assertThat(f.talkRatio()).isEqualTo(1400.0 / 1200.0);
        assertThat(f.longestMutualSilenceNanos()).as("2000 -> 3000, not the edges of the call")
                .isEqualTo(1_000_000_000L);
    }

    @Test
    void aBargeInCountsForTheCallerWithTheAgentsStopTime() {
        TurnTaking.Figures f = TurnTaking.of(List.of(user(0, 500), agent(800, 2150), user(2000, 3000),
                agent(3300, 4000)));
        assertThat(f.callerInterruptions()).isEqualTo(1);
        assertThat(f.agentInterruptions()).isZero();
        assertThat(f.bargeInStopNanos()).containsExactly(150_000_000L);
        assertThat(f.longestMutualSilenceNanos()).isEqualTo(300_000_000L);
    }

    @Test
    void anAgentStartingWhileTheCallerSpeaksInterruptsIt() {
        TurnTaking.Figures f = TurnTaking.of(List.of(user(0, 1200), agent(300, 700), agent(1500, 1600)));
        assertThat(f.agentInterruptions()).isEqualTo(1);
        assertThat(f.callerInterruptions()).isZero();
        assertThat(f.longestMutualSilenceNanos()).isEqualTo(300_000_000L);
    }

    @Test
    void overlappingOrSingleSpansHaveNoMutualSilence() {
        assertThat(TurnTaking.of(List.of(user(0, 1000), agent(500, 1500))).longestMutualSilenceNanos()).isEqualTo(-1);
        assertThat(TurnTaking.of(List.of(agent(0, 1000))).longestMutualSilenceNanos()).isEqualTo(-1);
        assertThat(TurnTaking.of(List.of()).talkRatio()).isNaN();
    }
}
