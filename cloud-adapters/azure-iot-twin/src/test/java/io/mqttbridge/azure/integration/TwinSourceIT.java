package io.mqttbridge.azure.integration;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Desired-property changes of emulated devices become Kafka records, through reconnects and restarts. */
class TwinSourceIT extends TwinItBase {
    /** The device keys of {@code config/azure-twin-source.json}: demo credentials, decoding to "DEMO ONLY: ...". */
    private static final String DEMO_KEY_1 = "REVNTyBPTkxZOiBlc3AzMi0wMSBrZXksIG5vdCBhIHJlYWwgb25l";
    private static final String DEMO_KEY_2 = "REVNTyBPTkxZOiBlc3AzMi0wMiBrZXksIG5vdCBhIHJlYWwgb25l";
    private static final Duration QUIET_TIME = Duration.ofSeconds(1);

    /** A source of {@code devices} (registered with fresh keys) to {@code topic}, from the example config. */
    private Map<String, String> sourceProps(String name, String... devices) {
        Map<String, String> props = exampleConfig("azure-twin-source.json");
        props.put("name", name);
        props.put("kafka.topic", name);
        props.put("iothub.request.timeout.ms", "5000");
        props.put("iothub.retry.backoff.ms", "100");
        StringBuilder keys = new StringBuilder();
        for (String device : devices) {
            keys.append(keys.length() == 0 ? "" : ",").append(device).append('=').append(hub.registerDevice(device));
        }
        props.put("iothub.device.ids", String.join(",", devices));
        props.put("iothub.device.keys", keys.toString());
        connect.createTopic(name, 1);
        return props;
    }

    private List<ConsumerRecord<byte[], byte[]>> awaitRecords(String connector, String topic, int count) {
        awaitDelivered(connector, count + " records in " + topic, () -> connect.consumeUntilQuiet(topic,
            Duration.ofMillis(300), Duration.ofSeconds(5)).size() >= count);
        List<ConsumerRecord<byte[], byte[]>> records = connect.consumeUntilQuiet(topic, QUIET_TIME,
            Duration.ofSeconds(30));
        assertEquals(count, records.size(), "exactly " + count + " records: " + describe(records));
        return records;
    }

    private static String describe(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> new String(r.key(), StandardCharsets.UTF_8) + "@v"
            + header(r, "iothub.twin.version") + "/" + header(r, "iothub.twin.update") + " "
            + new String(r.value(), StandardCharsets.UTF_8)).toList().toString();
    }

    private static void assertRecord(ConsumerRecord<byte[], byte[]> record, String device, long version, String update,
                                     String desired) {
        assertEquals(device, new String(record.key(), StandardCharsets.UTF_8));
        assertEquals(Long.toString(version), header(record, "iothub.twin.version"));
        assertEquals(update, header(record, "iothub.twin.update"));
        assertEquals(device, header(record, "iothub.device.id"));
        assertEquals(json(desired), json(new String(record.value(), StandardCharsets.UTF_8)));
    }

    @Test
    void theExampleConfigTurnsDesiredChangesIntoRecordsKeyedByDevice() {
        hub.registerDevice("esp32-01", DEMO_KEY_1, DEMO_KEY_2);
        hub.registerDevice("esp32-02", DEMO_KEY_2, DEMO_KEY_1);
        hub.updateDesired("esp32-02", "{\"interval\":30}");
        Map<String, String> props = exampleConfig("azure-twin-source.json");
        String topic = props.get("kafka.topic");
        connect.createTopic(topic, 1);
        runConnector(props.get("name"), props, 1);
        // A first start has no offsets: each device's current desired document is the baseline.
        List<ConsumerRecord<byte[], byte[]>> records = awaitRecords(props.get("name"), topic, 2);
        ConsumerRecord<byte[], byte[]> first = records.stream()
            .filter(r -> "esp32-01".equals(header(r, "iothub.device.id"))).findFirst().orElseThrow();
        assertRecord(first, "esp32-01", 1, "full", "{}");
        ConsumerRecord<byte[], byte[]> second = records.stream()
            .filter(r -> "esp32-02".equals(header(r, "iothub.device.id"))).findFirst().orElseThrow();
        assertRecord(second, "esp32-02", 2, "full", "{\"interval\":30}");

        hub.updateDesired("esp32-01", "{\"interval\":5,\"led\":{\"color\":\"red\"}}");
        hub.updateDesired("esp32-01", "{\"interval\":null,\"led\":{\"blink\":true}}");
        records = awaitRecords(props.get("name"), topic, 4);
        assertRecord(records.get(2), "esp32-01", 2, "patch", "{\"interval\":5,\"led\":{\"color\":\"red\"}}");
        assertRecord(records.get(3), "esp32-01", 3, "patch", "{\"interval\":null,\"led\":{\"blink\":true}}");
    }

    @Test
    void aStoppedConnectorNeitherSkipsNorRepeatsChangesWhenItResumes() throws InterruptedException {
        String name = "source-restart";
        Map<String, String> props = sourceProps(name, "sr-1", "sr-2");
        runConnector(name, props, 1);
        awaitRecords(name, name, 2);
        hub.updateDesired("sr-1", "{\"a\":1}");
        awaitRecords(name, name, 3);

        connect.embedded().stopConnector(name);
        connect.embedded().assertions().assertConnectorIsStopped(name, "the connector stopped");
        hub.updateDesired("sr-1", "{\"b\":2}");
        hub.updateDesired("sr-1", "{\"a\":null}");
        connect.embedded().resumeConnector(name);
        awaitRunning(name, 1);

        List<ConsumerRecord<byte[], byte[]>> records = awaitRecords(name, name, 4);
        assertRecord(records.get(3), "sr-1", 4, "full", "{\"b\":2}");
        hub.updateDesired("sr-1", "{\"c\":3}");
        records = awaitRecords(name, name, 5);
        assertRecord(records.get(4), "sr-1", 5, "patch", "{\"c\":3}");
    }

    @Test
    void changesMadeWhileTheHubWasDownArriveAfterTheReconnect() {
        String name = "source-hub-restart";
        Map<String, String> props = sourceProps(name, "hr-1");
        runConnector(name, props, 1);
        awaitRecords(name, name, 1);
        hub.stop();
        hub.updateDesired("hr-1", "{\"while\":\"down\"}");
        hub.start();
        List<ConsumerRecord<byte[], byte[]>> records = awaitRecords(name, name, 2);
        assertRecord(records.get(1), "hr-1", 2, "full", "{\"while\":\"down\"}");
        hub.updateDesired("hr-1", "{\"after\":true}");
        records = awaitRecords(name, name, 3);
        assertRecord(records.get(2), "hr-1", 3, "patch", "{\"after\":true}");
    }

    @Test
    void aForgedKeyFailsTheTaskNamingTheCause() {
        String name = "source-forged";
        Map<String, String> props = sourceProps(name, "sf-1");
        props.put("iothub.device.keys", "sf-1=" + Base64.getEncoder().encodeToString(new byte[24]));
        putConnector(name, props);
        String trace = connect.awaitTaskFailed(name, 0, Duration.ofSeconds(60));
        assertTrue(trace.contains("IoT Hub refused device 'sf-1' as not authorized"), trace);
    }

    @Test
    void devicesAreSpreadOverTasks() {
        String name = "source-tasks";
        Map<String, String> props = sourceProps(name, "st-1", "st-2", "st-3");
        props.put("tasks.max", "2");
        runConnector(name, props, 2);
        List<ConsumerRecord<byte[], byte[]>> records = awaitRecords(name, name, 3);
        assertEquals(Set.of("st-1", "st-2", "st-3"), records.stream().map(r -> header(r, "iothub.device.id"))
            .collect(Collectors.toSet()));
    }
}
