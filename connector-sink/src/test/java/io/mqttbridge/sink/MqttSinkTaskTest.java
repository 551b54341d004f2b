package io.mqttbridge.sink;

import io.mqttbridge.testkit.connect.RecordingSinkTaskContext;
import io.mqttbridge.core.transport.BrokerLimits;
import io.mqttbridge.core.transport.MqttPublishRejectedException;
import io.mqttbridge.core.transport.MqttTransportException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.mqttbridge.sink.PublishWindow.PROBATION;
import static io.mqttbridge.sink.PublishWindow.PROBATION_MAX;
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
    /** Kafka's metrics registry behind the task's plugin metrics, for tests that start with metrics. */
    private Metrics metrics;

    private void start(Map<String, String> extra) {
        start(extra, context);
    }

    /** Starts the task with Kafka's own plugin metrics, as a worker provides them. */
    private void startWithMetrics(Map<String, String> extra) {
        metrics = new Metrics();
        PluginMetrics pluginMetrics = new PluginMetricsImpl(metrics, Map.of("connector", "unit-sink", "task", "0"));
        start(extra, new MeteredContext(context, pluginMetrics));
    }

    private void start(Map<String, String> extra, SinkTaskContext taskContext) {
        Map<String, String> props = new HashMap<>(Map.of(
            "name", "unit-sink",
            "mqtt.server.uris", "tcp://localhost:1",
            "mqtt.topic", "out/${kafka.partition}/${key}",
            "payload.format", "string"));
        props.putAll(extra);
        task = new MqttSinkTask((settings, listener) -> publisher = new FakePublisher(settings, listener),
            clock::get, 0);
        task.initialize(taskContext);
        context.assignment.addAll(List.of(P0, P1));
        task.start(props);
    }

    @AfterEach
    void stop() {
        if (task != null) {
            task.stop();
        }
        if (metrics != null) {
            metrics.close();
        }
    }

    private long metric(String name) {
        return metrics.metrics().entrySet().stream().filter(e -> e.getKey().name().equals(name))
            .map(e -> ((Number) e.getValue().metricValue()).longValue()).findFirst().orElseThrow();
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
        assertEquals(20, task.publishWindow());
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

    /**
     * The broker drops the connection at once, failing every publish in flight (as Mosquitto does with more QoS 2
     * publishes in flight than max_inflight_messages); the client reconnects, and a second later, when the failed
     * publishes' retry backoff has passed, the task publishes again.
     */
    private void brokerDropsTheConnection() {
        publisher.connected = false;
        publisher.outstanding().forEach(p -> p.future().completeExceptionally(new MqttTransportException("reset")));
        publisher.listener.connectionLost(new RuntimeException("connection reset"));
        task.put(List.of());
        publisher.connected = true;
        publisher.listener.reconnected(false);
        clock.addAndGet(TimeUnit.SECONDS.toNanos(1));
        task.put(List.of());
    }

    /** After {@code time}, the broker confirms everything in flight, and the task publishes what fits again. */
    private void confirmAllAfter(Duration time) {
        clock.addAndGet(time.toNanos());
        publisher.outstanding().forEach(p -> p.future().complete(null));
        task.put(List.of());
    }

    @Test
    void theWindowGrowsBackAfterAProbationOfFullUseWithoutLoss() {
        start(Map.of()); // at most the fake transport's window of 100
        task.put(records(0, 0, 40));
        brokerDropsTheConnection();
        assertEquals(20, publisher.outstanding().size());
        task.put(records(0, 40, 1000)); // a backlog keeps the window full

        confirmAllAfter(Duration.ZERO);
        confirmAllAfter(PROBATION.minusNanos(1));
        assertEquals(20, publisher.outstanding().size(), "the probation has not passed yet");
        confirmAllAfter(Duration.ofNanos(1));
        assertEquals(40, publisher.outstanding().size(), "doubled after a probation without loss");
        assertEquals(40, task.publishWindow());

        confirmAllAfter(PROBATION.minusNanos(1));
        assertEquals(40, publisher.outstanding().size(), "each size serves its own probation");
        confirmAllAfter(Duration.ofNanos(1));
        assertEquals(80, publisher.outstanding().size());
        confirmAllAfter(PROBATION);
        assertEquals(100, publisher.outstanding().size(), "back at the transport's window");
        confirmAllAfter(PROBATION_MAX);
        assertEquals(100, publisher.outstanding().size());
    }

    @Test
    void aLossAgainAtASizeThatFailedBeforeHalvesAgainAndDoublesTheNextProbation() {
        start(Map.of());
        task.put(records(0, 0, 40)); // the broker allows fewer than 40 in flight
        brokerDropsTheConnection();
        task.put(records(0, 40, 1000));
        confirmAllAfter(PROBATION);
        assertEquals(40, publisher.outstanding().size());

        clock.addAndGet(MqttSinkTask.EARLY_LOSS.toNanos() / 2); // long after connecting, soon after growing
        brokerDropsTheConnection();
        assertEquals(20, publisher.outstanding().size(), "halved again at the size that failed before");
        assertEquals(20, task.publishWindow());
        confirmAllAfter(PROBATION);
        confirmAllAfter(Duration.ZERO);
        assertEquals(20, publisher.outstanding().size(), "one probation is not enough any more");
        confirmAllAfter(PROBATION);
        assertEquals(40, publisher.outstanding().size(), "two are");

        brokerDropsTheConnection();
        confirmAllAfter(PROBATION.multipliedBy(4).minusNanos(1));
        assertEquals(20, publisher.outstanding().size(), "a third loss there: four probations");
        confirmAllAfter(Duration.ofNanos(1));
        assertEquals(40, publisher.outstanding().size());
    }

    @Test
    void theWindowNeverGrowsBeyondTheConfiguredMaximumAndItsMetricShowsTheWindowInForce() {
        startWithMetrics(Map.of("mqtt.max.inflight", "30")); // below the fake transport's window of 100
        task.put(records(0, 0, 1000));
        assertEquals(30, publisher.outstanding().size());
        assertEquals(30, metric("publish-window"));
        brokerDropsTheConnection();
        assertEquals(15, publisher.outstanding().size());
        assertEquals(15, metric("publish-window"));

        confirmAllAfter(PROBATION);
        assertEquals(30, publisher.outstanding().size(), "doubled, up to mqtt.max.inflight");
        for (int i = 0; i < 3; i++) {
            confirmAllAfter(PROBATION_MAX);
            assertEquals(30, publisher.outstanding().size(), "never above mqtt.max.inflight");
        }
        assertEquals(30, metric("publish-window"));

        publisher.window = 24; // as after reconnecting to an MQTT 5 broker with a receive maximum of 24
        confirmAllAfter(Duration.ZERO);
        assertEquals(24, publisher.outstanding().size());
        assertEquals(24, metric("publish-window"));
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

    /** The recording context with plugin metrics. */
    private record MeteredContext(RecordingSinkTaskContext recording, PluginMetrics pluginMetrics)
        implements SinkTaskContext {
        @Override
        public Map<String, String> configs() {
            return recording.configs();
        }

        @Override
        public void offset(Map<TopicPartition, Long> offsets) {
            recording.offset(offsets);
        }

        @Override
        public void offset(TopicPartition tp, long offset) {
            recording.offset(tp, offset);
        }

        @Override
        public void timeout(long timeoutMs) {
            recording.timeout(timeoutMs);
        }

        @Override
        public Set<TopicPartition> assignment() {
            return recording.assignment();
        }

        @Override
        public void pause(TopicPartition... partitions) {
            recording.pause(partitions);
        }

        @Override
        public void resume(TopicPartition... partitions) {
            recording.resume(partitions);
        }

        @Override
        public void requestCommit() {
            recording.requestCommit();
        }

        @Override
        public ErrantRecordReporter errantRecordReporter() {
            return recording.errantRecordReporter();
        }
    }

    @Test
    void clientIdsAreDerivedPerTask() {
        start(Map.of("task.id", "3"));
        assertEquals("unit-sink-3", publisher.settings.clientId());
        assertTrue(publisher.settings.cleanSession(), "the sink's session ends with its connection");
    }
}
