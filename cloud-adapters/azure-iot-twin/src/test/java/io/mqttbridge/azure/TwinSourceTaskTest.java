package io.mqttbridge.azure;

import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The source task's version logic against fake device sessions whose answers and patches the test gives. */
class TwinSourceTaskTest {
    private static final String KEY = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());
    private static final String HUB = "hub.azure-devices.net";

    private final FakeDeviceSessions sessions = new FakeDeviceSessions();
    private final Map<Map<String, ?>, Map<String, Object>> storedOffsets = new HashMap<>();
    private final List<SourceRecord> records = new ArrayList<>();
    private TwinSourceTask task;

    @AfterEach
    void stop() {
        if (task != null) {
            task.stop();
        }
    }

    private void start(String devices) {
        task = new TwinSourceTask(config -> sessions);
        task.initialize(new SourceTaskContext() {
            @Override
            public Map<String, String> configs() {
                return Map.of();
            }

            @Override
            public OffsetStorageReader offsetStorageReader() {
                return new OffsetStorageReader() {
                    @Override
                    public <T> Map<String, Object> offset(Map<String, T> partition) {
                        return storedOffsets.get(partition);
                    }

                    @Override
                    public <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> partitions) {
                        Map<Map<String, T>, Map<String, Object>> result = new HashMap<>();
                        partitions.forEach(p -> result.put(p, storedOffsets.get(p)));
                        return result;
                    }
                };
            }

            @Override
            public org.apache.kafka.common.metrics.PluginMetrics pluginMetrics() {
                return null;
            }
        });
        task.start(Map.of("name", "source", "iothub.hostname", HUB, "iothub.auth.mode", "group.key",
            "iothub.group.key", KEY, "iothub.device.ids", devices, "kafka.topic", "desired.${device.id}",
            "iothub.retry.backoff.ms", "10"));
    }

    private FakeDeviceSessions.Request awaitGet(String device) {
        return Awaitility.await("a GET of " + device).atMost(Duration.ofSeconds(10)).until(() -> sessions.pending()
            .stream().filter(r -> r.deviceId().equals(device) && r.kind().equals("get")).findFirst().orElse(null),
            r -> r != null);
    }

    private List<SourceRecord> awaitRecords(int count) {
        Awaitility.await(count + " records").atMost(Duration.ofSeconds(10)).until(() -> {
            List<SourceRecord> polled = task.poll();
            if (polled != null) {
                records.addAll(polled);
            }
            return records.size() >= count;
        });
        return records;
    }

    private static void assertRecord(SourceRecord record, String device, long version, String update, String value) {
        assertEquals(device, record.key());
        assertEquals("desired." + device, record.topic());
        assertEquals(version, record.headers().lastWithName("iothub.twin.version").value());
        assertEquals(update, record.headers().lastWithName("iothub.twin.update").value());
        assertEquals(value, record.value());
        assertEquals(Map.of("hub", HUB, "device", device), record.sourcePartition());
        assertEquals(Map.of("version", version), record.sourceOffset());
    }

    @Test
    void theTwinAfterConnectingThenEachPatchInOrder() {
        start("d1");
        awaitGet("d1").twin("{\"a\":1}", 3);
        assertRecord(awaitRecords(1).get(0), "d1", 3, "full", "{\"a\":1}");
        sessions.listeners.get("d1").desiredChanged("d1", 4, "{\"b\":2}");
        sessions.listeners.get("d1").desiredChanged("d1", 4, "{\"b\":2}");
        sessions.listeners.get("d1").desiredChanged("d1", 5, "{\"a\":null}");
        List<SourceRecord> all = awaitRecords(3);
        assertRecord(all.get(1), "d1", 4, "patch", "{\"b\":2}");
        assertRecord(all.get(2), "d1", 5, "patch", "{\"a\":null}");
    }

    @Test
    void aStoredVersionIsNotRepeatedAndAGapIsFilledByAGet() throws InterruptedException {
        storedOffsets.put(Map.of("hub", HUB, "device", "d1"), Map.of("version", 7L));
        start("d1");
        awaitGet("d1").twin("{\"a\":1}", 7);
        sessions.listeners.get("d1").desiredChanged("d1", 9, "{\"c\":3}");
        awaitGet("d1").twin("{\"a\":1,\"b\":2,\"c\":3}", 9);
        assertRecord(awaitRecords(1).get(0), "d1", 9, "full", "{\"a\":1,\"b\":2,\"c\":3}");
        assertEquals(1, records.size());
        assertEquals(null, task.poll(), "version 7 was not emitted again, nor 9 twice");
    }

    @Test
    void aReconnectFetchesTheTwinAgain() {
        start("d1");
        awaitGet("d1").twin("{}", 1);
        awaitRecords(1);
        sessions.listeners.get("d1").reconnected("d1");
        awaitGet("d1").twin("{\"while\":\"away\"}", 2);
        assertRecord(awaitRecords(2).get(1), "d1", 2, "full", "{\"while\":\"away\"}");
    }
}
