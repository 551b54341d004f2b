package io.mqttbridge.source;

import io.mqttbridge.core.MqttHeaders;
import io.mqttbridge.core.config.MqttConnectionConfig;
import io.mqttbridge.core.transport.InboundMessage;
import io.mqttbridge.core.transport.MqttProperties;
import io.mqttbridge.core.transport.MqttTransportException;
import io.mqttbridge.core.transport.Subscription;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MqttSourceTaskTest {

    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

    private final AtomicReference<FakeTransport> transport = new AtomicReference<>();
    private final MqttSourceTask task = new MqttSourceTask((settings, listener) -> {
        FakeTransport fake = new FakeTransport(settings, listener);
        transport.set(fake);
        return fake;
    }, Clock.fixed(NOW, ZoneOffset.UTC));

    @AfterEach
    void stop() {
        task.stop();
    }

    private static Map<String, String> taskProps(String... kv) {
        Map<String, String> props = MqttSourceConnectorTest.props(MqttSourceConfig.TASK_ID_CONFIG, "0",
            MqttConnectionConfig.CLIENT_ID_CONFIG, "plant-source-0", MqttSourceConfig.KAFKA_TOPIC_CONFIG,
            "plant.telemetry", MqttSourceConfig.PAYLOAD_FORMAT_CONFIG, "json");
        for (int i = 0; i < kv.length; i += 2) {
            props.put(kv[i], kv[i + 1]);
        }
        return props;
    }

    private static InboundMessage message(int id, String payload) {
        return new InboundMessage("plant/p" + id + "/telemetry", payload.getBytes(StandardCharsets.UTF_8), 1, false,
            false, id, 1, MqttProperties.EMPTY);
    }

    private List<SourceRecord> pollUntil(int count) {
        List<SourceRecord> records = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            List<SourceRecord> batch = task.poll();
            if (batch != null) {
                records.addAll(batch);
            }
            return records.size() >= count;
        });
        return records;
    }

    @Test
    void startConnectsAndSubscribesTheTaskFiltersWithItsClientId() {
        task.start(taskProps(MqttSourceConfig.TOPICS_CONFIG, "$share/g/a/+,b/#", MqttSourceConfig.QOS_CONFIG, "2",
            MqttConnectionConfig.MAX_INFLIGHT_CONFIG, "50"));
        FakeTransport fake = transport.get();
        assertEquals("plant-source-0", fake.settings.clientId());
        assertEquals(50, fake.settings.maxInflight());
        await().atMost(Duration.ofSeconds(10)).until(() -> fake.subscriptions.size() == 2);
        assertEquals(List.of(new Subscription("$share/g/a/+", 2), new Subscription("b/#", 2)), fake.subscriptions);
    }

    /**
     * A resumed persistent session: the broker sends queued messages before it answers SUBSCRIBE, more than the
     * in-flight window holds. start() must return without waiting for SUBACK so poll() can drain them.
     */
    @Test
    void aResumedSessionFloodingBeforeSubackDoesNotDeadlockStart() {
        CountDownLatch suback = new CountDownLatch(1);
        MqttSourceTask resuming = new MqttSourceTask((settings, listener) -> {
            FakeTransport fake = new FakeTransport(settings, listener);
            fake.subscribeGate = suback;
            transport.set(fake);
            return fake;
        }, Clock.systemUTC());
        try {
            resuming.start(taskProps(MqttConnectionConfig.MAX_INFLIGHT_CONFIG, "2"));
            FakeTransport fake = transport.get();
            Thread callback = fake.deliverAsync(message(1, "{}"), message(2, "{}"), message(3, "{}"),
                message(4, "{}"));
            List<SourceRecord> records = new ArrayList<>();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                List<SourceRecord> batch = resuming.poll();
                if (batch != null) {
                    batch.forEach(r -> resuming.commitRecord(r, null));
                    records.addAll(batch);
                }
                return records.size() == 4;
            });
            assertEquals(List.of(1, 2, 3, 4), fake.ackedIds);
            assertTrue(fake.subscriptions.isEmpty(), "all of it flowed while SUBACK was still outstanding");
            await().atMost(Duration.ofSeconds(10)).until(() -> !callback.isAlive());
            suback.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> fake.subscriptions.size() == 1);
        } finally {
            suback.countDown();
            resuming.stop();
        }
    }

    @Test
    void aRefusedSubscriptionFailsTheTaskOnPollNamingTheFilter() {
        MqttSourceTask refused = new MqttSourceTask((settings, listener) -> {
            FakeTransport fake = new FakeTransport(settings, listener);
            fake.subscribeFailure = new MqttTransportException(
                "The broker refused the subscription to 'a/#': not authorized (reason code 0x87)");
            transport.set(fake);
            return fake;
        }, Clock.systemUTC());
        try {
            refused.start(taskProps(MqttSourceConfig.TOPICS_CONFIG, "a/#"));
            ConnectException e = await().atMost(Duration.ofSeconds(10)).ignoreExceptionsMatching(x -> false)
                .until(() -> {
                    try {
                        refused.poll();
                        return null;
                    } catch (ConnectException thrown) {
                        return thrown;
                    }
                }, x -> x != null);
            assertTrue(e.getMessage().contains("'a/#': not authorized (reason code 0x87)"), e.getMessage());
            assertTrue(e.getMessage().contains("plant-source-0"), e.getMessage());
        } finally {
            refused.stop();
        }
    }

    private MqttSourceTask grantingAtMostQos1() {
        return new MqttSourceTask((settings, listener) -> {
            FakeTransport fake = new FakeTransport(settings, listener);
            fake.maximumGrantedQos = 1;
            transport.set(fake);
            return fake;
        }, Clock.systemUTC());
    }

    @Test
    void aLowerGrantedQosFailsTheTaskByDefaultNamingTheBrokersLimit() {
        MqttSourceTask downgraded = grantingAtMostQos1();
        try {
            downgraded.start(taskProps(MqttSourceConfig.TOPICS_CONFIG, "a/#", MqttSourceConfig.QOS_CONFIG, "2"));
            ConnectException e = await().atMost(Duration.ofSeconds(10)).until(() -> {
                try {
                    downgraded.poll();
                    return null;
                } catch (ConnectException thrown) {
                    return thrown;
                }
            }, x -> x != null);
            assertTrue(e.getMessage().contains("the broker supports at most QoS 1 (SUBACK granted QoS) for 'a/#'"),
                e.getMessage());
            assertTrue(e.getMessage().contains("mqtt.qos.downgrade=accept"), e.getMessage());
        } finally {
            downgraded.stop();
        }
    }

    @Test
    void withDowngradeAcceptALowerGrantedQosKeepsTheTaskRunning() throws InterruptedException {
        MqttSourceTask downgraded = grantingAtMostQos1();
        try {
            downgraded.start(taskProps(MqttSourceConfig.TOPICS_CONFIG, "a/#", MqttSourceConfig.QOS_CONFIG, "2",
                MqttSourceConfig.QOS_DOWNGRADE_CONFIG, "accept"));
            FakeTransport fake = transport.get();
            await().atMost(Duration.ofSeconds(10)).until(() -> fake.subscriptions.size() == 1);
            fake.deliverAsync(message(1, "{}"));
            List<SourceRecord> records = new ArrayList<>();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                List<SourceRecord> batch = downgraded.poll();
                if (batch != null) {
                    records.addAll(batch);
                }
                return records.size() == 1;
            });
            assertEquals(1, records.size());
        } finally {
            downgraded.stop();
        }
    }

    @Test
    void aFailedFirstConnectFailsTheTaskNamingTheCause() {
        MqttSourceTask failing = new MqttSourceTask((settings, listener) -> {
            FakeTransport fake = new FakeTransport(settings, listener);
            fake.connectFailure = new MqttTransportException("Cannot connect to tcp://127.0.0.1:1883 as client "
                + "'plant-source-0': not authorized (CONNACK reason 0x87)");
            transport.set(fake);
            return fake;
        }, Clock.systemUTC());
        ConnectException e = assertThrows(ConnectException.class, () -> failing.start(taskProps()));
        assertTrue(e.getMessage().contains("not authorized (CONNACK reason 0x87)"), e.getMessage());
        assertTrue(e.getMessage().contains("tcp://127.0.0.1:1883"), e.getMessage());
        assertTrue(e.getMessage().contains("plant-source-0"), e.getMessage());
        assertTrue(transport.get().closed);
    }

    @Test
    void aTransportThatCannotBeBuiltFailsTheTaskNamingTheCause() {
        MqttSourceTask failing = new MqttSourceTask((settings, listener) -> {
            throw new IllegalArgumentException("truststore /etc/ca.pem holds no certificate");
        }, Clock.systemUTC());
        ConnectException e = assertThrows(ConnectException.class, () -> failing.start(taskProps()));
        assertTrue(e.getMessage().contains("truststore /etc/ca.pem holds no certificate"), e.getMessage());
        failing.stop();
    }

    @Test
    void anInvalidTaskConfigFailsFast() {
        ConnectException e = assertThrows(ConnectException.class,
            () -> task.start(taskProps(MqttSourceConfig.QOS_CONFIG, "5")));
        assertTrue(e.getMessage().contains(MqttSourceConfig.QOS_CONFIG), e.getMessage());
    }

    @Test
    void anIdlePollReturnsNull() throws InterruptedException {
        task.start(taskProps());
        assertNull(task.poll());
    }

    @Test
    void recordsAreAckedOnlyOnceStoredAndInArrivalOrder() {
        task.start(taskProps());
        FakeTransport fake = transport.get();
        fake.deliverAsync(message(1, "{\"t\":1}"), message(2, "{\"t\":2}"), message(3, "{\"t\":3}"));
        List<SourceRecord> records = pollUntil(3);
        assertEquals(3, records.size());
        assertEquals("plant.telemetry", records.get(0).topic());
        assertEquals(NOW.toEpochMilli(), records.get(0).timestamp());
        assertEquals("plant/p1/telemetry", records.get(0).headers().lastWithName(MqttHeaders.TOPIC).value());
        assertEquals(List.of(), fake.ackedIds, "nothing is acked before Kafka stored it");

        task.commitRecord(records.get(2), null);
        task.commitRecord(records.get(1), null);
        assertEquals(List.of(), fake.ackedIds);
        task.commitRecord(records.get(0), null);
        assertEquals(List.of(1, 2, 3), fake.ackedIds);
        assertEquals(0, task.outstanding());
    }

    @Test
    void maxInflightStopsTheTransportThreadUntilRecordsAreStored() {
        task.start(taskProps(MqttConnectionConfig.MAX_INFLIGHT_CONFIG, "2"));
        FakeTransport fake = transport.get();
        Thread callback = fake.deliverAsync(message(1, "{}"), message(2, "{}"), message(3, "{}"));
        List<SourceRecord> first = pollUntil(2);
        assertEquals(2, first.size());
        await().atMost(Duration.ofSeconds(5)).until(() -> callback.getState() == Thread.State.WAITING);

        task.commitRecord(first.get(0), null);
        List<SourceRecord> third = pollUntil(1);
        assertEquals("plant/p3/telemetry", third.get(0).headers().lastWithName(MqttHeaders.TOPIC).value());
        await().atMost(Duration.ofSeconds(5)).until(() -> !callback.isAlive());
        assertEquals(List.of(1), fake.ackedIds);
    }

    @Test
    void stopWakesABlockedTransportThreadAndAcksNothingUncommitted() throws InterruptedException {
        task.start(taskProps(MqttConnectionConfig.MAX_INFLIGHT_CONFIG, "1"));
        FakeTransport fake = transport.get();
        Thread callback = fake.deliverAsync(message(1, "{}"), message(2, "{}"));
        List<SourceRecord> records = pollUntil(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> callback.getState() == Thread.State.WAITING);

        task.stop();
        callback.join(5000);
        assertFalse(callback.isAlive(), "stop must release the transport thread");
        assertTrue(fake.closed);
        task.commitRecord(records.get(0), null);
        assertEquals(List.of(), fake.ackedIds, "after stop the broker redelivers; no acks");
    }

    @Test
    void undecodableMessagesGoToTheDeadLetterTopicAndAreAckedWhenStored() {
        task.start(taskProps(MqttSourceConfig.DLQ_TOPIC_CONFIG, "plant.telemetry.dlq"));
        FakeTransport fake = transport.get();
        fake.deliverAsync(message(1, "not json"), message(2, "{\"ok\":1}"));
        List<SourceRecord> records = pollUntil(2);
        assertEquals("plant.telemetry.dlq", records.get(0).topic());
        assertEquals("plant/p1/telemetry", records.get(0).key());
        assertEquals("plant-source",
            records.get(0).headers().lastWithName(MqttHeaders.ERROR_CONNECTOR).value());
        assertEquals("plant.telemetry", records.get(1).topic());
        task.commitRecord(records.get(1), null);
        assertEquals(List.of(), fake.ackedIds);
        task.commitRecord(records.get(0), null);
        assertEquals(List.of(1, 2), fake.ackedIds);
    }

    @Test
    void withToleranceAllAndNoDeadLetterTopicBadMessagesAreSkippedAndAcked() {
        task.start(taskProps("errors.tolerance", "all"));
        FakeTransport fake = transport.get();
        fake.deliverAsync(message(1, "not json"), message(2, "{\"ok\":1}"));
        List<SourceRecord> records = pollUntil(1);
        assertEquals(1, records.size());
        assertEquals("plant/p2/telemetry", records.get(0).headers().lastWithName(MqttHeaders.TOPIC).value());
        assertEquals(List.of(1), fake.ackedIds);
        task.commitRecord(records.get(0), null);
        assertEquals(List.of(1, 2), fake.ackedIds);
    }

    @Test
    void withToleranceNoneAndNoDeadLetterTopicABadMessageFailsTheTask() {
        task.start(taskProps());
        FakeTransport fake = transport.get();
        fake.deliverAsync(message(1, "not json"));
        ConnectException e = assertThrows(ConnectException.class, () -> pollUntil(1));
        assertTrue(e.getMessage().contains("plant/p1/telemetry"), e.getMessage());
        assertEquals(List.of(), fake.ackedIds);
    }

    @Test
    void sequencesContinueAfterTheLastStoredOffset() {
        Map<String, Object> stored = new HashMap<>(Map.of(MqttRecordMapper.OFFSET_SEQUENCE, 41L));
        task.initialize(new SourceTaskContext() {
            @Override
            public Map<String, String> configs() {
                return Map.of();
            }

            @Override
            public PluginMetrics pluginMetrics() {
                throw new UnsupportedOperationException();
            }

            @Override
            public OffsetStorageReader offsetStorageReader() {
                return new OffsetStorageReader() {
                    @Override
                    public <T> Map<String, Object> offset(Map<String, T> partition) {
                        return partition.equals(Map.of(MqttRecordMapper.PARTITION_CLIENT_ID, "plant-source-0"))
                            ? stored : null;
                    }

                    @Override
                    public <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> ps) {
                        throw new UnsupportedOperationException();
                    }
                };
            }
        });
        task.start(taskProps());
        transport.get().deliverAsync(message(1, "{}"));
        assertEquals(42L, MqttRecordMapper.sequenceOf(pollUntil(1).get(0)));
    }
}
