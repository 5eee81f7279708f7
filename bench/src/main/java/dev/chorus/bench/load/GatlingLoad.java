package dev.chorus.bench.load;

import io.gatling.app.Gatling;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.concurrent.Callable;

/**
 * Runs {@link StreamingSimulation} with Gatling's own launcher ({@code io.gatling.app.Gatling}, no build plugin), with
 * the target's CA trusted through a PKCS#12 trust store made from its PEM, and hostname verification on, as Chorus
 * does. Exits with Gatling's exit code.
 */
@Command(name = "gatling-load", mixinStandardHelpOptions = true,
        description = "Paced wss audio streams with Gatling, for comparison with chorus run.")
public final class GatlingLoad implements Callable<Integer> {
    private static final String STORE_PASSWORD = "chorus";

    @Option(names = "--url", defaultValue = "wss://127.0.0.1:18443/",
            description = "Target (default: ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--ca-pem", required = true, paramLabel = "FILE", description = "CA certificate(s) to trust (PEM).")
    Path caPem;

    @Option(names = "--users", required = true, description = "Concurrent streams.")
    int users;

    @Option(names = "--seconds", defaultValue = "30", description = "Audio per stream (default: ${DEFAULT-VALUE}).")
    long seconds;

    @Option(names = "--ramp-ms", defaultValue = "2000", description = "Spread user starts (default: ${DEFAULT-VALUE}).")
    long rampMillis;

    @Option(names = "--results", required = true, paramLabel = "DIR", description = "Gatling results folder.")
    Path results;

    public static void main(String[] args) {
        System.exit(new CommandLine(new GatlingLoad()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(results);
        Path trustStore = results.resolve("truststore.p12");
        writeTrustStore(caPem, trustStore);
        System.setProperty("gatling.ssl.useInsecureTrustManager", "false");
        System.setProperty("gatling.ssl.trustStore.type", "PKCS12");
        System.setProperty("gatling.ssl.trustStore.file", trustStore.toAbsolutePath().toString());
        System.setProperty("gatling.ssl.trustStore.password", STORE_PASSWORD);
        System.setProperty("gatling.http.enableHostnameVerification", "true");
        System.setProperty("gatling.data.enableAnalytics", "false");
        System.setProperty("chorus.load.url", url);
        System.setProperty("chorus.load.users", Integer.toString(users));
        System.setProperty("chorus.load.seconds", Long.toString(seconds));
        System.setProperty("chorus.load.rampMillis", Long.toString(rampMillis));
        // Gatling.main exits the JVM itself with its status.
        Gatling.main(new String[] {"--simulation", StreamingSimulation.class.getName(),
                "--results-folder", results.toAbsolutePath().toString(), "--no-reports",
                "--launcher", "chorus-bench"});
        return 0;
    }

    /** A PKCS#12 trust store holding every certificate of {@code pem}, as {@code keytool -importcert} would make. */
    static void writeTrustStore(Path pem, Path store) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(pem)) {
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("ca-" + i++, c);
            }
        }
        try (OutputStream out = Files.newOutputStream(store)) {
            ks.store(out, STORE_PASSWORD.toCharArray());
        }
    }
}
