package io.mqttbridge.core.transport;

import io.mqttbridge.core.transport.TransportTestSupport.Recorder;
import io.mqttbridge.testkit.mqtt.BrokerConfig;
import io.mqttbridge.testkit.mqtt.MqttBroker;
import io.mqttbridge.testkit.mqtt.MqttBrokers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static io.mqttbridge.core.transport.TransportTestSupport.assumeBrokerSendsUnackedWindow;
import static io.mqttbridge.core.transport.TransportTestSupport.settings;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Both transports against a real broker from the testkit (Mosquitto where installed). */
class PahoTransportIT {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private MqttBroker broker;
    private final List<MqttTransport> transports = new ArrayList<>();

    @BeforeEach
    void startBroker() {
        broker = MqttBrokers.start(BrokerConfig.plain());
    }

    @AfterEach
    void stop() {
        transports.forEach(MqttTransport::close);
        broker.close();
    }

    private <T extends MqttTransport> T track(T t) {
        transports.add(t);
        return t;
    }

    private AbstractPahoTransport<?> connected(MqttVersion v, String clientId, Path persistence, Recorder r)
        throws MqttTransportException {
        return connected(v, clientId, persistence, true, r);
    }

    private AbstractPahoTransport<?> connected(MqttVersion v, String clientId, Path persistence, boolean fsync,
                                               Recorder r) throws MqttTransportException {
        AbstractPahoTransport<?> t = (AbstractPahoTransport<?>) track(MqttTransports.create(
            settings(v, broker.tcpUri(), clientId, persistence).withPersistenceFsync(fsync), r));
        t.connect();
        return t;
    }

    /** Every version, with the persistence forced to disk or not. */
    static Stream<Arguments> versionsAndFsync() {
        return Stream.of(MqttVersion.values()).flatMap(v -> Stream.of(Arguments.of(v, true), Arguments.of(v, false)));
    }

    private void publish(MqttTransport publisher, String topic, int qos, List<String> payloads) throws Exception {
        for (String p : payloads) {
            publisher.publish(new OutboundMessage(topic, p.getBytes(StandardCharsets.UTF_8), qos, false,
                MqttProperties.EMPTY)).get(10, TimeUnit.SECONDS);
        }
    }

    private static List<String> numbered(String prefix, int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> prefix + i).toList();
    }

    @ParameterizedTest(name = "{0}, fsync {1}")
    @MethodSource("versionsAndFsync")
    void qos2MessagesNotAckedSurviveAClientCrash(MqttVersion v, boolean fsync) throws Exception {
        assumeBrokerSendsUnackedWindow(broker);
        Path persistence = dir.resolve("client-state-" + fsync);
        Recorder first = new Recorder();
        AbstractPahoTransport<?> crashed = connected(v, "q2-sub", persistence, fsync, first);
        crashed.subscribe(List.of(new Subscription("q2/#", 2)));
        MqttTransport publisher = connected(v, "q2-pub", null, new Recorder());
        List<String> sent = numbered("m", 5);
        publish(publisher, "q2/a", 2, sent);
        await().atMost(WAIT).until(() -> first.messages.size() == 5);
        assertEquals(sent, first.payloads());

        crashed.dropConnectionAbruptly(); // no DISCONNECT, no acks: as if the task's JVM died

        Recorder second = new Recorder();
        AbstractPahoTransport<?> restarted = connected(v, "q2-sub", persistence, fsync, second);
        await().atMost(WAIT).until(() -> second.messages.size() >= 5);
        assertEquals(sent, second.payloads());
        second.messages.forEach(restarted::ack);
        restarted.close();

        Recorder third = new Recorder();
        MqttTransport again = connected(v, "q2-sub", persistence, fsync, third);
        publish(publisher, "q2/a", 2, List.of("marker"));
        await().atMost(WAIT).until(() -> third.payloads().contains("marker"));
        assertEquals(List.of("marker"), third.payloads(), "acked messages must not come back");
        assertTrue(again.isConnected());
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void ackedLiveQos2MessagesDoNotComeBackAfterARestart(MqttVersion v) throws Exception {
        assumeBrokerSendsUnackedWindow(broker);
        Path persistence = dir.resolve("client-state");
        Recorder first = new Recorder();
        MqttTransport sub = connected(v, "q2-live", persistence, first);
        sub.subscribe(List.of(new Subscription("q2live/#", 2)));
        MqttTransport publisher = connected(v, "q2-live-pub", null, new Recorder());
        publish(publisher, "q2live/a", 2, numbered("m", 3));
        await().atMost(WAIT).until(() -> first.messages.size() == 3);
        first.messages.forEach(sub::ack);
        sub.close();

        Recorder second = new Recorder();
        connected(v, "q2-live", persistence, second);
        publish(publisher, "q2live/a", 2, List.of("marker"));
        await().atMost(WAIT).until(() -> second.payloads().contains("marker"));
        assertEquals(List.of("marker"), second.payloads(), "acked QoS 2 messages must leave the client's store");
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void unackedQos1MessagesAreRedeliveredAndAcksGoOutInOrder(MqttVersion v) throws Exception {
        assumeBrokerSendsUnackedWindow(broker);
        Recorder first = new Recorder();
        MqttTransport sub = connected(v, "q1-sub", null, first);
        sub.subscribe(List.of(new Subscription("q1/#", 1)));
        MqttTransport publisher = connected(v, "q1-pub", null, new Recorder());
        List<String> sent = numbered("m", 6);
        publish(publisher, "q1/x", 1, sent);
        await().atMost(WAIT).until(() -> first.messages.size() == 6);
        first.messages.subList(0, 3).forEach(sub::ack);
        sub.close();

        Recorder second = new Recorder();
        MqttTransport restarted = connected(v, "q1-sub", null, second);
        await().atMost(WAIT).until(() -> second.messages.size() >= 3);
        publish(publisher, "q1/x", 1, List.of("marker"));
        await().atMost(WAIT).until(() -> second.payloads().contains("marker"));
        assertEquals(List.of("m4", "m5", "m6", "marker"), second.payloads());
        if (v == MqttVersion.V3_1_1) {
            // Paho mqttv5 1.2.5 never copies the DUP bit into a received MqttMessage, so only v3 can see it
            assertTrue(second.messages.get(0).duplicate(), "redelivered messages carry DUP");
        }
        assertTrue(restarted.isConnected());
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void reconnectsAfterBrokerKillAndResubscribes(MqttVersion v) throws Exception {
        Recorder r = new Recorder();
        MqttTransport sub = connected(v, "rc-sub", null, r);
        sub.subscribe(List.of(new Subscription("rc/#", 1)));
        broker.kill();
        await().atMost(WAIT).until(() -> r.lost.get() == 1);
        broker.start();
        await().atMost(WAIT).until(() -> r.reconnects.size() == 1);
        assertEquals(1, sub.reconnectCount());

        MqttTransport publisher = connected(v, "rc-pub", null, new Recorder());
        publish(publisher, "rc/1", 1, List.of("after"));
        await().atMost(WAIT).until(() -> r.payloads().contains("after"));
        InboundMessage m = r.messages.get(r.messages.size() - 1);
        assertEquals(((AbstractPahoTransport<?>) sub).currentEpoch(), m.connectionEpoch());
        assertTrue(m.connectionEpoch() > 1, "a new connection has a new epoch");
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void ackFromAnEarlierConnectionIsDropped(MqttVersion v) throws Exception {
        Recorder r = new Recorder();
        MqttTransport sub = connected(v, "ep-sub", null, r);
        sub.subscribe(List.of(new Subscription("ep/#", 1)));
        MqttTransport publisher = connected(v, "ep-pub", null, new Recorder());
        publish(publisher, "ep/1", 1, List.of("one"));
        await().atMost(WAIT).until(() -> r.messages.size() == 1);
        InboundMessage old = r.messages.get(0);

        broker.stop(); // saves the sessions; the unacked message stays queued
        broker.start();
        await().atMost(WAIT).until(() -> r.reconnects.size() == 1 && r.messages.size() == 2);
        assertEquals(List.of(true), r.reconnects);
        InboundMessage redelivered = r.messages.get(1);
        assertTrue(redelivered.connectionEpoch() > old.connectionEpoch());

        sub.ack(old); // must not reach the broker: that id means nothing on this connection
        sub.close();
        Recorder after = new Recorder();
        MqttTransport again = connected(v, "ep-sub", null, after);
        await().atMost(WAIT).until(() -> after.messages.size() == 1);
        assertEquals("one", after.payloads().get(0));
        again.ack(after.messages.get(0));
        assertTrue(again.isConnected());
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void publishFuturesCompleteForEveryQos(MqttVersion v) throws Exception {
        Recorder r = new Recorder();
        MqttTransport sub = connected(v, "pf-sub", null, r);
        sub.subscribe(List.of(new Subscription("pf/#", 2)));
        MqttTransport publisher = connected(v, "pf-pub", null, new Recorder());
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int qos = 0; qos <= 2; qos++) {
            futures.add(publisher.publish(new OutboundMessage("pf/" + qos, new byte[] {(byte) qos}, qos, false,
                MqttProperties.EMPTY)));
        }
        CompletableFuture.allOf(futures.toArray(new CompletableFuture[0])).get(10, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> r.messages.size() == 3);
        publisher.close();
        CompletableFuture<Void> afterClose = publisher.publish(new OutboundMessage("pf/x", new byte[1], 1, false,
            MqttProperties.EMPTY));
        ExecutionException e = assertThrows(ExecutionException.class, () -> afterClose.get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("pf/x"), e.getCause().getMessage());
    }

    @org.junit.jupiter.api.Test
    void mqtt5PropertiesRoundTrip() throws Exception {
        Recorder r = new Recorder();
        MqttTransport sub = connected(MqttVersion.V5, "pr-sub", null, r);
        sub.subscribe(List.of(new Subscription("pr/#", 1)));
        MqttTransport publisher = connected(MqttVersion.V5, "pr-pub", null, new Recorder());
        MqttProperties props = new MqttProperties("application/json", "pr/reply", new byte[] {9, 8, 7},
            List.of(Map.entry("k", "v1"), Map.entry("k", "v2")), 3600L, true);
        publisher.publish(new OutboundMessage("pr/1", "{}".getBytes(StandardCharsets.UTF_8), 1, false, props))
            .get(10, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> r.messages.size() == 1);
        MqttProperties got = r.messages.get(0).properties();
        assertEquals("application/json", got.contentType());
        assertEquals("pr/reply", got.responseTopic());
        assertArrayEquals(new byte[] {9, 8, 7}, got.correlationData());
        assertEquals(props.userProperties(), got.userProperties());
        assertTrue(got.messageExpiryIntervalSeconds() > 3500 && got.messageExpiryIntervalSeconds() <= 3600);
        assertEquals(Boolean.TRUE, got.payloadFormatIndicator());
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void connectionRefusedIsNamed(MqttVersion v) {
        broker.kill();
        MqttTransport t = track(MqttTransports.create(settings(v, broker.tcpUri(), "cr", null), new Recorder()));
        MqttTransportException e = assertThrows(MqttTransportException.class, t::connect);
        assertTrue(e.getMessage().contains(broker.tcpUri()) && e.getMessage().contains("'cr'")
            && e.getMessage().contains("connection refused"), e.getMessage());
    }

    /** A clean-session publisher (the sink's): a publish cut off by a lost connection fails as "unknown outcome". */
    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void aCleanSessionPublisherFailsPublishesCutOffByALostConnectionAsRetriable(MqttVersion v) throws Exception {
        MqttTransport publisher = track(MqttTransports.create(
            settings(v, broker.tcpUri(), "cs-pub", null).withCleanSession(true), new Recorder()));
        publisher.connect();
        broker.stop();
        CompletableFuture<Void> cut = publisher.publish(new OutboundMessage("cs/1", new byte[1], 1, false,
            MqttProperties.EMPTY));
        ExecutionException e = assertThrows(ExecutionException.class, () -> cut.get(20, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof MqttTransportException, String.valueOf(e.getCause()));
        assertTrue(!(e.getCause() instanceof MqttPublishRejectedException), "the outcome is unknown, not refused");
        broker.start();
        await().atMost(WAIT).until(publisher::isConnected);
        publisher.publish(new OutboundMessage("cs/2", new byte[1], 1, false, MqttProperties.EMPTY))
            .get(10, TimeUnit.SECONDS);
    }

    /** Mosquitto announces max_inflight_messages as its receive maximum; the publish window follows it. */
    @org.junit.jupiter.api.Test
    void theMqtt5PublishWindowIsTheBrokersReceiveMaximum() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(broker.kind().startsWith("mosquitto"),
            "the receive maximum checked is Mosquitto's max_inflight_messages");
        MqttTransport publisher = track(MqttTransports.create(
            settings(MqttVersion.V5, broker.tcpUri(), "rm-pub", null).withCleanSession(true), new Recorder()));
        publisher.connect();
        assertEquals(BrokerConfig.plain().maxInflightMessages(), publisher.publishWindow());
    }
}
