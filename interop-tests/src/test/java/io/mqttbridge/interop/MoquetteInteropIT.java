package io.mqttbridge.interop;

import io.mqttbridge.testkit.mqtt.BrokerConfig;
import io.mqttbridge.testkit.mqtt.MqttBroker;
import io.mqttbridge.testkit.mqtt.MqttBrokers;

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
}
