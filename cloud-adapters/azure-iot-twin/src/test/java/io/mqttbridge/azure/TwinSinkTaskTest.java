package io.mqttbridge.azure;

import io.mqttbridge.testkit.connect.RecordingSinkTaskContext;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sink task's bookkeeping against fake device sessions whose answers the test gives. */
class TwinSinkTaskTest {
    private static final TopicPartition TP = new TopicPartition("state", 0);
    private static final String KEY = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());

    private final FakeDeviceSessions sessions = new FakeDeviceSessions();
    private final RecordingSinkTaskContext context = new RecordingSinkTaskContext();
    private TwinSinkTask task;
    private int nextOffset;

    @AfterEach
    void stop() {
        if (task != null) {
            task.stop();
        }
    }

    private void start(String... extra) {
        Map<String, String> props = new HashMap<>(Map.of("name", "sink", "topics", "state",
            "iothub.hostname", "hub.azure-devices.net", "iothub.auth.mode", "group.key", "iothub.group.key", KEY,
            "iothub.retry.backoff.ms", "10", "iothub.retry.backoff.max.ms", "20"));
        for (int i = 0; i < extra.length; i += 2) {
            props.put(extra[i], extra[i + 1]);
        }
        task = new TwinSinkTask(config -> sessions, System::nanoTime, 50);
        context.assignment.add(TP);
        task.initialize(context);
        task.start(props);
    }

    private void put(String device, String json) {
        task.put(List.of(new SinkRecord("state", 0, Schema.STRING_SCHEMA, device, null, parse(json), nextOffset++)));
    }

    @SuppressWarnings("unchecked")
    private static Object parse(String json) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readValue(json, Map.class);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Keeps the task working (as Connect's repeated put calls do) until the condition holds. */
    private void awaitTask(String what, Callable<Boolean> condition) {
        Awaitility.await(what).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5)).until(() -> {
            task.put(List.of());
            return condition.call();
        });
    }

    private List<FakeDeviceSessions.Request> awaitPending(int count) {
        awaitTask(count + " requests waiting for the hub", () -> sessions.pending().size() == count);
        return sessions.pending();
    }

    private long committable() {
        return task.preCommit(Map.of(TP, new OffsetAndMetadata(nextOffset))).get(TP).offset();
    }

    @Test
    void offsetsAdvanceOnlyPastRecordsTheHubAcknowledgedWhateverTheDeviceOrder() {
        start();
        put("d1", "{\"n\":0}");
        put("d2", "{\"n\":1}");
        put("d1", "{\"n\":2}");
        List<FakeDeviceSessions.Request> pending = awaitPending(2);
        assertEquals(0, committable());
        pending.stream().filter(r -> r.deviceId().equals("d2")).findFirst().orElseThrow().acknowledge();
        awaitTask("d2 done", () -> committable() == 0 && sessions.pending().size() == 1);
        pending.stream().filter(r -> r.deviceId().equals("d1")).findFirst().orElseThrow().acknowledge();
        FakeDeviceSessions.Request third = awaitPending(1).get(0);
        assertEquals("{\"n\":2}", third.body(), "d1's next record goes out only after its first was answered");
        assertEquals(2, committable());
        third.acknowledge();
        awaitTask("everything committable", () -> committable() == 3);
    }

    @Test
    void aDevicesRecordsGoOutOneAtATimeInOrder() {
        start();
        for (int i = 0; i < 5; i++) {
            put("d1", "{\"n\":" + i + "}");
        }
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            FakeDeviceSessions.Request request = awaitPending(1).get(0);
            sent.add(request.body());
            request.acknowledge();
        }
        assertEquals(List.of("{\"n\":0}", "{\"n\":1}", "{\"n\":2}", "{\"n\":3}", "{\"n\":4}"), sent);
        awaitTask("all committable", () -> committable() == 5);
    }

    @Test
    void rejectedPatchesAreDeadLetteredWithTheHubsStatusAndThrottledOnesRetried() {
        start();
        put("d1", "{\"big\":1}");
        awaitPending(1).get(0).answer(413, "too large");
        awaitTask("the DLQ", () -> context.reported.size() == 1);
        assertTrue(context.reported.get(0).error().getMessage()
            .contains("IoT Hub answered 413 to the reported patch of device 'd1': too large (errorCode 413001)"));

        put("d1", "{\"n\":1}");
        awaitPending(1).get(0).answer(429, "throttled");
        awaitPending(1).get(0).answer(503, "busy");
        FakeDeviceSessions.Request third = awaitPending(1).get(0);
        assertEquals("{\"n\":1}", third.body(), "the same record, sent again");
        third.acknowledge();
        awaitTask("committed", () -> committable() == 2);
        assertEquals(1, context.reported.size(), "throttling is no reason to dead-letter");
    }

    @Test
    void aRequestWithoutAnswerClosesTheSessionAndIsSentAgainOnANewOne() {
        start("iothub.request.timeout.ms", "1000");
        put("d1", "{\"n\":0}");
        FakeDeviceSessions.Request first = awaitPending(1).get(0);
        awaitTask("the retry on a new session", () -> sessions.requests.size() == 2);
        assertTrue(first.session().isClosed, "the old session is closed, so it cannot deliver late");
        FakeDeviceSessions.Request second = sessions.requests.get(1);
        assertFalse(second.session() == first.session());
        second.acknowledge();
        awaitTask("committed", () -> committable() == 1);
    }

    @Test
    void telemetryFollowsTheReportedPatchAndBothMustBeAcknowledged() {
        start("iothub.sink.targets", "reported,telemetry");
        put("d1", "{\"t\":20}");
        FakeDeviceSessions.Request reported = awaitPending(1).get(0);
        assertEquals("reported", reported.kind());
        reported.acknowledge();
        FakeDeviceSessions.Request telemetry = awaitPending(1).get(0);
        assertEquals("telemetry", telemetry.kind());
        assertEquals(0, committable());
        telemetry.acknowledge();
        awaitTask("committed", () -> committable() == 1);
    }

    @Test
    void thePoolNeverHoldsMoreSessionsThanItsBound() {
        start("iothub.pool.max.clients", "2");
        for (int i = 0; i < 6; i++) {
            put("dev-" + i, "{\"n\":" + i + "}");
        }
        for (int answered = 0; answered < 6; answered++) {
            awaitTask("a request", () -> !sessions.pending().isEmpty());
            sessions.pending().get(0).acknowledge();
        }
        awaitTask("all committed", () -> committable() == 6);
        assertEquals(6, sessions.opened.get());
        assertTrue(sessions.peakOpen.get() <= 2, "peak " + sessions.peakOpen.get());
    }

    @Test
    void aRefusedDeviceFailsTheTaskNamingIt() {
        start();
        sessions.refused.put("bad", true);
        ConnectException e = assertThrows(ConnectException.class, () -> {
            put("bad", "{\"n\":0}");
            awaitTask("the failure", () -> false);
        });
        assertTrue(e.getMessage().contains("IoT Hub refused device 'bad' as not authorized"), e.getMessage());
        assertEquals(0, committable());
    }

    @Test
    void recordsWithoutADeviceIdAreDeadLetteredAndTombstonesSkipped() {
        start();
        task.put(List.of(new SinkRecord("state", 0, null, null, null, Map.of("n", 1), nextOffset++),
            new SinkRecord("state", 0, null, "d1", null, null, nextOffset++)));
        assertEquals(1, context.reported.size());
        assertTrue(context.reported.get(0).error().getMessage().contains("${key} has no value"));
        assertEquals(2, committable());
        assertTrue(sessions.requests.isEmpty());
    }
}
