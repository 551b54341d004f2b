package io.mqttbridge.testkit.mqtt;

/**
 * A real MQTT broker owned by a test: started by {@link MqttBrokers#start(BrokerConfig)}, stopped and restarted on
 * the same ports with the same configuration and persistence directory.
 */
public interface MqttBroker extends AutoCloseable {

  /** {@code tcp://127.0.0.1:PORT} of the plain listener, always present. */
  String tcpUri();

  /** {@code ssl://localhost:PORT} of the TLS listener; {@link IllegalStateException} when TLS is not configured. */
  String sslUri();

  /** What runs, e.g. {@code mosquitto 2.0.11} or {@code hivemq-ce-embedded 2025.5}. */
  String kind();

  /** Graceful shutdown; the broker persists its state. No-op when not running. */
  void stop();

  /** Abrupt end: SIGKILL of the process (an embedded broker: as abrupt as it allows). No-op when not running. */
  void kill();

  /** (Re)starts on the same ports, configuration and persistence directory; returns once it accepts connections. */
  void start();

  /** Whether the broker is running. */
  boolean isRunning();

  /** Stops the broker and deletes its files; never throws. */
  @Override
  void close();
}
