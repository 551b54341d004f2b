package io.mqttbridge.interop;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mqttbridge.testkit.mqtt.BrokerConfig;
import io.mqttbridge.testkit.mqtt.MqttBroker;
import io.mqttbridge.testkit.mqtt.MqttBrokers;

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
}
