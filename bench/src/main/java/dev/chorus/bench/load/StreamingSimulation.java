package dev.chorus.bench.load;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;

import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.core.CoreDsl.substring;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.ws;

/**
 * The Chorus load case in Gatling's Java DSL, for comparison: each virtual user opens wss, waits for
 * {@code session_ready} (checked on the connect, as the target sends it right after the upgrade), sends an init
 * frame, then the same JSON audio frame as Chorus sends for silence every 20 ms, and closes. Pauses run to absolute
 * deadlines ({@code t0 + (k+1) × 20 ms}), the best Gatling can do: {@code pace()} re-arms from the wake-up and
 * drifts. Parameters come from the {@code chorus.load.*} system properties set by {@link GatlingLoad}.
 */
public final class StreamingSimulation extends Simulation {
    private static final long CHUNK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** 20 ms of PCM16 at 16 kHz: 640 zero bytes, as Chorus sends silence with the default template. */
    static final String AUDIO_FRAME = "{\"type\": \"audio_chunk\", \"data\": \""
            + Base64.getEncoder().encodeToString(new byte[640]) + "\"}";
    private static final String START_NANOS = "t0";
    private static final String FRAME_INDEX = "k";

    public StreamingSimulation() {
        String url = System.getProperty("chorus.load.url", "wss://127.0.0.1:18443/");
        int users = Integer.getInteger("chorus.load.users", 1);
        long seconds = Long.getLong("chorus.load.seconds", 30);
        long rampMillis = Long.getLong("chorus.load.rampMillis", 2000);
        int frames = (int) (TimeUnit.SECONDS.toNanos(seconds) / CHUNK_NANOS);

        HttpProtocolBuilder protocol = http.wsBaseUrl(url);
        ScenarioBuilder streams = scenario("paced-audio")
                .exec(ws("connect").connect("").await(30).on(
                        ws.checkTextMessage("session_ready").check(substring("session_ready").exists())))
                .exec(ws("init").sendText(
                        session -> "{\"type\": \"init\", \"call\": \"gatling-" + session.userId() + "\"}"))
                .exec(session -> session.set(START_NANOS, System.nanoTime()))
                .repeat(frames, FRAME_INDEX).on(
                        exec(ws("audio").sendText(AUDIO_FRAME)),
                        pause(StreamingSimulation::untilNextFrame))
                .exec(ws("close").close());
        setUp(streams.injectOpen(rampUsers(users).during(Duration.ofMillis(Math.max(1, rampMillis)))))
                .protocols(protocol)
                .maxDuration(Duration.ofSeconds(seconds + 120));
    }

    /** Time left until frame k+1 is due, from the user's start: absolute deadlines, so lateness is caught up. */
    private static Duration untilNextFrame(Session session) {
        long due = session.getLong(START_NANOS) + (session.getInt(FRAME_INDEX) + 1L) * CHUNK_NANOS;
        return Duration.ofNanos(Math.max(0, due - System.nanoTime()));
    }
}
