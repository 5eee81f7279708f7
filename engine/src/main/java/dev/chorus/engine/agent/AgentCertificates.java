package dev.chorus.engine.agent;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * A CA and a server certificate made in memory (EC P-256): the server certificate names localhost, 127.0.0.1 and
 * ::1, so hostname verification passes on loopback; the CA is written as PEM for {@code trust_ca_file}. Immutable.
 */
public final class AgentCertificates {
    private final X509Bundle ca;
    private final X509Bundle server;

    private AgentCertificates(X509Bundle ca, X509Bundle server) {
        this.ca = ca;
        this.server = server;
    }

    public static AgentCertificates generate() {
        try {
            Instant now = Instant.now();
            X509Bundle ca = new CertificateBuilder().subject("CN=Chorus reference agent CA").ecp256()
                    .setIsCertificateAuthority(true).notBefore(now.minus(1, ChronoUnit.HOURS))
                    .notAfter(now.plus(30, ChronoUnit.DAYS)).buildSelfSigned();
            X509Bundle server = new CertificateBuilder().subject("CN=localhost").ecp256()
                    .addSanDnsName("localhost").addSanIpAddress("127.0.0.1").addSanIpAddress("::1")
                    .setKeyUsage(true, CertificateBuilder.KeyUsage.digitalSignature)
                    .addExtendedKeyUsageServerAuth().notBefore(now.minus(1, ChronoUnit.HOURS))
                    .notAfter(now.plus(30, ChronoUnit.DAYS)).buildIssuedBy(ca);
            return new AgentCertificates(ca, server);
        } catch (Exception e) {
            throw new IllegalStateException("cannot generate the reference agent's certificates: " + e, e);
        }
    }

    public PrivateKey serverKey() {
        return server.getKeyPair().getPrivate();
    }

    /** The server certificate and its issuer. */
    public X509Certificate[] serverChain() {
        return new X509Certificate[] {server.getCertificate(), ca.getCertificate()};
    }

    public X509Certificate caCertificate() {
        return ca.getCertificate();
    }

    /** Writes the server chain and its PKCS#8 key as PEM, e.g. for {@code chorus serve --tls-cert/--tls-key}. */
    public void writeServerPem(Path certFile, Path keyFile) throws IOException {
        Files.writeString(certFile, server.getCertificatePathPEM(), StandardCharsets.US_ASCII);
        Files.writeString(keyFile, server.getPrivateKeyPEM(), StandardCharsets.US_ASCII);
    }

    public void writeCaPem(Path file) throws IOException {
        Files.writeString(file, ca.getCertificatePEM(), StandardCharsets.US_ASCII);
    }
}
