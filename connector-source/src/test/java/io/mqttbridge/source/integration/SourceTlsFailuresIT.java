package io.mqttbridge.source.integration;

import io.mqttbridge.testkit.mqtt.BrokerConfig;
import io.mqttbridge.testkit.mqtt.MqttBroker;
import io.mqttbridge.testkit.tls.TlsMaterial;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The TLS mistakes not covered by {@link SourceTlsAndAuthIT}: an expired broker certificate and a broker reached
 * under a name its certificate does not hold. Each fails the task, and the first line of its status trace (what an
 * operator sees first) names the cause and the key to check.
 */
class SourceTlsFailuresIT extends SourceItBase {

    private static final Duration FAIL_TIMEOUT = Duration.ofSeconds(60);

    @Test
    void anExpiredBrokerCertificateIsNamed(@TempDir Path dir) {
        TlsMaterial expired = TlsMaterial.generateWithExpiredServerCertificate(dir.resolve("tls"));
        MqttBroker broker = broker(BrokerConfig.builder().tls(expired).build());
        String firstLine = failedTaskFirstLine("tls-old-cert", broker.sslUri(), expired, dir);
        // Before the fix it said "validity check failed (check mqtt.ssl.truststore.location: it must hold the CA
        // that signed the broker's certificate)": the wrong advice.
        assertTrue(firstLine.contains("the broker's certificate is expired (NotAfter"), firstLine);
    }

    @Test
    void aHostNameTheCertificateDoesNotHoldIsNamed(@TempDir Path dir) {
        TlsMaterial onlyLocalhost = TlsMaterial.generate(dir.resolve("tls"), List.of("localhost"));
        MqttBroker broker = broker(BrokerConfig.builder().tls(onlyLocalhost).build());
        String uri = "ssl://127.0.0.1:" + URI.create(broker.sslUri()).getPort();
        String firstLine = failedTaskFirstLine("tls-hostname", uri, onlyLocalhost, dir);
        assertTrue(firstLine.contains("hostname mismatch") || firstLine.contains("subject alternative names"),
            firstLine);
        assertTrue(firstLine.contains("mqtt.ssl.endpoint.identification.algorithm"), firstLine);
    }

    private String failedTaskFirstLine(String name, String uri, TlsMaterial tls, Path dir) {
        putConnector(name, SourceConnectorProps.of(uri, "secure/#", name).persistenceDir(dir.resolve("p"))
            .put("mqtt.ssl.truststore.location", tls.caCertPem().toString())
            .put("mqtt.ssl.truststore.type", "PEM").build());
        String trace = connect.awaitTaskFailed(name, 0, FAIL_TIMEOUT);
        String firstLine = trace.lines().findFirst().orElse("");
        System.out.println("[" + name + "] " + firstLine);
        return firstLine;
    }
}
