package io.mqttbridge.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mqttbridge.testkit.mqtt.BrokerConfig;
import io.mqttbridge.testkit.mqtt.MqttBroker;
import io.mqttbridge.testkit.mqtt.MqttBrokers;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** The scenarios against Moquette, embedded in the test JVM, over MQTT 3.1.1 (Moquette 0.17 has no MQTT 5). */
class MoquetteInteropIT extends BrokerInteropSuite {

    static final String ID = "3-moquette";

    @Override
    protected MqttBroker startBroker(BrokerConfig config) {
        return MqttBrokers.startMoquette(config);
    }

    @Override
    protected String resultId() {
        return ID;
    }

    @Override
    protected String mqttVersion() {
        return "3.1.1";
    }

    /** Moquette 0.17 delivers a retained message to a new subscription, but without the RETAIN flag. */
    @Override
    protected Outcome retained() {
        String kafkaTopic = kafkaTopic("retained");
        try (InteropClient in = client("in-retained")) {
            in.publish("interop/retained/a", "kept".getBytes(StandardCharsets.UTF_8), 1, true);
            try {
                runConnector(name("source-retained"), sourceProps("interop/retained/+", kafkaTopic, 1).build(), 1);
                ConsumerRecord<byte[], byte[]> record = connect.consume(kafkaTopic, 1, WAIT).get(0);
                assertEquals("kept", new String(record.value(), StandardCharsets.UTF_8));
                assertEquals("false", header(record, "mqtt.retained"), "Moquette drops the RETAIN flag");
            } finally {
                in.publish("interop/retained/a", new byte[0], 1, true);
            }
        }
        return Outcome.limited("a retained message reaches a new subscription without its RETAIN flag "
            + "(header mqtt.retained=false)");
    }

    @Override
    protected Outcome sharedSubscriptions() {
        return mqtt5Refused();
    }

    /**
     * Moquette 0.17 does not restore the session of a client that was connected when it stopped: the connector
     * reconnects to no session (CONNACK session present 0, logged at WARN) and subscribes again.
     */
    @Override
    protected Outcome brokerRestart() {
        String kafkaTopic = kafkaTopic("restart");
        String name = name("source-restart");
        restartMidStream(name, kafkaTopic, true);
        assertAllPayloads(kafkaTopic, 0, 2 * 10);
        statusFailingFast(name, "after the broker restart");
        return Outcome.limited("the session of a client connected when the broker stops is not restored (CONNACK"
            + " session present 0): messages published before the connector has reconnected and subscribed again"
            + " are lost; the connector logs this at WARN");
    }
}
