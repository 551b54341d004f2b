package io.mqttbridge.sink;

import io.mqttbridge.testkit.connect.RecordingSinkTaskContext;
import io.mqttbridge.core.transport.BrokerLimits;
import io.mqttbridge.core.transport.MqttPublishRejectedException;
import io.mqttbridge.core.transport.MqttTransportException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MqttSinkTaskTest {
    private static final TopicPartition P0 = new TopicPartition("cmds", 0);
    private static final TopicPartition P1 = new TopicPartition("cmds", 1);

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final RecordingSinkTaskContext context = new RecordingSinkTaskContext();
    private FakePublisher publisher;
    private MqttSinkTask task;

    private void start(Map<String, String> extra) {
        Map<String, String> props = new HashMap<>(Map.of(
            "name", "unit-sink",
            "mqtt.server.uris", "tcp://localhost:1",
            "mqtt.topic", "out/${kafka.partition}/${key}",
            "payload.format", "string"));
        props.putAll(extra);
        task = new MqttSinkTask((settings, listener) -> publisher = new FakePublisher(settings, listener),
            clock::get, 0);
        task.initialize(context);
        context.assignment.addAll(List.of(P0, P1));
        task.start(props);
    }

    @AfterEach
    void stop() {
        if (task != null) {
            task.stop();
        }
    }

    private static SinkRecord record(int partition, long offset, String key, Object value) {
        return new SinkRecord("cmds", partition, null, key, null, value, offset);
    }

    private static List<SinkRecord> records(int partition, long from, int count) {
        List<SinkRecord> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(record(partition, from + i, "k" + (from + i), "v" + (from + i)));
        }
        return list;
    }

    private Map<TopicPartition, OffsetAndMetadata> commit(long p0, long p1) {
        return task.preCommit(Map.of(P0, new OffsetAndMetadata(p0), P1, new OffsetAndMetadata(p1)));
    }

    private static final BrokerLimits QOS1_ONLY =
        BrokerLimits.UNANNOUNCED.withMaximumQos(1, "PUBACK answering a QoS 2 PUBLISH");

    @Test
    void aBrokerBelowTheConfiguredQosFailsTheTaskByDefaultWithoutLosingTheRecord() {
        start(Map.of("mqtt.qos", "2"));
        publisher.limits = QOS1_ONLY;
        ConnectException e = assertThrows(ConnectException.class, () -> task.put(records(0, 0, 2)));
        assertTrue(e.getMessage().contains("the broker supports at most QoS 1 (PUBACK answering a QoS 2 PUBLISH)"),
            e.getMessage());
        assertTrue(e.getMessage().contains("mqtt.qos.downgrade=accept"), e.getMessage());
        assertTrue(publisher.publishes.isEmpty(), "nothing goes out at a QoS that was not asked for");
        assertEquals(0, commit(2, 0).get(P0).offset(), "the refused record's offset is not committed");
        assertThrows(ConnectException.class, () -> task.put(List.of()), "the task stays failed");
    }

    @Test
    void withDowngradeAcceptPublishesGoOutAtTheBrokersQos() {
        start(Map.of("mqtt.qos", "2", "mqtt.qos.downgrade", "accept"));
        task.put(records(0, 0, 1));
        publisher.limits = QOS1_ONLY;
        task.put(records(0, 1, 2));
        assertEquals(List.of(2, 1, 1), publisher.publishes.stream().map(p -> p.message().qos()).toList());
        publisher.outstanding().forEach(p -> p.future().complete(null));
        assertEquals(3, commit(3, 0).get(P0).offset());
    }

    @Test
    void offsetsAdvanceOnlyPastConfirmedPublishes() {
        start(Map.of());
        task.put(records(0, 0, 3));
        task.put(records(1, 10, 1));
        assertEquals(List.of("out/0/k0", "out/0/k1", "out/0/k2", "out/1/k10"), publisher.topics());

        Map<TopicPartition, OffsetAndMetadata> nothing = commit(3, 11);
        assertEquals(0, nothing.get(P0).offset());
        assertEquals(10, nothing.get(P1).offset());

        publisher.publishes.get(1).future().complete(null);
        publisher.publishes.get(3).future().complete(null);
        Map<TopicPartition, OffsetAndMetadata> partial = commit(3, 11);
        assertEquals(0, partial.get(P0).offset(), "record 0 is unconfirmed, so nothing of P0 commits");
        assertEquals(11, partial.get(P1).offset());

        publisher.publishes.get(0).future().complete(null);
        assertEquals(2, commit(3, 11).get(P0).offset());
        publisher.publishes.get(2).future().complete(null);
        assertEquals(3, commit(3, 11).get(P0).offset());
    }

    @Test
    void theWindowBoundsWhatIsInFlightAndFullWindowsPauseConsumption() {
        start(Map.of());
        publisher.window = 2;
        task.put(records(0, 0, 5));
        assertEquals(2, publisher.publishes.size());
        assertEquals(Set.of(P0, P1), context.paused);
        assertEquals(MqttSinkTask.PAUSED_POLL_MS, context.timeout);

        publisher.outstanding().forEach(p -> p.future().complete(null));
        task.put(List.of());
        assertEquals(4, publisher.publishes.size());
        publisher.outstanding().forEach(p -> p.future().complete(null));
        task.put(List.of());
        publisher.outstanding().forEach(p -> p.future().complete(null));
        task.put(List.of());
        assertEquals(5, publisher.publishes.size());
        assertTrue(context.paused.isEmpty(), "consumption resumes once everything is published");
        assertEquals(5, commit(5, 0).get(P0).offset());
    }

    @Test
    void publishesWithAnUnknownOutcomeArePublishedAgainAfterReconnectInOrder() {
        start(Map.of());
        clock.addAndGet(MqttSinkTask.EARLY_LOSS.toNanos() * 2); // an outage, not a broker refusing the burst
        task.put(records(0, 0, 3));
        publisher.connected = false;
        publisher.listener.connectionLost(new RuntimeException("broker gone"));
        publisher.publishes.get(2).future().completeExceptionally(new MqttTransportException("connection lost"));
        publisher.publishes.get(0).future().completeExceptionally(new MqttTransportException("connection lost"));
        publisher.publishes.get(1).future().complete(null);
        task.put(records(0, 3, 1));
        assertEquals(3, publisher.publishes.size(), "nothing is published while disconnected");
        assertEquals(0, commit(4, 0).get(P0).offset());

        publisher.connected = true;
        publisher.listener.reconnected(false);
        clock.addAndGet(TimeUnit.SECONDS.toNanos(1));
        task.put(List.of());
        assertEquals(List.of("out/0/k0", "out/0/k1", "out/0/k2", "out/0/k0", "out/0/k2", "out/0/k3"),
            publisher.topics(), "retries first, in offset order, then what was queued");
        publisher.outstanding().forEach(p -> p.future().complete(null));
        assertEquals(4, commit(4, 0).get(P0).offset());
    }

    @Test
    void aBrokerThatDropsTheConnectionRightAfterABurstGetsASmallerWindow() {
        start(Map.of());
        task.put(records(0, 0, 40));
        assertEquals(40, publisher.publishes.size());
        publisher.connected = false;
        publisher.outstanding().forEach(p -> p.future().completeExceptionally(new MqttTransportException("reset")));
        publisher.listener.connectionLost(new RuntimeException("connection reset"));
        task.put(List.of());
        publisher.connected = true;
        publisher.listener.reconnected(false);
        clock.addAndGet(TimeUnit.SECONDS.toNanos(1));
        task.put(List.of());
        assertEquals(40 + 20, publisher.publishes.size(), "half of what the broker refused to hold in flight");
        publisher.outstanding().forEach(p -> p.future().complete(null));
        task.put(List.of());
        publisher.outstanding().forEach(p -> p.future().complete(null));
        assertEquals(40, commit(40, 0).get(P0).offset());
    }

    @Test
    void aConnectionLostAfterLongUptimeKeepsTheWindow() {
        start(Map.of());
        clock.addAndGet(MqttSinkTask.EARLY_LOSS.toNanos() * 2);
        task.put(records(0, 0, 40));
        publisher.connected = false;
        publisher.outstanding().forEach(p -> p.future().completeExceptionally(new MqttTransportException("reset")));
        publisher.listener.connectionLost(new RuntimeException("network outage"));
        task.put(List.of());
        publisher.connected = true;
        publisher.listener.reconnected(false);
        clock.addAndGet(TimeUnit.SECONDS.toNanos(1));
        task.put(List.of());
        assertEquals(80, publisher.publishes.size());
    }

    @Test
    void refusedPublishesAndUnroutableRecordsGoToTheErrantRecordReporterAndTheRestFlows() {
        start(Map.of());
        task.put(List.of(record(0, 0, "ok", "a"), record(0, 1, null, "no key"), record(0, 2, "bad+", "b"),
            record(0, 3, "ok2", "c")));
        assertEquals(List.of("out/0/ok", "out/0/ok2"), publisher.topics());
        publisher.publishes.get(0).future().completeExceptionally(
            new MqttPublishRejectedException("refused: not authorized", 0x87, null));
        publisher.publishes.get(1).future().complete(null);
        assertEquals(4, commit(4, 0).get(P0).offset());

        assertEquals(3, context.reported.size());
        assertTrue(context.reported.get(0).error().getMessage().contains("${key} has no value"));
        assertTrue(context.reported.get(1).error().getMessage().contains("wildcard '+'"));
        assertTrue(context.reported.get(2).error().getMessage().contains("not authorized"));
        assertEquals(0, context.reported.get(2).record().kafkaOffset());
    }

    @Test
    void withoutAReporterAnUnpublishableRecordFailsTheTaskNamingIt() {
        context.withReporter = false;
        start(Map.of());
        ConnectException e = assertThrows(ConnectException.class,
            () -> task.put(List.of(record(0, 7, null, "x"))));
        assertTrue(e.getMessage().contains("cmds-0@7"), e.getMessage());
        assertTrue(e.getMessage().contains("${key} has no value"), e.getMessage());
    }

    @Test
    void tombstonesAreSkippedAndCommitted() {
        start(Map.of());
        task.put(List.of(record(0, 0, "k", null)));
        assertTrue(publisher.publishes.isEmpty());
        assertEquals(1, commit(1, 0).get(P0).offset());
    }

    @Test
    void theTaskFailsOnceTheRetryTimeoutPassesWhileTheBrokerIsDown() {
        start(Map.of("mqtt.retry.timeout.ms", "5000"));
        task.put(records(0, 0, 1));
        publisher.connected = false;
        publisher.listener.connectionLost(new RuntimeException("down"));
        publisher.publishes.get(0).future().completeExceptionally(new MqttTransportException("connection lost"));
        clock.addAndGet(TimeUnit.SECONDS.toNanos(4));
        task.put(List.of());
        clock.addAndGet(TimeUnit.SECONDS.toNanos(2));
        ConnectException e = assertThrows(ConnectException.class, () -> task.put(List.of()));
        assertTrue(e.getMessage().contains("could not publish for more than 5000 ms (mqtt.retry.timeout.ms)"),
            e.getMessage());
        assertTrue(e.getMessage().contains("1 records are unconfirmed"), e.getMessage());
        assertEquals(0, commit(1, 0).get(P0).offset());
    }

    @Test
    void anOutageWhileNothingWaitsDoesNotCountAgainstRecordsPutLater() {
        start(Map.of("mqtt.retry.timeout.ms", "5000"));
        publisher.connected = false;
        publisher.listener.connectionLost(new RuntimeException("down"));
        clock.addAndGet(TimeUnit.MINUTES.toNanos(10));
        task.put(records(0, 0, 1));
        clock.addAndGet(TimeUnit.SECONDS.toNanos(4));
        task.put(List.of());
        clock.addAndGet(TimeUnit.SECONDS.toNanos(2));
        assertThrows(ConnectException.class, () -> task.put(List.of()));
    }

    @Test
    void byDefaultTheTaskRetriesForever() {
        start(Map.of());
        task.put(records(0, 0, 1));
        publisher.connected = false;
        publisher.listener.connectionLost(new RuntimeException("down"));
        publisher.publishes.get(0).future().completeExceptionally(new MqttTransportException("connection lost"));
        clock.addAndGet(TimeUnit.DAYS.toNanos(2));
        task.put(List.of());
        assertFalse(context.paused.isEmpty());
        assertEquals(0, commit(1, 0).get(P0).offset());
    }

    @Test
    void closedPartitionsAreDroppedAndLateConfirmationsIgnored() {
        start(Map.of());
        publisher.window = 1;
        task.put(records(0, 0, 3));
        task.close(List.of(P0));
        publisher.publishes.get(0).future().complete(null);
        task.put(List.of());
        assertEquals(1, publisher.publishes.size(), "queued records of a closed partition are not published");
        assertTrue(context.paused.isEmpty(), "nothing is left to wait for");
    }

    @Test
    void clientIdsAreDerivedPerTask() {
        start(Map.of("task.id", "3"));
        assertEquals("unit-sink-3", publisher.settings.clientId());
        assertTrue(publisher.settings.cleanSession(), "the sink's session ends with its connection");
    }
}
