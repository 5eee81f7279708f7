package dev.chorus.engine.cli;

import dev.chorus.engine.agent.AgentBehavior;
import dev.chorus.engine.agent.ReferenceAgent;
import dev.chorus.engine.agent.ReferenceAgentOptions;
import dev.chorus.engine.config.AuthorizationHeader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code chorus agent}: the reference agent, on its own, until Ctrl-C. */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "Run the reference voice agent (wss, self-made certificate) until Ctrl-C.")
public final class AgentCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "8443", description = "Port (default: ${DEFAULT-VALUE}; 0 = any).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--profile", defaultValue = "default",
            description = "Protocol the agent speaks: default, raw_pcm, twilio, openai_realtime, elevenlabs, "
                    + "deepgram_agent, gemini_live, chirp (default: ${DEFAULT-VALUE}).")
    String profile;

    @Option(names = "--reply-delay-ms", defaultValue = "300",
            description = "Reply delay after the caller's last speech (default: ${DEFAULT-VALUE}).")
    long replyDelayMillis;

    @Option(names = "--reply-duration-ms", defaultValue = "1200", description = "Reply length (default: ${DEFAULT-VALUE}).")
    long replyDurationMillis;

    @Option(names = "--greeting-ms", defaultValue = "0",
            description = "Greeting the agent speaks right after ready, for first_speaker agent (default: ${DEFAULT-VALUE}, none).")
    long greetingMillis;

    @Option(names = "--interrupt-after-ms", defaultValue = "-1",
            description = "Interrupt the caller: start replying this long after it starts speaking (default: off).")
    long interruptAfterMillis;

    @Option(names = "--barge-in-stop-ms", defaultValue = "0",
            description = "When the caller barges in, stop the reply this long after its speech starts (default: "
                    + "${DEFAULT-VALUE}, at once; -1: never stop).")
    long bargeInStopMillis;

    @Option(names = "--reply-text", paramLabel = "WORDS",
            description = "Speak these words (FreeTTS) as the reply instead of a speech-like signal.")
    String replyText;

    @Option(names = "--receive-rate", description = "Caller audio rate in Hz (default: 16000, or the profile's).")
    Integer receiveRateHz;

    @Option(names = "--send-rate", description = "Reply rate in Hz (default: 48000, or the profile's).")
    Integer sendRateHz;

    @Option(names = "--auth", paramLabel = "VALUE",
            description = "Require this authorization (\"Bearer x\", or \"X-API-Key abc\" for that header).")
    String auth;

    @Option(names = "--binary", description = "Reply with raw PCM binary frames instead of JSON.")
    boolean binary;

    @Option(names = "--reply-burst", description = "Send each reply's audio at once instead of in real time.")
    boolean replyBurst;

    @Option(names = "--behavior", defaultValue = "NORMAL",
            description = "NORMAL, REJECT_UPGRADE_401, NO_READY, READY_WITHOUT_SESSION_ID, CLOSE_MID_CALL, "
                    + "INVALID_JSON, FREEZE, BARGE_IN (default: ${DEFAULT-VALUE}).")
    AgentBehavior behavior;

    @Option(names = "--ca-pem", defaultValue = "chorus-agent-ca.pem",
            description = "Where to write the CA certificate (default: ${DEFAULT-VALUE}).")
    Path caPem;

    @Option(names = "--io-threads", defaultValue = "1", description = "Event loops (default: ${DEFAULT-VALUE}).")
    int ioThreads;

    @Override
    public Integer call() throws Exception {
        ReferenceAgentOptions.Builder options = ReferenceAgentOptions.builder();
        try {
            options.profile(profile);
        } catch (IllegalArgumentException e) {
            System.err.println("error: --profile: " + e.getMessage());
            return Main.EXIT_BAD_INPUT;
        }
        options.host(host).port(port)
                .replyDelayMillis(replyDelayMillis).replyDurationMillis(replyDurationMillis)
                .greetingMillis(greetingMillis).replyBurst(replyBurst).interruptAfterMillis(interruptAfterMillis)
                .bargeInStopMillis(bargeInStopMillis).replyText(replyText)
                .behavior(behavior).caPemFile(caPem.toAbsolutePath()).ioThreads(ioThreads);
        if (receiveRateHz != null) {
            options.receiveSampleRateHz(receiveRateHz);
        }
        if (sendRateHz != null) {
            options.sendSampleRateHz(sendRateHz);
        }
        if (binary) {
            options.binaryAudio(true);
        }
        if (auth != null) {
            AuthorizationHeader h = AuthorizationHeader.parse(auth);
            options.requiredAuthorization(h.headerName(), h.value());
        }
        ReferenceAgentOptions built;
        try {
            built = options.build();
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return Main.EXIT_BAD_INPUT;
        }
        ReferenceAgent agent = ReferenceAgent.start(built);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            agent.close();
            stopped.countDown();
        }, "chorus-agent-stop"));
        System.out.println("reference agent listening on " + agent.endpoint()
                + ("default".equals(profile) ? "" : " (profile " + profile + ")"));
        System.out.println("CA certificate: " + agent.caPemFile());
        System.out.println("agent file to use it:");
        System.out.println("{" + ("default".equals(profile) ? "" : "\"profile\": \"" + profile + "\", ")
                + "\"endpoint\": \"" + agent.endpoint() + "\", \"trust_ca_file\": \"" + agent.caPemFile()
                + "\", \"send_sample_rate_hertz\": " + built.receiveSampleRateHz() + ", \"receive_sample_rate_hertz\": "
                + built.sendSampleRateHz()
                + (auth != null ? ", \"authorization_header\": \"<the value you gave --auth>\"" : "") + "}");
        System.out.println("Ctrl-C stops it.");
        stopped.await();
        return 0;
    }
}
