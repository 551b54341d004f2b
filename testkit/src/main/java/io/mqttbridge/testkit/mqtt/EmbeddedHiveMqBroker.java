package io.mqttbridge.testkit.mqtt;

/**
 * Not implemented yet: the HiveMQ CE embedded fallback ({@code com.hivemq.embedded.EmbeddedHiveMQ}). Until it is,
 * {@link MqttBrokers#start(BrokerConfig)} needs a Mosquitto binary.
 */
final class EmbeddedHiveMqBroker {
  private EmbeddedHiveMqBroker() {
  }

  static MqttBroker start(BrokerConfig config) {
    throw new UnsupportedOperationException("The embedded broker fallback is not implemented yet: install Mosquitto"
        + " (apt-get install mosquitto) or set MOSQUITTO_BIN to its binary");
  }
}
