package io.mqttbridge.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mqttbridge.testkit.mqtt.BrokerConfig;
import io.mqttbridge.testkit.mqtt.MqttBroker;
import io.mqttbridge.testkit.mqtt.MqttBrokers;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The scenarios against a test-owned RabbitMQ node with {@code rabbitmq_mqtt}, over MQTT 3.1.1; skipped, with the
 * reason, where RabbitMQ is not installed.
 */
class RabbitMqInteropIT extends BrokerInteropSuite {

    static final String ID = "4-rabbitmq";

    @Override
    protected void assumeBrokerAvailable() {
        assumeTrue(MqttBrokers.rabbitMqServer().isPresent(), "RabbitMQ is not installed here (no "
            + "/usr/lib/rabbitmq/bin/rabbitmq-server and RABBITMQ_SERVER_BIN unset): the RabbitMQ interop suite is skipped");
    }

    @Override
    protected MqttBroker startBroker(BrokerConfig config) {
        return MqttBrokers.startRabbitMq(config);
    }

    @Override
    protected String resultId() {
        return ID;
    }

    @Override
    protected String mqttVersion() {
        return "3.1.1";
    }

    /**
     * RabbitMQ 3.x has no QoS 2: it grants QoS 1 for a QoS 2 subscription and answers a QoS 2 PUBLISH with PUBACK.
     * By default each connector fails naming that limit; with {@code mqtt.qos.downgrade=accept} both run at QoS 1.
     */
    @Override
    protected Outcome qos2() {
        String source = name("source-qos2-fail");
        putConnector(source, sourceProps("interop/q2fail/+", kafkaTopic("q2fail"), 2).build());
        String sourceTrace = connect.awaitTaskFailed(source, 0, WAIT);
        assertTrue(sourceTrace.contains("the broker supports at most QoS 1 (SUBACK granted QoS)"), sourceTrace);

        String kafkaTopic = kafkaTopic("q2sink");
        String sink = name("sink-qos2-fail");
        try (InteropClient out = client("out-q2sink")) {
            out.subscribe("interop/q2sink/out/+", 2);
            runConnector(sink, sinkProps(kafkaTopic, "interop/q2sink/out/${key}", 2).build(), 1);
            connect.embedded().kafka().produce(kafkaTopic, "0", "m-0");
            // the first QoS 2 publish is answered with PUBACK: delivered at QoS 1, and the sink learns the limit
            awaitPayloads(out, Set.of("m-0"), sink);
            connect.embedded().kafka().produce(kafkaTopic, "1", "m-1");
            String sinkTrace = connect.awaitTaskFailed(sink, 0, WAIT);
            assertTrue(sinkTrace.contains("the broker supports at most QoS 1 (PUBACK answering a QoS 2 PUBLISH)"),
                sinkTrace);
        }
        roundTrip("rt2", 2, "accept", "accept", 1);
        return Outcome.limited("no QoS 2: QoS 1 is granted for a QoS 2 subscription and a QoS 2 PUBLISH is answered"
            + " with PUBACK; the connectors fail naming that limit, or run at QoS 1 with mqtt.qos.downgrade=accept");
    }

    /** RabbitMQ 3.x keeps retained messages, but delivers one only to a subscription that names its very topic. */
    @Override
    protected Outcome retained() {
        String wildTopic = kafkaTopic("retained-wild");
        String exactTopic = kafkaTopic("retained");
        try (InteropClient in = client("in-retained")) {
            in.publish("interop/retained/a", "kept".getBytes(StandardCharsets.UTF_8), 1, true);
            try {
                runConnector(name("source-retained-wild"), sourceProps("interop/retained/+", wildTopic, 1).build(), 1);
                runConnector(name("source-retained"), sourceProps("interop/retained/a", exactTopic, 1).build(), 1);
                ConsumerRecord<byte[], byte[]> record = connect.consume(exactTopic, 1, WAIT).get(0);
                assertEquals("kept", new String(record.value(), StandardCharsets.UTF_8));
                assertEquals("true", header(record, "mqtt.retained"));
                assertEquals(List.of(), connect.consumeUntilQuiet(wildTopic, SETTLE, WAIT),
                    "nothing retained through the wildcard filter");
            } finally {
                in.publish("interop/retained/a", new byte[0], 1, true);
            }
        }
        return Outcome.limited("a retained message is delivered only to a subscription whose filter is exactly its"
            + " topic, not through + or #");
    }

    @Override
    protected Outcome sharedSubscriptions() {
        return mqtt5Refused();
    }
}
