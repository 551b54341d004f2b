package io.mqttbridge.azure.integration;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The twin sink and the twin source serving the same devices on one worker: IoT Hub (and its emulator) keeps one
 * connection per device id and closes the older one when another connects, so the two must share each device's
 * connection rather than take it from each other.
 */
class TwinConnectorsShareDevicesIT extends TwinItBase {
    private static final List<String> DEVICES = List.of("line-1", "line-2", "line-3");
    private static final int READINGS = 20;

    @Test
    void bothDirectionsRunOverOneConnectionPerDeviceAndTheSinkKeepsItWhenTheSourceStops() {
        Map<String, String> sink = exampleConfig("azure-twin-sink.json");
        sink.put("name", "shared-sink");
        sink.put("topics", "shared.state");
        sink.put("errors.deadletterqueue.topic.name", "shared.state.dlq");
        connect.createTopic("shared.state", 1);
        Map<String, String> source = exampleConfig("azure-twin-source.json");
        source.put("name", "shared-source");
        source.put("kafka.topic", "shared.desired");
        source.put("iothub.auth.mode", "group.key");
        source.put("iothub.group.key", DEMO_GROUP_KEY);
        source.remove("iothub.device.keys");
        source.put("iothub.device.ids", String.join(",", DEVICES));
        connect.createTopic("shared.desired", 1);

        runConnector("shared-source", source, 1);
        runConnector("shared-sink", sink, 1);
        awaitDelivered("shared-source", "every device connected", () -> hub.connectedDevices().containsAll(DEVICES));
        produceReadings(0, READINGS);
        for (String device : DEVICES) {
            hub.updateDesired(device, "{\"interval_s\":15}");
        }

        awaitDelivered("shared-sink", "every reading reported", () -> lastReported(READINGS - 1));
        // Each device's baseline document at version 1 and its change at version 2.
        awaitDelivered("shared-source", "every desired change in Kafka", () -> desiredRecords().size()
            == 2 * DEVICES.size());
        assertEquals(DEVICES.size(), hub.peakConnectionCount(), "one connection per device at any time");
        long accepted = hub.acceptedConnectionCount();
        assertEquals(DEVICES.size(), accepted, "no connection taken over by the other connector");

        connect.deleteConnector("shared-source");
        produceReadings(READINGS, 2 * READINGS);
        awaitDelivered("shared-sink", "the readings after the source stopped reported",
            () -> lastReported(2 * READINGS - 1));
        assertEquals(accepted, hub.acceptedConnectionCount(),
            "the sink went on over the connections it shared with the stopped source");
        assertTrue(hub.connectedDevices().containsAll(DEVICES), "the sink's connections stay open");
    }

    private void produceReadings(int from, int to) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int seq = from; seq < to; seq++) {
            for (String device : DEVICES) {
                records.add(record("shared.state", device, "{\"seq\":" + seq + "}"));
            }
        }
        produceAll(records);
    }

    private boolean lastReported(int seq) {
        return DEVICES.stream().allMatch(d -> hub.deviceIds().contains(d) && hub.reported(d).path("seq").asInt(-1)
            == seq && hub.reportedPatches(d).size() >= seq + 1);
    }

    private List<ConsumerRecord<byte[], byte[]>> desiredRecords() {
        return connect.consumeUntilQuiet("shared.desired", Duration.ofMillis(300), Duration.ofSeconds(5));
    }
}
