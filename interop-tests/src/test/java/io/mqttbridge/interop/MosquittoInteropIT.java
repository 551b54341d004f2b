package io.mqttbridge.interop;

import io.mqttbridge.testkit.mqtt.BrokerConfig;
import io.mqttbridge.testkit.mqtt.MqttBroker;
import io.mqttbridge.testkit.mqtt.MqttBrokers;

/** The scenarios against a Mosquitto 2.x process, over MQTT 5. */
class MosquittoInteropIT extends BrokerInteropSuite {

    static final String ID = "1-mosquitto";

    @Override
    protected MqttBroker startBroker(BrokerConfig config) {
        return MqttBrokers.startMosquitto(config);
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
