/**
 * Throw-away TLS material for tests.
 *
 * <p>{@link io.mqttbridge.testkit.tls.TlsMaterial#generate(java.nio.file.Path)} makes a CA, a server certificate
 * (SAN {@code localhost}, {@code 127.0.0.1}) and a client certificate with BouncyCastle (RSA 2048, SHA256) and writes
 * them as PEM (keys as unencrypted PKCS#8); JKS and PKCS12 trust and key stores are written on first request, all
 * protected by {@code password()}. Each call makes a new CA, so a second material is an untrusted CA for the first:
 * <pre>{@code
 * TlsMaterial tls = TlsMaterial.generate(tempDir.resolve("tls"));
 * MqttBroker broker = MqttBrokers.start(BrokerConfig.builder().tls(tls).requireClientCertificate(true).build());
 * options.setSocketFactory(tls.clientSslContext(true).getSocketFactory());   // Paho, mutual TLS
 * // or for connector configs: tls.truststore("JKS"), tls.clientKeystore("PKCS12"), tls.password(),
 * //                           tls.caCertPem(), tls.clientCertPem(), tls.clientKeyPem(), tls.clientKeystorePem()
 * }</pre>
 */
package io.mqttbridge.testkit.tls;
