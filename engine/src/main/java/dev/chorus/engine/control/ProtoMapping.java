package dev.chorus.engine.control;

import dev.chorus.engine.Progress;
import dev.chorus.engine.RunHandle;
import dev.chorus.engine.RunReport;
import dev.chorus.engine.RunSpec;
import dev.chorus.engine.config.AgentConfig;
import dev.chorus.engine.config.AgentConfigLoader;
import dev.chorus.engine.config.ConfigException;
import dev.chorus.engine.config.TestSet;
import dev.chorus.engine.config.TestSetLoader;
import dev.chorus.engine.control.v1.Percentiles;
import dev.chorus.engine.control.v1.Report;
import dev.chorus.engine.control.v1.RunState;
import dev.chorus.engine.control.v1.RunStatus;
import dev.chorus.engine.control.v1.StartRunRequest;
import dev.chorus.engine.control.v1.ThresholdVerdict;
import dev.chorus.engine.metrics.Metric;
import dev.chorus.engine.metrics.Threshold;
import dev.chorus.engine.schedule.LoadProfile;
import dev.chorus.engine.transcribe.SpeechToText;
import dev.chorus.engine.transport.Transport;
import org.HdrHistogram.Histogram;

import java.nio.file.Path;
import java.util.Map;

/** Proto messages to engine types and back, the same rules as {@code chorus run}. Stateless; thread-safe. */
final class ProtoMapping {
    private ProtoMapping() {
    }

    /**
     * The run a StartRun asks for. Relative paths ({@code agent_path}, {@code tests_path}, {@code out_dir}, and
     * audio or CA paths inside {@code *_json}) resolve against {@code base_dir}, else {@code workDir}.
     *
     * @throws ConfigException          naming the file, the key and the fix
     * @throws IllegalArgumentException naming the field and the fix
     */
    static RunSpec toSpec(StartRunRequest r, Path workDir) throws ConfigException {
        Path base = r.getBaseDir().isEmpty() ? workDir : workDir.resolve(r.getBaseDir());
        AgentConfig agent;
        switch (r.getAgentCase()) {
            case AGENT_JSON:
                agent = AgentConfigLoader.parse(r.getAgentJson(), "agent_json", base);
                break;
            case AGENT_PATH:
                agent = AgentConfigLoader.load(base.resolve(r.getAgentPath()));
                break;
            default:
                throw new IllegalArgumentException("StartRunRequest needs agent_json or agent_path; fix: send the "
                        + "agent file's content in agent_json");
        }
        TestSet tests;
        switch (r.getTestsCase()) {
            case TESTS_JSON:
                tests = TestSetLoader.parse(r.getTestsJson(), "tests_json", base);
                break;
            case TESTS_PATH:
                tests = TestSetLoader.load(base.resolve(r.getTestsPath()));
                break;
            default:
                throw new IllegalArgumentException("StartRunRequest needs tests_json or tests_path; fix: send the "
                        + "test-set file's content in tests_json");
        }
        RunSpec.Builder b = RunSpec.builder().agent(agent).tests(tests)
                .concurrency(r.getConcurrency() == 0 ? 1 : r.getConcurrency())
                .rampMillis(millis("ramp", r.getRamp())).iterations(r.getIterations())
                .durationMillis(millis("duration", r.getDuration())).maxConcurrency(r.getMaxConcurrency());
        if (!r.getStages().isEmpty()) {
            b.stages(LoadProfile.parseStages(r.getStages()));
        }
        if (!r.getRate().isEmpty()) {
            b.ratePerSecond(LoadProfile.parseRate(r.getRate()));
        }
        for (String t : r.getThresholdsList()) {
            b.threshold(Threshold.parse(t));
        }
        String transport = r.getTransport().isEmpty() ? "auto" : r.getTransport();
        if (!Transport.known(transport)) {
            throw new IllegalArgumentException("transport: '" + transport + "' is not a transport; fix: use auto, "
                    + "epoll or nio");
        }
        String transcribe = r.getTranscribe().isEmpty() ? null : r.getTranscribe();
        if (transcribe != null && !SpeechToText.known(transcribe)) {
            throw new IllegalArgumentException("transcribe: '" + transcribe + "' is not a speech-to-text engine; "
                    + "fix: use one of " + SpeechToText.ENGINES + ", or leave it empty");
        }
        b.abortOnFail(r.getAbortOnFail()).record(r.getRecord()).transcribe(transcribe).transport(transport)
                .realtimeLoops(r.getRealtimeLoops());
        RunSpec draft = b.build();
        Path out = r.getOutDir().isEmpty() ? workDir.resolve("results").resolve(draft.runId())
                : base.resolve(r.getOutDir());
        return b.runId(draft.runId()).outDir(out).build();
    }

    private static long millis(String field, String text) {
        if (text.isEmpty()) {
            return 0;
        }
        try {
            return LoadProfile.parseDurationMillis(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + ": '" + text + "' is not a duration; fix: use e.g. 500ms, "
                    + "10s, 2m or 1h");
        }
    }

    /** The latest snapshot with the run's state; after the end, the counts are the report's (exact) ones. */
    static RunStatus status(RunHandle run) {
        Progress p = run.progress();
        RunState state = RunRegistry.stateOf(run);
        RunStatus.Builder s = RunStatus.newBuilder().setRunId(run.runId()).setState(state)
                .setElapsedMs(p.elapsedMillis()).setActive(p.active()).setStarted(p.started())
                .setCompleted(p.completed()).setFailed(p.failed()).setCallsPerSecond(p.callsPerSecond())
                .setFramesPerSecond(p.framesPerSecond()).setLateFrames(p.lateFrames())
                .setTurnP50Ms(p.turnP50Millis()).setTurnP99Ms(p.turnP99Millis())
                .setSendLagP99Ms(p.sendLagP99Millis());
        if (state == RunState.FAILED) {
            Throwable t = run.completion().handle((ok, e) -> e).join();
            s.setError(String.valueOf(t instanceof java.util.concurrent.CompletionException ? t.getCause() : t));
        } else if (state != RunState.RUNNING) {
            RunReport r = run.completion().join();
            s.setActive(0).setElapsedMs(r.durationMillis()).setStarted(r.started()).setCompleted(r.completed())
                    .setFailed(r.failed());
        }
        return s.build();
    }

    static Report report(RunReport r, RunState state) {
        Report.Builder b = Report.newBuilder().setRunId(r.runId()).setState(state).setStarted(r.started())
                .setCompleted(r.completed()).setFailed(r.failed()).setStoppedCalls(r.stoppedCalls())
                .setDurationMs(r.durationMillis()).putAllErrors(r.errors()).setSucceeded(r.succeeded());
        for (Map.Entry<Metric, Histogram> e : r.latencyMicros().entrySet()) {
            Histogram h = e.getValue();
            if (h.getTotalCount() > 0) {
                b.putLatency(e.getKey().wireName(), Percentiles.newBuilder().setCount(h.getTotalCount())
                        .setP50Ms(h.getValueAtPercentile(50) / 1000.0).setP90Ms(h.getValueAtPercentile(90) / 1000.0)
                        .setP99Ms(h.getValueAtPercentile(99) / 1000.0).setMaxMs(h.getMaxValue() / 1000.0).build());
            }
        }
        for (Threshold.Verdict v : r.thresholds()) {
            b.addThresholds(ThresholdVerdict.newBuilder().setExpression(v.expression()).setValue(v.value())
                    .setOk(v.ok()));
        }
        if (r.abortedBy() != null) {
            b.setAbortedBy(r.abortedBy());
        }
        if (r.outDir() != null) {
            b.setOutDir(r.outDir().toString());
        }
        return b.build();
    }
}
