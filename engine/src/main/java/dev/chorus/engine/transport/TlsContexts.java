package dev.chorus.engine.transport;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.ReferenceCountedOpenSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;

/**
 * Client TLS contexts: the system's trusted CAs plus, optionally, the CAs of a PEM file ({@code trust_ca_file}),
 * with hostname verification on. Thread-safe; a context is built once per run and shared by all its calls.
 */
public final class TlsContexts {
    /** BoringSSL's per-connection buffer for non-application data (Netty's default: 2048). */
    static final int BIO_BUFFER_BYTES = 1024;

    private TlsContexts() {
    }

    /** BoringSSL through netty-tcnative when it loads, unless {@code -Dchorus.tls=jdk}. */
    public static SslProvider bestProvider() {
        if (!"jdk".equalsIgnoreCase(System.getProperty("chorus.tls")) && OpenSsl.isAvailable()) {
            return SslProvider.OPENSSL;
        }
        return SslProvider.JDK;
    }

    /**
     * A client context trusting the system CAs and those in {@code extraCaPem} (may be null).
     *
     * @throws IOException when the PEM file cannot be read or holds no certificate; the message names the file
     */
    public static SslContext client(Path extraCaPem) throws IOException {
        try {
            SslContextBuilder builder = SslContextBuilder.forClient()
                    .sslProvider(bestProvider())
                    .endpointIdentificationAlgorithm("HTTPS");
            if (extraCaPem != null) {
                builder.trustManager(trustManagerFactory(extraCaPem));
            }
            SslContext context = builder.build();
            if (context instanceof ReferenceCountedOpenSslContext) {
                // BoringSSL keeps a buffer of this size per connection for handshake bytes and alerts; Netty's
                // default (2 KB) is twice what a client hello needs. Per session ~6.3 -> 5.3 KB native.
                ((ReferenceCountedOpenSslContext) context).setBioNonApplicationBufferSize(BIO_BUFFER_BYTES);
            }
            return context;
        } catch (SSLException e) {
            throw new IOException("cannot build the TLS context: " + e.getMessage(), e);
        }
    }

    /** System trust anchors plus every certificate in {@code pemFile}. */
    static TrustManagerFactory trustManagerFactory(Path pemFile) throws IOException {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            TrustManagerFactory system = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            system.init((KeyStore) null);
            int n = 0;
            for (TrustManager tm : system.getTrustManagers()) {
                if (tm instanceof X509TrustManager) {
                    for (X509Certificate ca : ((X509TrustManager) tm).getAcceptedIssuers()) {
                        store.setCertificateEntry("system-" + n++, ca);
                    }
                }
            }
            Collection<? extends Certificate> extra;
            try (InputStream in = Files.newInputStream(pemFile)) {
                extra = CertificateFactory.getInstance("X.509").generateCertificates(in);
            }
            if (extra.isEmpty()) {
                throw new IOException(pemFile + ": no certificate found; fix: point trust_ca_file at a PEM file "
                        + "holding '-----BEGIN CERTIFICATE-----' blocks");
            }
            int i = 0;
            for (Certificate c : extra) {
                store.setCertificateEntry("extra-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            return tmf;
        } catch (GeneralSecurityException e) {
            throw new IOException(pemFile + ": cannot read the CA certificates (" + e.getMessage()
                    + "); fix: trust_ca_file must be a PEM file of X.509 certificates", e);
        }
    }
}
