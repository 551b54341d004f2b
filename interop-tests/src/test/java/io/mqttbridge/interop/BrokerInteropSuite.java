package io.mqttbridge.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttbridge.testkit.connect.ConnectCluster;
import io.mqttbridge.testkit.connect.ConnectorItBase;
import io.mqttbridge.testkit.mqtt.BrokerConfig;
import io.mqttbridge.testkit.mqtt.MqttBroker;
import io.mqttbridge.testkit.tls.TlsMaterial;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The broker-agnostic conformance scenarios, run through the real MQTT source and sink connectors in the embedded
 * Connect cluster all suites of the JVM share ({@link SharedConnectCluster}) against one broker that a subclass starts (with a TLS listener and one user, shared by all
 * scenarios; the broker restart comes last). Each scenario records its {@link Outcome}; at the end the outcomes go
 * to {@code target/interop-results/<id>.json} and {@link InteropReadme} checks (or, with
 * {@code -Dinterop.readme.update=true}, rewrites) the README table.
 *
 * <p>A broker that lacks a feature overrides that scenario's method to assert what the connector does instead
 * (fails naming the broker's limit, or degrades as configured) and returns {@code LIMITED} or {@code UNSUPPORTED}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(SharedConnectCluster.class)
abstract class BrokerInteropSuite extends ConnectorItBase {

    protected static final String USER = "interop";
    protected static final String PASSWORD = "interop-s3cret";
    protected static final Duration WAIT = Duration.ofSeconds(60);
    /** How long a topic must stay quiet before a test counts what arrived: on loopback, plenty for late copies. */
    protected static final Duration SETTLE = Duration.ofSeconds(1);
    private static final int MESSAGES = 10;
    private static final String STRING_CONVERTER = "org.apache.kafka.connect.storage.StringConverter";
    private static final String BYTES_CONVERTER = "org.apache.kafka.connect.converters.ByteArrayConverter";

    protected MqttBroker broker;
    protected TlsMaterial tls;
    private Path tmp;
    private final Map<Feature, Outcome> outcomes = new EnumMap<>(Feature.class);

    /** Starts this suite's broker with {@code config} (TLS listener, one user). */
    protected abstract MqttBroker startBroker(BrokerConfig config);

    /** File name and sort key of the results, e.g. {@code 1-mosquitto}. */
    protected abstract String resultId();

    /** What the connectors speak to this broker: {@code 5} or {@code 3.1.1}. */
    protected abstract String mqttVersion();

    /** Replaces the base class's per-class cluster: {@link SharedConnectCluster} hands over the JVM's one. */
    @Override
    protected void startConnect() {
    }

    /** The shared cluster outlives this class; JUnit closes it after the last suite. */
    @Override
    protected void stopConnect() {
    }

    void useCluster(ConnectCluster cluster) {
        this.connect = cluster;
    }

    /** Aborts the class (JUnit assumption, with the reason) where the broker is not installed; default: no check. */
    protected void assumeBrokerAvailable() {
    }

    @BeforeAll
    void startSuiteBroker() throws IOException {
        assumeBrokerAvailable();
        tmp = Files.createTempDirectory("interop-" + resultId() + "-");
        tls = TlsMaterial.generate(tmp.resolve("tls"));
        broker = startBroker(BrokerConfig.builder().tls(tls).user(USER, PASSWORD).build());
    }

    @AfterAll
    void recordResults() {
        if (broker != null) {
            BrokerResults results = new BrokerResults(resultId(), broker.kind(), mqttVersion(), outcomes);
            broker.close();
            results.write(InteropReadme.resultsDir());
            InteropReadme.checkOrUpdate();
        }
        deleteQuietly(tmp);
    }

    // ---------------------------------------------------------------------------------------------- scenarios

    @Test
    @Order(1)
    void qos0RoundTrip() {
        scenario(Feature.QOS0, () -> roundTrip(0));
    }

    @Test
    @Order(2)
    void qos1RoundTrip() {
        scenario(Feature.QOS1, () -> roundTrip(1));
    }

    @Test
    @Order(3)
    void qos2RoundTrip() {
        scenario(Feature.QOS2, this::qos2);
    }

    @Test
    @Order(4)
    void persistentSessionResumesAfterAConnectorRestart() {
        scenario(Feature.SESSION_RESUME, this::sessionResume);
    }

    @Test
    @Order(5)
    void retainedMessagesReachANewSubscription() {
        scenario(Feature.RETAINED, this::retained);
    }

    @Test
    @Order(6)
    void wildcardsMatchAsTheSpecificationSays() {
        scenario(Feature.WILDCARDS, this::wildcards);
    }

    @Test
    @Order(7)
    void dollarTopicsNeedAnExplicitFilter() {
        scenario(Feature.DOLLAR_TOPICS, this::dollarTopics);
    }

    @Test
    @Order(8)
    void sharedSubscriptionSpreadsMessagesOverTwoTasks() {
        scenario(Feature.SHARED_SUBSCRIPTIONS, this::sharedSubscriptions);
    }

    @Test
    @Order(9)
    void tls() {
        scenario(Feature.TLS, this::overTls);
    }

    @Test
    @Order(10)
    void usernameAndPassword() {
        scenario(Feature.USERNAME_PASSWORD, this::credentials);
    }

    @Test
    @Order(11)
    void largePayloadRoundTrip() {
        scenario(Feature.LARGE_PAYLOAD, this::largePayload);
    }

    @Test
    @Order(12)
    void brokerRestartMidStreamLosesNothing() {
        scenario(Feature.BROKER_RESTART, this::brokerRestart);
    }

    // ------------------------------------------------------------------------------ scenario bodies (overridable)

    /** QoS 2 end to end; a broker without QoS 2 overrides this. */
    protected Outcome qos2() {
        return roundTrip(2);
    }

    /**
     * MQTT → source → Kafka → sink → MQTT at {@code qos} everywhere: every message arrives, and at that QoS (the
     * test subscribes at 2, so what arrives carries the sink's publish QoS).
     */
    protected Outcome roundTrip(int qos) {
        String base = "rt" + qos;
        roundTrip(base, qos, "fail", "fail", qos);
        return Outcome.pass();
    }

    /** One round trip; returns the messages the test subscriber received. */
    protected List<InteropClient.Message> roundTrip(String base, int qos, String sourceDowngrade,
                                                   String sinkDowngrade, int expectedQos) {
        String kafkaTopic = kafkaTopic(base);
        try (InteropClient out = client("out-" + base); InteropClient in = client("in-" + base)) {
            int granted = out.subscribe("interop/" + base + "/out/+", 2);
            runConnector(name("sink-" + base), sinkProps(kafkaTopic, "interop/" + base + "/out/${key}", qos)
                .put("mqtt.qos.downgrade", sinkDowngrade).build(), 1);
            runConnector(name("source-" + base), sourceProps("interop/" + base + "/in/+", kafkaTopic, qos)
                .put("record.key", "${1}").put("mqtt.qos.downgrade", sourceDowngrade).build(), 1);
            for (int i = 0; i < MESSAGES; i++) {
                in.publish("interop/" + base + "/in/" + i, "m-" + i, qos);
            }
            Set<String> expected = IntStream.range(0, MESSAGES).mapToObj(i -> "m-" + i).collect(Collectors.toSet());
            awaitPayloads(out, expected, name("sink-" + base));
            for (InteropClient.Message m : out.messages()) {
                assertEquals(Math.min(expectedQos, granted), m.qos(), "QoS of " + m.topic());
                assertEquals("interop/" + base + "/out/" + m.text().substring(2), m.topic());
            }
            return out.messages();
        }
    }

    /** Messages published while the connector is gone are delivered from its session once it is back. */
    protected Outcome sessionResume() {
        String kafkaTopic = kafkaTopic("session");
        String name = name("source-session");
        Map<String, String> props = sourceProps("interop/session/+", kafkaTopic, 1).build();
        try (InteropClient in = client("in-session")) {
            runConnector(name, props, 1);
            publishNumbered(in, "interop/session/", 0, MESSAGES, 1);
            connect.consume(kafkaTopic, MESSAGES, WAIT);
            connect.deleteConnector(name);
            publishNumbered(in, "interop/session/", MESSAGES, 2 * MESSAGES, 1);
            runConnector(name, props, 1);
            assertAllPayloads(kafkaTopic, 0, 2 * MESSAGES);
        }
        return Outcome.pass();
    }

    /** A retained message published before the connector exists reaches Kafka, marked retained. */
    protected Outcome retained() {
        String kafkaTopic = kafkaTopic("retained");
        try (InteropClient in = client("in-retained")) {
            in.publish("interop/retained/a", "kept".getBytes(StandardCharsets.UTF_8), 1, true);
            try {
                runConnector(name("source-retained"), sourceProps("interop/retained/+", kafkaTopic, 1).build(), 1);
                ConsumerRecord<byte[], byte[]> record = connect.consume(kafkaTopic, 1, WAIT).get(0);
                assertEquals("kept", new String(record.value(), StandardCharsets.UTF_8));
                assertEquals("true", header(record, "mqtt.retained"));
            } finally {
                in.publish("interop/retained/a", new byte[0], 1, true); // clears it
            }
        }
        return Outcome.pass();
    }

    /**
     * {@code +} matches one level, {@code #} any number including none (the parent level itself), and nothing else
     * arrives.
     */
    protected Outcome wildcards() {
        String kafkaTopic = kafkaTopic("wild");
        try (InteropClient in = client("in-wild")) {
            runConnector(name("source-wild"), sourceProps("interop/wild/+/temp,interop/wild/deep/#", kafkaTopic, 1)
                .build(), 1);
            for (String miss : List.of("interop/wild/a/humidity", "interop/wild/a/b/temp", "interop/wildly/deep")) {
                in.publish(miss, "miss", 1);
            }
            List<String> hits = List.of("interop/wild/a/temp", "interop/wild/deep", "interop/wild/deep/x/y");
            for (String hit : hits) {
                in.publish(hit, "hit", 1);
            }
            List<ConsumerRecord<byte[], byte[]>> records = connect.consume(kafkaTopic, hits.size(), WAIT);
            assertEquals(new TreeSet<>(hits), keys(records), "topics that reached Kafka");
        }
        return Outcome.pass();
    }

    /**
     * A topic starting with {@code $} arrives through a filter that names it, once, and not through a filter whose
     * first level is a wildcard (MQTT 4.7.2).
     */
    protected Outcome dollarTopics() {
        String kafkaTopic = kafkaTopic("dollar");
        try (InteropClient in = client("in-dollar")) {
            runConnector(name("source-dollar"), sourceProps("$interop/dollar/x,+/dollar/x", kafkaTopic, 1).build(), 1);
            in.publish("$interop/dollar/x", "dollar", 1);
            in.publish("plain/dollar/x", "plain", 1);
            connect.consume(kafkaTopic, 2, WAIT);
            List<ConsumerRecord<byte[], byte[]>> records = connect.consumeUntilQuiet(kafkaTopic, SETTLE, WAIT);
            assertEquals(List.of("$interop/dollar/x", "plain/dollar/x"),
                records.stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)).sorted().toList(),
                "each message once: the $-topic through its own filter only");
        }
        return Outcome.pass();
    }

    /**
     * {@code tasks.max=2} on MQTT 5: both tasks subscribe {@code $share/GROUP/filter}, so the broker hands each
     * message to one of them: every message reaches Kafka, none twice.
     */
    protected Outcome sharedSubscriptions() {
        String kafkaTopic = kafkaTopic("shared");
        int count = 4 * MESSAGES;
        try (InteropClient in = client("in-shared")) {
            runConnector(name("source-shared"), sourceProps("interop/shared/+", kafkaTopic, 1).put("mqtt.version", "5")
                .put("tasks.max", "2").build(), 2);
            publishNumbered(in, "interop/shared/", 0, count, 1);
            connect.consume(kafkaTopic, count, WAIT);
            List<String> payloads = payloads(connect.consumeUntilQuiet(kafkaTopic, SETTLE, WAIT));
            assertEquals(count, payloads.size(), "each message exactly once, not once per task: " + payloads);
            assertEquals(count, new TreeSet<>(payloads).size());
        }
        return Outcome.pass();
    }

    /**
     * For a broker without MQTT 5: a source connector with {@code mqtt.version=5} and two tasks fails, naming
     * {@code mqtt.version}. Shared subscriptions need MQTT 5; on 3.1.1 {@code tasks.max} divides the filters.
     */
    protected final Outcome mqtt5Refused() {
        String name = name("source-mqtt5");
        putConnector(name, sourceProps("interop/shared/+", kafkaTopic("mqtt5"), 1).put("mqtt.version", "5")
            .put("tasks.max", "2").build());
        String trace = connect.awaitTaskFailed(name, 0, WAIT);
        assertTrue(trace.contains("mqtt.version"), trace);
        return Outcome.unsupported("no MQTT 5, hence no shared subscriptions: a connector with mqtt.version=5 fails"
            + " naming mqtt.version; on MQTT 3.1.1 tasks.max > 1 divides the filters among the tasks instead");
    }

    /** The source over the TLS listener, trusting the test CA, with the host name checked. */
    protected Outcome overTls() {
        String kafkaTopic = kafkaTopic("tls");
        try (InteropClient in = client("in-tls")) {
            runConnector(name("source-tls"), sourceProps("interop/tls/+", kafkaTopic, 1)
                .put("mqtt.server.uris", broker.sslUri())
                .put("mqtt.ssl.truststore.location", tls.truststore("PKCS12").toString())
                .put("mqtt.ssl.truststore.type", "PKCS12")
                .put("mqtt.ssl.truststore.password", tls.password()).build(), 1);
            in.publish("interop/tls/1", "secured", 1);
            assertEquals(List.of("secured"), payloads(connect.consume(kafkaTopic, 1, WAIT)));
        }
        return Outcome.pass();
    }

    /** A wrong password fails the task naming the credentials; the right one runs. */
    protected Outcome credentials() {
        String kafkaTopic = kafkaTopic("auth");
        String name = name("source-auth");
        putConnector(name, sourceProps("interop/auth/+", kafkaTopic, 1).put("mqtt.password", "wrong").build());
        String trace = connect.awaitTaskFailed(name, 0, WAIT);
        assertTrue(trace.contains("bad user name or password"), trace);
        connect.deleteConnector(name);
        try (InteropClient in = client("in-auth")) {
            // a new name: the status of a reconfigured connector shows the old FAILED task for a while
            runConnector(name("source-auth-ok"), sourceProps("interop/auth/+", kafkaTopic, 1).build(), 1);
            in.publish("interop/auth/1", "let-in", 1);
            assertEquals(List.of("let-in"), payloads(connect.consume(kafkaTopic, 1, WAIT)));
        }
        return Outcome.pass();
    }

    /** A 256 KiB payload through source, Kafka and sink, byte for byte. */
    protected Outcome largePayload() {
        String kafkaTopic = kafkaTopic("large");
        byte[] payload = new byte[256 * 1024];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 31 + 7);
        }
        try (InteropClient out = client("out-large"); InteropClient in = client("in-large")) {
            out.subscribe("interop/large/out/+", 1);
            runConnector(name("sink-large"), sinkProps(kafkaTopic, "interop/large/out/${key}", 1).build(), 1);
            runConnector(name("source-large"), sourceProps("interop/large/in/+", kafkaTopic, 1)
                .put("record.key", "${1}").build(), 1);
            in.publish("interop/large/in/1", payload, 1, false);
            Awaitility.await("the 256 KiB message back over MQTT").atMost(WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> !out.messages().isEmpty());
            assertArrayEquals(payload, out.messages().get(0).payload());
        }
        return Outcome.pass();
    }

    /** The broker stops and starts while the source runs; what was published on either side reaches Kafka. */
    protected Outcome brokerRestart() {
        String kafkaTopic = kafkaTopic("restart");
        String name = name("source-restart");
        restartMidStream(name, kafkaTopic, false);
        assertAllPayloads(kafkaTopic, 0, 2 * MESSAGES);
        statusFailingFast(name, "after the broker restart");
        return Outcome.pass();
    }

    /**
     * Runs a source, publishes {@code m-0..m-9}, stops and starts the broker, then publishes {@code m-10..m-19}; with
     * {@code awaitResubscribed}, only once a probe published after the restart has reached Kafka (for a broker that
     * forgets the connector's session, so that nothing is published before the connector subscribed again).
     */
    protected final void restartMidStream(String name, String kafkaTopic, boolean awaitResubscribed) {
        runConnector(name, sourceProps("interop/restart/+", kafkaTopic, 1).build(), 1);
        try (InteropClient in = client("in-restart-1")) {
            publishNumbered(in, "interop/restart/", 0, MESSAGES, 1);
        }
        connect.consume(kafkaTopic, MESSAGES, WAIT);
        broker.stop();
        broker.start();
        try (InteropClient in = client("in-restart-2")) {
            if (awaitResubscribed) {
                Awaitility.await("the connector subscribed again after the restart").atMost(WAIT)
                    .pollInterval(Duration.ofMillis(500)).until(() -> {
                        in.publish("interop/restart/probe", "probe", 1);
                        return payloads(connect.consumeUntilQuiet(kafkaTopic, Duration.ofMillis(200), WAIT))
                            .contains("probe");
                    });
            }
            publishNumbered(in, "interop/restart/", MESSAGES, 2 * MESSAGES, 1);
        }
    }

    // -------------------------------------------------------------------------------------------------- helpers

    /** Runs a scenario body and records its outcome; a failure is recorded and rethrown. */
    protected final void scenario(Feature feature, Callable<Outcome> body) {
        try {
            outcomes.put(feature, body.call());
        } catch (Throwable t) {
            String first = String.valueOf(t.getMessage()).lines().findFirst().orElse("").trim();
            outcomes.put(feature, Outcome.fail(first.length() > 160 ? first.substring(0, 160) + "..." : first));
            if (t instanceof Error error) {
                throw error;
            }
            throw t instanceof RuntimeException re ? re : new IllegalStateException(t);
        }
    }

    protected final String name(String what) {
        return resultId() + "-" + what;
    }

    /** Creates a one-partition topic named after the broker and scenario. */
    protected final String kafkaTopic(String what) {
        String topic = "interop." + resultId() + "." + what;
        connect.createTopic(topic, 1);
        return topic;
    }

    /** A connected test client with the suite's credentials, on the plain listener. */
    protected final InteropClient client(String what) {
        return InteropClient.connect(broker.tcpUri(), name(what) + "-" + System.nanoTime(), USER, PASSWORD, null);
    }

    /** Source connector JSON: this broker's protocol version and credentials, bytes through, string keys. */
    protected final ConnectorProps sourceProps(String filters, String kafkaTopic, int qos) {
        return new ConnectorProps()
            .put("connector.class", "io.mqttbridge.source.MqttSourceConnector")
            .put("tasks.max", "1")
            .put("mqtt.server.uris", broker.tcpUri())
            .put("mqtt.version", mqttVersion())
            .put("mqtt.username", USER)
            .put("mqtt.password", PASSWORD)
            .put("mqtt.topics", filters)
            .put("mqtt.qos", Integer.toString(qos))
            .put("mqtt.persistence.dir", tmp.resolve("qos2").toString())
            .put("mqtt.reconnect.backoff.ms", "100")
            .put("mqtt.reconnect.backoff.max.ms", "1000")
            .put("kafka.topic", kafkaTopic)
            .put("payload.format", "bytes")
            .put("key.converter", STRING_CONVERTER)
            .put("value.converter", BYTES_CONVERTER);
    }

    /** Sink connector JSON: this broker's protocol version and credentials, bytes through. */
    protected final ConnectorProps sinkProps(String kafkaTopic, String mqttTopic, int qos) {
        return new ConnectorProps()
            .put("connector.class", "io.mqttbridge.sink.MqttSinkConnector")
            .put("tasks.max", "1")
            .put("topics", kafkaTopic)
            .put("mqtt.server.uris", broker.tcpUri())
            .put("mqtt.version", mqttVersion())
            .put("mqtt.username", USER)
            .put("mqtt.password", PASSWORD)
            .put("mqtt.topic", mqttTopic)
            .put("mqtt.qos", Integer.toString(qos))
            .put("mqtt.reconnect.backoff.ms", "100")
            .put("mqtt.reconnect.backoff.max.ms", "1000")
            .put("payload.format", "bytes")
            .put("key.converter", STRING_CONVERTER)
            .put("value.converter", BYTES_CONVERTER);
    }

    protected static void publishNumbered(InteropClient in, String prefix, int from, int to, int qos) {
        for (int i = from; i < to; i++) {
            in.publish(prefix + i, "m-" + i, qos);
        }
    }

    /** Waits until Kafka holds every payload {@code m-from} .. {@code m-(to-1)} (duplicates allowed). */
    protected final void assertAllPayloads(String kafkaTopic, int from, int to) {
        Set<String> expected = IntStream.range(from, to).mapToObj(i -> "m-" + i).collect(Collectors.toSet());
        Awaitility.await("payloads m-" + from + "..m-" + (to - 1) + " in " + kafkaTopic).atMost(WAIT)
            .pollInterval(Duration.ofMillis(500))
            .until(() -> payloads(connect.consumeUntilQuiet(kafkaTopic, Duration.ofMillis(300), WAIT))
                .containsAll(expected));
    }

    /** Waits until the client received every payload, failing fast if the connector fails. */
    protected final void awaitPayloads(InteropClient client, Set<String> expected, String connector) {
        Awaitility.await("payloads " + new TreeSet<>(expected) + " over MQTT").atMost(WAIT)
            .pollInterval(Duration.ofMillis(200))
            .until(() -> {
                statusFailingFast(connector);
                return client.messages().stream().map(InteropClient.Message::text).collect(Collectors.toSet())
                    .containsAll(expected);
            });
    }

    protected static List<String> payloads(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
    }

    protected static TreeSet<String> keys(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> new String(r.key(), StandardCharsets.UTF_8))
            .collect(Collectors.toCollection(TreeSet::new));
    }

    protected static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        return Arrays.stream(record.headers().toArray()).filter(h -> h.key().equals(name)).map(Header::value)
            .map(v -> new String(v, StandardCharsets.UTF_8)).findFirst().orElse(null);
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort
        }
    }

    /** Connector JSON, built fluently. */
    protected static final class ConnectorProps {
        private final Map<String, String> props = new LinkedHashMap<>();

        ConnectorProps put(String key, String value) {
            props.put(key, value);
            return this;
        }

        Map<String, String> build() {
            return Map.copyOf(props);
        }
    }
}
