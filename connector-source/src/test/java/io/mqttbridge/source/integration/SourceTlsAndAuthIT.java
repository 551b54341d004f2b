package io.mqttbridge.source.integration;

import io.mqttbridge.testkit.mqtt.BrokerConfig;
import io.mqttbridge.testkit.mqtt.MqttBroker;
import io.mqttbridge.testkit.tls.TlsMaterial;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.OutputEncryptor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS with each trust store type, mutual TLS with each key store type, and the two mistakes operators make most:
 * a wrong password and a trust store without the broker's CA. A task that cannot connect FAILS, and its status
 * trace (what {@code GET /connectors/NAME/status} shows) says why and which key to check.
 */
class SourceTlsAndAuthIT extends SourceItBase {

    private static final Duration FAIL_TIMEOUT = Duration.ofSeconds(60);
    private TlsMaterial tls;
    private TlsMaterial otherCa;

    @BeforeAll
    void generateTlsMaterial(@TempDir Path dir) {
        tls = TlsMaterial.generate(dir.resolve("tls"));
        otherCa = TlsMaterial.generate(dir.resolve("other"));
    }

    @ParameterizedTest(name = "trust store {0}")
    @ValueSource(strings = {"JKS", "PKCS12", "PEM"})
    void tlsWithEachTrustStoreType(String type, @TempDir Path dir) throws Exception {
        MqttBroker broker = broker(BrokerConfig.builder().tls(tls).build());
        String name = "tls-" + type.toLowerCase(Locale.ROOT);
        SourceConnectorProps props = SourceConnectorProps.of(broker.sslUri(), "secure/#", name)
            .persistenceDir(dir);
        trustStore(props, type, tls);
        flows(broker, name, props);
    }

    @ParameterizedTest(name = "client key store {0}")
    @ValueSource(strings = {"PKCS12", "JKS", "PEM"})
    void mutualTlsWithEachKeyStoreType(String type, @TempDir Path dir) throws Exception {
        MqttBroker broker = broker(BrokerConfig.builder().tls(tls).requireClientCertificate(true).build());
        String name = "mtls-" + type.toLowerCase(Locale.ROOT);
        SourceConnectorProps props = SourceConnectorProps.of(broker.sslUri(), "secure/#", name)
            .persistenceDir(dir);
        trustStore(props, "PKCS12", tls);
        if ("PEM".equals(type)) {
            props.put("mqtt.ssl.keystore.location", encryptedClientKeystorePem(tls, dir).toString())
                .put("mqtt.ssl.keystore.type", "PEM")
                .put("mqtt.ssl.key.password", tls.password());
        } else {
            props.put("mqtt.ssl.keystore.location", tls.clientKeystore(type).toString())
                .put("mqtt.ssl.keystore.type", type)
                .put("mqtt.ssl.keystore.password", tls.password())
                .put("mqtt.ssl.key.password", tls.password());
        }
        flows(broker, name, props);
    }

    @Test
    void wrongPasswordFailsTheTaskAndSaysSo(@TempDir Path dir) throws Exception {
        MqttBroker broker = broker(BrokerConfig.builder().user("bridge", "right-password").build());
        String name = "wrong-password";
        putConnector(name, SourceConnectorProps.of(broker.tcpUri(), "secure/#", name)
            .put("mqtt.username", "bridge").put("mqtt.password", "wrong-password-123").persistenceDir(dir).build());

        String trace = connect.awaitTaskFailed(name, 0, FAIL_TIMEOUT);
        System.out.println("[wrong-password] " + firstLines(trace));
        assertTrue(trace.contains("Not authorized"), trace);
        assertTrue(trace.contains("mqtt.password"), trace);
        assertFalse(trace.contains("wrong-password-123"), "the password must not appear in the trace");
    }

    @Test
    void unknownCaFailsTheTaskAndSaysSo(@TempDir Path dir) throws Exception {
        MqttBroker broker = broker(BrokerConfig.builder().tls(tls).build());
        String name = "wrong-ca";
        SourceConnectorProps props = SourceConnectorProps.of(broker.sslUri(), "secure/#", name).persistenceDir(dir);
        trustStore(props, "JKS", otherCa);
        putConnector(name, props.build());

        String trace = connect.awaitTaskFailed(name, 0, FAIL_TIMEOUT);
        System.out.println("[wrong-ca] " + firstLines(trace));
        assertTrue(trace.contains("PKIX"), trace);
        assertTrue(trace.contains("certificate") || trace.contains("certification"), trace);
        assertTrue(trace.contains("mqtt.ssl.truststore.location"), trace);
    }

    private static void trustStore(SourceConnectorProps props, String type, TlsMaterial material) {
        if ("PEM".equals(type)) {
            props.put("mqtt.ssl.truststore.location", material.caCertPem().toString())
                .put("mqtt.ssl.truststore.type", "PEM");
        } else {
            props.put("mqtt.ssl.truststore.location", material.truststore(type).toString())
                .put("mqtt.ssl.truststore.type", type)
                .put("mqtt.ssl.truststore.password", material.password());
        }
    }

    private void flows(MqttBroker broker, String name, SourceConnectorProps props) {
        connect.createTopic(name, 1);
        runConnector(name, props.build(), 1);
        int count = 100;
        publish(broker.tcpUri(), "secure/" + name, 1, 0, count);
        awaitAllSequences(name, name, count);
    }

    /**
     * The client certificate, the CA and the client key as an {@code ENCRYPTED PRIVATE KEY} (PKCS#8, AES-256-CBC,
     * opened by {@code mqtt.ssl.key.password}) in one PEM file, as operators get it from {@code openssl pkcs8
     * -topk8}. The testkit's {@code clientKeystorePem()} holds the key unencrypted.
     */
    private static Path encryptedClientKeystorePem(TlsMaterial material, Path dir) throws Exception {
        PrivateKeyInfo keyInfo;
        try (PEMParser parser = new PEMParser(Files.newBufferedReader(material.clientKeyPem()))) {
            keyInfo = (PrivateKeyInfo) parser.readObject();
        }
        PrivateKey key = new JcaPEMKeyConverter().getPrivateKey(keyInfo);
        OutputEncryptor encryptor = new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC)
            .setProvider(new BouncyCastleProvider()) // the JDK has no "AES/CBC/PKCS7Padding" that BC asks for
            .setPassword(material.password().toCharArray()).build();
        StringWriter encryptedKey = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(encryptedKey)) {
            writer.writeObject(new JcaPKCS8Generator(key, encryptor));
        }
        assertTrue(encryptedKey.toString().contains("ENCRYPTED PRIVATE KEY"), encryptedKey::toString);
        Path file = dir.resolve("client-encrypted-key.pem");
        Files.writeString(file, Files.readString(material.clientCertPem()) + Files.readString(material.caCertPem())
            + encryptedKey);
        return file;
    }

    private static String firstLines(String trace) {
        return trace.lines().limit(3).reduce((a, b) -> a + " | " + b).orElse("");
    }
}
