package io.mqttbridge.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttbridge.testkit.mqtt.BrokerConfig;
import io.mqttbridge.testkit.mqtt.MqttBroker;
import io.mqttbridge.testkit.mqtt.MqttBrokers;
import java.util.List;

/** The scenarios against HiveMQ Community Edition, embedded in the test JVM, over MQTT 5. */
class HiveMqInteropIT extends BrokerInteropSuite {

    static final String ID = "2-hivemq";

    @Override
    protected MqttBroker startBroker(BrokerConfig config) {
        return MqttBrokers.startEmbedded(config);
    }

    @Override
    protected String resultId() {
        return ID;
    }

    @Override
    protected String mqttVersion() {
        return "5";
    }

    /**
     * HiveMQ treats topics starting with {@code $} as its own: a client that publishes to one loses its connection.
     * Subscribing to one is accepted, and the leading {@code +} does not match it.
     */
    @Override
    protected Outcome dollarTopics() {
        String kafkaTopic = kafkaTopic("dollar");
        runConnector(name("source-dollar"), sourceProps("$interop/dollar/x,+/dollar/x", kafkaTopic, 1).build(), 1);
        try (InteropClient in = client("in-dollar")) {
            IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> in.publish("$interop/dollar/x", "dollar", 1));
            assertTrue(refused.getMessage().contains("Connection lost"), refused.getMessage());
        }
        try (InteropClient in = client("in-plain")) {
            in.publish("plain/dollar/x", "plain", 1);
        }
        connect.consume(kafkaTopic, 1, WAIT);
        assertEquals(List.of("plain"), payloads(connect.consumeUntilQuiet(kafkaTopic, SETTLE, WAIT)));
        statusFailingFast(name("source-dollar"), "with a $-topic filter");
        return Outcome.limited("client PUBLISHes to $-topics are refused (the broker closes the publisher's"
            + " connection); a subscription naming one is accepted");
    }
}
