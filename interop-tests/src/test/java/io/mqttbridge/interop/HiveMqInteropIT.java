package io.mqttbridge.interop;

import io.mqttbridge.testkit.mqtt.BrokerConfig;
import io.mqttbridge.testkit.mqtt.MqttBroker;
import io.mqttbridge.testkit.mqtt.MqttBrokers;

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
}
