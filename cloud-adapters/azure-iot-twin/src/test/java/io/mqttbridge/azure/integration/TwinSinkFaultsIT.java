package io.mqttbridge.azure.integration;

import com.fasterxml.jackson.databind.JsonNode;
import io.mqttbridge.testkit.azure.ReportedPatch;
import io.mqttbridge.testkit.azure.SasToken;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The twin sink against a refusing, restarting and crowded hub. */
class TwinSinkFaultsIT extends TwinItBase {

    private Map<String, String> sinkProps(String topic) {
        Map<String, String> props = exampleConfig("azure-twin-sink.json");
        props.put("name", topic);
        props.put("topics", topic);
        props.put("errors.deadletterqueue.topic.name", topic + ".dlq");
        connect.createTopic(topic, 1);
        return props;
    }

    @Test
    void aForgedKeyFailsTheTaskNamingTheDeviceAndTheCause() {
        String topic = "forged";
        hub.registerDevice("forged-1");
        Map<String, String> props = sinkProps(topic);
        props.put("iothub.auth.mode", "device.key");
        props.put("iothub.device.keys", "forged-1=" + Base64.getEncoder().encodeToString(new byte[32]));
        putConnector(topic, props);
        produce(topic, "forged-1", "{\"a\":1}");
        String trace = connect.awaitTaskFailed(topic, 0, Duration.ofSeconds(60));
        assertTrue(trace.contains("IoT Hub refused device 'forged-1' as not authorized")
            && trace.contains("its key in iothub.device.keys is neither key the hub holds for the device"), trace);
        assertTrue(hub.authFailures().stream().anyMatch(f -> f.clientId().equals("forged-1")
            && f.reason().contains("matches neither key")), "the hub saw a forged signature: " + hub.authFailures());
        assertEquals(-1, committedOffset(topic, topic), "nothing was committed");
    }

    @Test
    void anExpiredSasTokenFailsTheTaskNamingTheExpiry() {
        String topic = "expired";
        String key = hub.registerDevice("expired-1");
        Instant expiry = Instant.now().minusSeconds(120);
        String token = SasToken.create(SasToken.deviceResource(hub.hostName(), "expired-1"), key, expiry);
        Map<String, String> props = sinkProps(topic);
        props.put("iothub.auth.mode", "connection.string");
        props.put("iothub.device.connection.strings", "HostName=" + hub.hostName()
            + ";DeviceId=expired-1;SharedAccessSignature=" + token);
        putConnector(topic, props);
        produce(topic, "expired-1", "{\"a\":1}");
        String trace = connect.awaitTaskFailed(topic, 0, Duration.ofSeconds(60));
        assertTrue(trace.contains("expired-1") && trace.contains("expired at " + Instant.ofEpochSecond(
            expiry.getEpochSecond())), trace);
        assertTrue(!trace.contains("sig="), "no signature in the trace");
    }

    @Test
    void anEmulatorRestartMidStreamLosesNothing() {
        String topic = "restart";
        Map<String, String> props = sinkProps(topic);
        props.put("iothub.request.timeout.ms", "5000");
        props.put("iothub.retry.backoff.ms", "100");
        props.put("iothub.retry.backoff.max.ms", "1000");
        int devices = 10;
        int count = 400;
        long connectionsBefore = hub.acceptedConnectionCount();
        produceAll(sequence(topic, 0, count / 2, devices));
        runConnector(topic, props, 1);
        awaitDelivered(topic, "a first part", () -> applied("rs-", devices).size() >= 50);
        hub.stop();
        produceAll(sequence(topic, count / 2, count / 2, devices));
        hub.start();

        awaitDelivered(topic, "every record despite the restart", () -> applied("rs-", devices).size() == count);
        for (int d = 0; d < devices; d++) {
            String device = String.format("rs-%02d", d);
            List<ReportedPatch> patches = hub.reportedPatches(device);
            long last = patches.get(patches.size() - 1).patch().get("seq").asLong();
            assertEquals(count - devices + d, last, device + "'s last patch is its last record");
            assertEquals(last, hub.reported(device).get("seq").asLong());
        }
        awaitCommittedOffset(topic, topic, count);
        assertTrue(hub.acceptedConnectionCount() - connectionsBefore >= 2L * devices,
            "every device connected, and again after the restart");
    }

    private static List<ProducerRecord<byte[], byte[]>> sequence(String topic, int from, int count, int devices) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int seq = from; seq < from + count; seq++) {
            records.add(record(topic, String.format("rs-%02d", seq % devices), "{\"seq\":" + seq + "}"));
        }
        return records;
    }

    /** The distinct sequence numbers the hub applied to the devices. */
    private Set<Long> applied(String prefix, int devices) {
        Set<Long> seqs = new TreeSet<>();
        for (int d = 0; d < devices; d++) {
            String device = String.format("%s%02d", prefix, d);
            if (hub.deviceIds().contains(device)) {
                for (ReportedPatch patch : hub.reportedPatches(device)) {
                    JsonNode seq = patch.patch().get("seq");
                    if (seq != null) {
                        seqs.add(seq.asLong());
                    }
                }
            }
        }
        return seqs;
    }

    @Test
    void aThousandDevicesGoThroughAPoolOfAHundredClients() {
        String topic = "thousand";
        Map<String, String> props = sinkProps(topic);
        props.put("iothub.pool.max.clients", "100");
        props.put("iothub.pool.open.concurrency", "32");
        int devices = 1_000;
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < devices; i++) {
            records.add(record(topic, String.format("k-%04d", i), "{\"n\":" + i + ",\"fw\":\"1.0." + i % 7 + "\"}"));
        }
        produceAll(records);
        long started = System.nanoTime();
        runConnector(topic, props, 1);
        awaitDelivered(topic, "all devices reported", () -> reportedCount("k-", devices) == devices);
        long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
        for (int i = 0; i < devices; i += 97) {
            assertEquals(i, hub.reported(String.format("k-%04d", i)).get("n").asInt());
        }
        assertTrue(hub.peakConnectionCount() <= 100, "at most 100 connections at once, was "
            + hub.peakConnectionCount());
        assertTrue(hub.acceptedConnectionCount() >= devices, "every device connected");
        awaitCommittedOffset(topic, topic, devices);
        System.out.printf("1000 devices through 100 clients: %d s, peak %d connections%n", seconds,
            hub.peakConnectionCount());
    }

    private int reportedCount(String prefix, int devices) {
        Set<String> known = hub.deviceIds();
        int count = 0;
        for (int i = 0; i < devices; i++) {
            String device = String.format("%s%04d", prefix, i);
            if (known.contains(device) && hub.reportedVersion(device) > 1) {
                count++;
            }
        }
        return count;
    }
}
