package io.mqttbridge.core.ssl;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Builds TLS clients from {@link SslSettings}: JKS, PKCS12 and PEM trust and key stores, TLS 1.2 and 1.3 only,
 * host name verification unless turned off. Errors name the file and the configuration key, never a password.
 */
public final class SslContextFactory {
    /** Configuration keys, named like Kafka's own {@code ssl.*} keys; used in error messages. */
    public static final String TRUSTSTORE_LOCATION = "mqtt.ssl.truststore.location";
    public static final String TRUSTSTORE_TYPE = "mqtt.ssl.truststore.type";
    public static final String TRUSTSTORE_PASSWORD = "mqtt.ssl.truststore.password";
    public static final String KEYSTORE_LOCATION = "mqtt.ssl.keystore.location";
    public static final String KEYSTORE_TYPE = "mqtt.ssl.keystore.type";
    public static final String KEYSTORE_PASSWORD = "mqtt.ssl.keystore.password";
    public static final String KEY_PASSWORD = "mqtt.ssl.key.password";
    public static final String PROTOCOL = "mqtt.ssl.protocol";
    public static final String ENABLED_PROTOCOLS = "mqtt.ssl.enabled.protocols";

    /** The protocols this plugin accepts: anything older is broken. */
    public static final Set<String> ALLOWED_PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");
    private static final List<String> DEFAULT_ENABLED_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private SslContextFactory() {
    }

    /**
     * A socket factory whose sockets offer only the enabled protocols, verify the server's host name (unless the
     * settings turn that off) and set TCP_NODELAY.
     *
     * @param settings TLS settings, or null for the JVM's default trust with host name verification
     */
    public static SSLSocketFactory socketFactory(SslSettings settings) {
        if (settings == null) {
            try {
                return new TlsSocketFactory(SSLContext.getDefault().getSocketFactory(), DEFAULT_ENABLED_PROTOCOLS, "HTTPS");
            } catch (GeneralSecurityException e) {
                throw new SslConfigException("The JVM has no default TLS context: " + e.getMessage(), e);
            }
        }
        return new TlsSocketFactory(context(settings).getSocketFactory(), enabledProtocols(settings),
            settings.hostnameVerification() ? settings.endpointIdentificationAlgorithm() : null);
    }

    /** The SSLContext for the settings, with their trust and key material. */
    public static SSLContext context(SslSettings settings) {
        String protocol = settings.protocol() == null || settings.protocol().isBlank() ? "TLSv1.3" : settings.protocol();
        if (!protocol.equals("TLS") && !ALLOWED_PROTOCOLS.contains(protocol)) {
            throw new SslConfigException(PROTOCOL + " is '" + protocol + "'; only TLSv1.2, TLSv1.3 or TLS are allowed");
        }
        enabledProtocols(settings);
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(settings.truststoreLocation() == null ? null : truststore(settings));
            KeyManagerFactory kmf = null;
            if (settings.keystoreLocation() != null) {
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                char[] keyPassword = settings.keyPassword() != null ? settings.keyPassword() : settings.keystorePassword();
                KeyStore ks = keystore(settings);
                try {
                    kmf.init(ks, isPem(settings.keystoreType()) ? PEM_STORE_PASSWORD : orEmpty(keyPassword));
                } catch (UnrecoverableKeyException e) {
                    throw new SslConfigException("Cannot recover the private key in " + settings.keystoreLocation() + " ("
                        + KEYSTORE_LOCATION + "): wrong " + KEY_PASSWORD + " (or " + KEYSTORE_PASSWORD
                        + " when no key password is set)", e);
                }
            }
            SSLContext context = SSLContext.getInstance(protocol);
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new SslConfigException("Cannot build the TLS context (" + settings + "): " + e.getMessage(), e);
        }
    }

    /** The enabled protocols, checked: TLS 1.2 and 1.3 only. */
    static List<String> enabledProtocols(SslSettings settings) {
        if (settings.enabledProtocols().isEmpty()) {
            return DEFAULT_ENABLED_PROTOCOLS;
        }
        for (String p : settings.enabledProtocols()) {
            if (!ALLOWED_PROTOCOLS.contains(p)) {
                throw new SslConfigException(ENABLED_PROTOCOLS + " contains '" + p
                    + "'; only TLSv1.2 and TLSv1.3 are allowed (older versions are insecure)");
            }
        }
        return settings.enabledProtocols();
    }

    /** Loads the truststore named by the settings. */
    public static KeyStore truststore(SslSettings s) {
        String type = typeOrDefault(s.truststoreType());
        Path file = existing(s.truststoreLocation(), TRUSTSTORE_LOCATION);
        if (isPem(type)) {
            PemFile pem = PemFile.read(file, TRUSTSTORE_LOCATION, null);
            if (pem.certificates().isEmpty()) {
                throw new SslConfigException("No CERTIFICATE block in " + file + " (" + TRUSTSTORE_LOCATION + ")");
            }
            try {
                KeyStore ks = emptyStore();
                int i = 0;
                for (X509Certificate cert : pem.certificates()) {
                    ks.setCertificateEntry("ca-" + i++, cert);
                }
                return ks;
            } catch (GeneralSecurityException e) {
                throw new SslConfigException("Cannot hold the certificates of " + file + ": " + e.getMessage(), e);
            }
        }
        return load(file, type, s.truststorePassword(), TRUSTSTORE_LOCATION, TRUSTSTORE_PASSWORD, TRUSTSTORE_TYPE);
    }

    /** Loads the keystore named by the settings; a PEM keystore becomes an in-memory store. */
    public static KeyStore keystore(SslSettings s) {
        String type = typeOrDefault(s.keystoreType());
        Path file = existing(s.keystoreLocation(), KEYSTORE_LOCATION);
        if (isPem(type)) {
            PemFile pem = PemFile.read(file, KEYSTORE_LOCATION, s.keyPassword() != null ? s.keyPassword() : s.keystorePassword());
            if (pem.privateKey() == null || pem.certificates().isEmpty()) {
                throw new SslConfigException(file + " (" + KEYSTORE_LOCATION + ") must hold the client certificate chain"
                    + " and its private key; found " + pem.certificates().size() + " certificate(s) and "
                    + (pem.privateKey() == null ? "no" : "a") + " private key");
            }
            try {
                KeyStore ks = emptyStore();
                ks.setKeyEntry("client", pem.privateKey(), PEM_STORE_PASSWORD,
                    pem.certificates().toArray(new Certificate[0]));
                return ks;
            } catch (GeneralSecurityException e) {
                throw new SslConfigException("The private key in " + file + " (" + KEYSTORE_LOCATION
                    + ") does not fit its certificate chain: " + e.getMessage(), e);
            }
        }
        return load(file, type, s.keystorePassword(), KEYSTORE_LOCATION, KEYSTORE_PASSWORD, KEYSTORE_TYPE);
    }

    /** The in-memory store of a PEM key never leaves this JVM; its password only satisfies the KeyStore API. */
    private static final char[] PEM_STORE_PASSWORD = "pem".toCharArray();

    private static KeyStore load(Path file, String type, char[] password, String locationKey, String passwordKey,
                                 String typeKey) {
        KeyStore ks;
        try {
            ks = KeyStore.getInstance(type);
        } catch (GeneralSecurityException e) {
            throw new SslConfigException("Unknown store type '" + type + "' (" + typeKey + "); expected JKS, PKCS12 or PEM", e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, password);
            return ks;
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException || String.valueOf(e.getMessage()).contains("password")) {
                throw new SslConfigException("Cannot open " + file + " (" + locationKey + "): wrong " + passwordKey, e);
            }
            throw new SslConfigException("Cannot read " + file + " (" + locationKey + ") as " + type + " (" + typeKey
                + "): " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new SslConfigException("Cannot read " + file + " (" + locationKey + ") as " + type + ": " + e.getMessage(), e);
        }
    }

    private static Path existing(String location, String key) {
        Path file = Path.of(location);
        if (!Files.isReadable(file)) {
            throw new SslConfigException(key + " names " + location + ", which "
                + (Files.exists(file) ? "is not readable" : "does not exist"), new NoSuchFileException(location));
        }
        return file;
    }

    private static KeyStore emptyStore() throws GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try {
            ks.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
        return ks;
    }

    private static String typeOrDefault(String type) {
        return type == null || type.isBlank() ? "JKS" : type.trim().toUpperCase(Locale.ROOT);
    }

    private static boolean isPem(String type) {
        return "PEM".equals(typeOrDefault(type));
    }

    private static char[] orEmpty(char[] password) {
        return password == null ? new char[0] : password;
    }
}
