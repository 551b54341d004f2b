package io.mqttbridge.testkit.mqtt;

/** Placeholder, replaced by the HiveMQ CE embedded broker. */
final class EmbeddedHiveMqBroker {
  private EmbeddedHiveMqBroker() {
  }

  static MqttBroker start(BrokerConfig config) {
    throw new UnsupportedOperationException("The embedded broker is not available yet");
  }
}
