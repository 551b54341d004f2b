package io.mqttbridge.testkit.mqtt;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Starts test brokers: a Mosquitto process when its binary is found (environment variable {@code MOSQUITTO_BIN},
 * then {@code mosquitto} on the {@code PATH}, then {@code /usr/sbin/mosquitto}), else the embedded broker.
 */
public final class MqttBrokers {

  private MqttBrokers() {
  }

  /** A Mosquitto process when the binary exists, else the embedded broker; started and listening. */
  public static MqttBroker start(BrokerConfig config) {
    Optional<Path> mosquitto = mosquittoBinary();
    return mosquitto.isPresent() ? MosquittoBroker.start(mosquitto.get(), config) : startEmbedded(config);
  }

  /** A Mosquitto process; fails when no binary is found. */
  public static MosquittoBroker startMosquitto(BrokerConfig config) {
    Path binary = mosquittoBinary().orElseThrow(() -> new IllegalStateException(
        "No mosquitto binary: set MOSQUITTO_BIN, put mosquitto on the PATH or install it at /usr/sbin/mosquitto"));
    return MosquittoBroker.start(binary, config);
  }

  /** The embedded broker, whether or not Mosquitto is installed. */
  public static MqttBroker startEmbedded(BrokerConfig config) {
    return EmbeddedHiveMqBroker.start(config);
  }

  /** The Mosquitto binary that {@link #start(BrokerConfig)} would use. */
  public static Optional<Path> mosquittoBinary() {
    return findExecutable("MOSQUITTO_BIN", "mosquitto", List.of(Path.of("/usr/sbin/mosquitto")));
  }

  static Optional<Path> findExecutable(String envVariable, String name, List<Path> fallbacks) {
    List<Path> candidates = new ArrayList<>();
    String fromEnv = System.getenv(envVariable);
    if (fromEnv != null && !fromEnv.isBlank()) {
      candidates.add(Path.of(fromEnv));
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String entry : path.split(java.io.File.pathSeparator)) {
        if (!entry.isEmpty()) {
          candidates.add(Path.of(entry, name));
        }
      }
    }
    candidates.addAll(fallbacks);
    return candidates.stream().filter(p -> Files.isRegularFile(p) && Files.isExecutable(p)).findFirst();
  }
}
