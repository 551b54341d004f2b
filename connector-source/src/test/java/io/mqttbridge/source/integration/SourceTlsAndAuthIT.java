package io.mqttbridge.source.integration;

import io.mqttbridge.source.integration.fixture.BrokerConfig;
import io.mqttbridge.source.integration.fixture.MqttBroker;
import io.mqttbridge.source.integration.fixture.TlsMaterial;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
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
    void generateTlsMaterial(@TempDir Path dir) throws Exception {
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
            props.put("mqtt.ssl.keystore.location", tls.clientKeystorePem().toString())
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

    private static void trustStore(SourceConnectorProps props, String type, TlsMaterial material) throws Exception {
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
        awaitAllSequences(name, count, name);
    }

    private static String firstLines(String trace) {
        return trace.lines().limit(3).reduce((a, b) -> a + " | " + b).orElse("");
    }
}
