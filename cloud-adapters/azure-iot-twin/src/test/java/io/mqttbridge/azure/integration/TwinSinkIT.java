package io.mqttbridge.azure.integration;

import io.mqttbridge.azure.TwinSinkConnector;
import io.mqttbridge.testkit.azure.IotHubEmulator;
import io.mqttbridge.testkit.azure.ReportedPatch;
import io.mqttbridge.testkit.azure.TelemetryMessage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Kafka records become reported properties and telemetry of emulated devices, with the real device SDK. */
class TwinSinkIT extends TwinItBase {

    /** A sink from the example config, reading {@code topic}, its DLQ {@code topic.dlq}. */
    private Map<String, String> sinkProps(String topic) {
        Map<String, String> props = exampleConfig("azure-twin-sink.json");
        props.put("name", topic);
        props.put("topics", topic);
        props.put("errors.deadletterqueue.topic.name", topic + ".dlq");
        connect.createTopic(topic, 1);
        return props;
    }

    @Test
    void theExampleConfigReportsRecordsAsTwinPropertiesAndCommitsAfterTheHubsAnswer() {
        String topic = "reported";
        Map<String, String> props = sinkProps(topic);
        runConnector(topic, props, 1);
        produce(topic, "press-1", "{\"temperature\":71.5,\"state\":{\"mode\":\"auto\",\"rpm\":1200}}");
        produce(topic, "press-2", "{\"temperature\":64}");
        produce(topic, "press-1", "{\"state\":{\"rpm\":900},\"temperature\":null}");

        awaitDelivered(topic, "both devices reported", () -> hub.deviceIds().contains("press-1")
            && hub.reportedPatches("press-1").size() == 2 && hub.deviceIds().contains("press-2")
            && hub.reportedPatches("press-2").size() == 1);
        assertEquals(json("{\"state\":{\"mode\":\"auto\",\"rpm\":900}}"), hub.reported("press-1"));
        assertEquals(json("{\"temperature\":64}"), hub.reported("press-2"));
        List<ReportedPatch> patches = hub.reportedPatches("press-1");
        assertEquals(json("{\"temperature\":71.5,\"state\":{\"mode\":\"auto\",\"rpm\":1200}}"), patches.get(0).patch(),
            "the patch arrives as the record's JSON");
        awaitCommittedOffset(topic, topic, 3);
    }

    @Test
    void recordsBecomeTelemetryWithPropertiesFromHeadersAndValuesUnderOneProperty() {
        String topic = "telemetry";
        Map<String, String> props = sinkProps(topic);
        props.put("iothub.sink.targets", "reported,telemetry");
        props.put("iothub.reported.property", "lastReading");
        props.put("iothub.telemetry.property.headers", "site,alert");
        props.put("iothub.device.id", "${header.device}");
        runConnector(topic, props, 1);
        produce(topic, "ignored", "21.5", "device", "sensor-7", "site", "berlin", "alert", "high temp", "other", "x");

        awaitDelivered(topic, "the telemetry message", () -> !hub.telemetry("sensor-7").isEmpty());
        TelemetryMessage message = hub.telemetry("sensor-7").get(0);
        assertEquals(Map.of("site", "berlin", "alert", "high temp"), message.properties());
        assertEquals("application/json", message.systemProperties().get("$.ct"));
        assertEquals("utf-8", message.systemProperties().get("$.ce"));
        assertEquals("21.5", message.text());
        assertEquals(json("{\"lastReading\":21.5}"), hub.reported("sensor-7"));
        awaitCommittedOffset(topic, topic, 1);
    }

    @Test
    void anOversizeTwinGoesToTheDeadLetterQueueWithTheHubsStatusWhileTheRestFlows() {
        String topic = "oversize";
        Map<String, String> props = sinkProps(topic);
        runConnector(topic, props, 1);
        StringBuilder big = new StringBuilder("{");
        for (int i = 0; i < 9; i++) {
            big.append(i == 0 ? "" : ",").append("\"p").append(i).append("\":\"").append("x".repeat(4000)).append('"');
        }
        produce(topic, "big-1", "{\"ok\":1}");
        produce(topic, "big-1", big + "}");
        produce(topic, "big-1", "{\"ok\":2}");
        produce(topic, "not-an-object", "[1,2,3]");

        List<ConsumerRecord<byte[], byte[]>> dead = deadLetters(topic + ".dlq", 2);
        assertEquals(2, dead.size());
        ConsumerRecord<byte[], byte[]> oversize = dead.stream()
            .filter(r -> "1".equals(header(r, "__connect.errors.offset"))).findFirst().orElseThrow();
        String reason = header(oversize, "__connect.errors.exception.message");
        assertTrue(reason.contains("IoT Hub answered 413") && reason.contains("32768-byte limit")
            && reason.contains("big-1"), reason);
        ConsumerRecord<byte[], byte[]> array = dead.stream()
            .filter(r -> "3".equals(header(r, "__connect.errors.offset"))).findFirst().orElseThrow();
        String notObject = header(array, "__connect.errors.exception.message");
        assertTrue(notObject.contains("must be a JSON object"), notObject);
        awaitDelivered(topic, "the records around it", () -> hub.reportedPatches("big-1").size() == 2);
        assertEquals(json("{\"ok\":2}"), hub.reported("big-1"));
        awaitCommittedOffset(topic, topic, 4);
    }

    @Test
    void throttlingAndServerErrorsAreRetriedUntilTheHubAccepts() {
        String topic = "throttled";
        Map<String, String> props = sinkProps(topic);
        props.put("iothub.retry.backoff.ms", "50");
        runConnector(topic, props, 1);
        produce(topic, "busy-1", "{\"n\":0}");
        awaitDelivered(topic, "the first patch", () -> hub.deviceIds().contains("busy-1")
            && hub.reportedPatches("busy-1").size() == 1);
        hub.failNextTwinRequests(3, 429);
        produce(topic, "busy-1", "{\"n\":1}");
        awaitDelivered(topic, "the throttled patch", () -> hub.reportedPatches("busy-1").size() == 2);
        hub.failNextTwinRequests(2, 503);
        produce(topic, "busy-1", "{\"n\":2}");
        awaitDelivered(topic, "the patch after server errors", () -> hub.reportedPatches("busy-1").size() == 3);
        assertEquals(json("{\"n\":2}"), hub.reported("busy-1"));
        awaitCommittedOffset(topic, topic, 3);
        assertTrue(connect.consumeUntilQuiet(topic + ".dlq", Duration.ofSeconds(1), Duration.ofSeconds(5)).isEmpty(),
            "nothing was dead-lettered");
    }

    @Test
    void x509DevicesReportWithTheirOwnCertificate() throws Exception {
        String topic = "x509";
        // The emulator's client certificate, in a key store named like the device: client-keystore.pkcs12.
        Path store = hub.tls().clientKeystore("PKCS12");
        X509Certificate certificate;
        try (InputStream in = Files.newInputStream(hub.tls().clientCertPem())) {
            certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        hub.registerX509Device("client-keystore", IotHubEmulator.thumbprint(certificate), null);
        Map<String, String> props = sinkProps(topic);
        props.put("iothub.auth.mode", "x509");
        props.put("iothub.x509.keystore.location", store.getParent().resolve("${device.id}.pkcs12").toString());
        props.put("iothub.x509.keystore.type", "PKCS12");
        props.put("iothub.x509.keystore.password", hub.tls().password());
        runConnector(topic, props, 1);
        produce(topic, "client-keystore", "{\"auth\":\"x509\"}");
        awaitDelivered(topic, "the X.509 device's patch", () -> hub.reportedPatches("client-keystore").size() == 1);
        assertEquals(json("{\"auth\":\"x509\"}"), hub.reported("client-keystore"));
        awaitCommittedOffset(topic, topic, 1);
    }

    @Test
    void validationNamesEveryBadKey() {
        Map<String, List<String>> errors = validationErrors(TwinSinkConnector.class.getName(), Map.of(
            "name", "invalid", "topics", "x", "iothub.auth.mode", "group.key", "iothub.device.id", "${nope}",
            "iothub.sink.targets", "reported,alarms", "iothub.hostname", "nodot"));
        assertTrue(errors.get("iothub.hostname").get(0).contains("with a dot"), errors.toString());
        assertTrue(errors.get("iothub.group.key").get(0).contains("required with iothub.auth.mode=group.key"),
            errors.toString());
        assertTrue(errors.get("iothub.device.id").get(0).contains("${nope} is not a known variable"),
            errors.toString());
        assertTrue(errors.containsKey("iothub.sink.targets"), errors.toString());
    }
}
