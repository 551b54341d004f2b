package io.mqttbridge.core.ssl;

import java.util.List;

/**
 * TLS settings, named after Kafka's own {@code ssl.*} keys. Store types are {@code JKS}, {@code PKCS12} or
 * {@code PEM} (a truststore PEM file holds CA certificates; a keystore PEM file holds the certificate chain and
 * a PKCS#8 or PKCS#1 private key, encrypted with {@code keyPassword} if it is an encrypted PKCS#8 key).
 *
 * @param truststoreLocation file with trusted CA certificates, or null to use the JVM's default trust
 * @param truststoreType JKS, PKCS12 or PEM
 * @param truststorePassword truststore password, or null
 * @param keystoreLocation file with the client certificate and key for mutual TLS, or null
 * @param keystoreType JKS, PKCS12 or PEM
 * @param keystorePassword keystore password, or null
 * @param keyPassword password of the private key, or null to use the keystore password
 * @param protocol the SSLContext protocol, e.g. {@code TLSv1.3}
 * @param enabledProtocols protocols offered in the handshake, e.g. {@code [TLSv1.2, TLSv1.3]}
 * @param endpointIdentificationAlgorithm {@code HTTPS} to verify the server's host name (the default), or empty
 *     to turn verification off
 */
public record SslSettings(String truststoreLocation, String truststoreType, char[] truststorePassword,
                          String keystoreLocation, String keystoreType, char[] keystorePassword, char[] keyPassword,
                          String protocol, List<String> enabledProtocols, String endpointIdentificationAlgorithm) {

    public SslSettings {
        enabledProtocols = enabledProtocols == null ? List.of() : List.copyOf(enabledProtocols);
    }

    /** Whether the server's host name is checked against its certificate. */
    public boolean hostnameVerification() {
        return endpointIdentificationAlgorithm != null && !endpointIdentificationAlgorithm.isBlank();
    }

    /** Passwords are masked: this string is safe to log. */
    @Override
    public String toString() {
        return "SslSettings[truststore=" + truststoreLocation + " (" + truststoreType + "), keystore=" + keystoreLocation
            + " (" + keystoreType + "), protocol=" + protocol + ", enabledProtocols=" + enabledProtocols
            + ", endpointIdentificationAlgorithm=" + endpointIdentificationAlgorithm + ", passwords=[hidden]]";
    }
}
