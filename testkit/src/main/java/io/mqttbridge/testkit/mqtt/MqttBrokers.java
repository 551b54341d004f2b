package io.mqttbridge.testkit.mqtt;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Starts test brokers: a Mosquitto process when its binary is found (environment variable {@code MOSQUITTO_BIN},
 * then {@code mosquitto} on the {@code PATH}, then {@code /usr/sbin/mosquitto}), else the embedded HiveMQ CE broker
 * ({@link EmbeddedHiveMqBroker}), so that {@code mvn verify} passes on a machine with neither Mosquitto nor Docker.
 *
 * <p>{@value #BROKER_SELECTOR} forces one kind, as a system property ({@code -DMQTT_TEST_BROKER=embedded}, which
 * wins) or an environment variable: {@code embedded} always uses the embedded broker (CI uses it to test the
 * fallback), {@code mosquitto} fails when no binary is found instead of falling back. Unset, empty or {@code auto}
 * means the choice above.
 */
public final class MqttBrokers {

  /** Name of the system property and environment variable that force a broker kind. */
  public static final String BROKER_SELECTOR = "MQTT_TEST_BROKER";

  private MqttBrokers() {
  }

  /**
   * The broker {@value #BROKER_SELECTOR} asks for; without it a Mosquitto process when the binary exists, else the
   * embedded broker. Started and listening.
   */
  public static MqttBroker start(BrokerConfig config) {
    String forced = selectedKind();
    switch (forced) {
      case "embedded":
        return startEmbedded(config);
      case "mosquitto":
        return startMosquitto(config);
      case "auto":
        Optional<Path> mosquitto = mosquittoBinary();
        return mosquitto.isPresent() ? MosquittoBroker.start(mosquitto.get(), config) : startEmbedded(config);
      default:
        throw new IllegalArgumentException(BROKER_SELECTOR + " must be embedded, mosquitto or auto, was: " + forced);
    }
  }

  /** {@code embedded}, {@code mosquitto} or {@code auto}, from {@value #BROKER_SELECTOR} (property, then env). */
  static String selectedKind() {
    String value = System.getProperty(BROKER_SELECTOR);
    if (value == null || value.isBlank()) {
      value = System.getenv(BROKER_SELECTOR);
    }
    return value == null || value.isBlank() ? "auto" : value.trim().toLowerCase(Locale.ROOT);
  }

  /** A Mosquitto process; fails when no binary is found. */
  public static MosquittoBroker startMosquitto(BrokerConfig config) {
    Path binary = mosquittoBinary().orElseThrow(() -> new IllegalStateException(
        "No mosquitto binary: set MOSQUITTO_BIN, put mosquitto on the PATH or install it at /usr/sbin/mosquitto"));
    return MosquittoBroker.start(binary, config);
  }

  /** The embedded HiveMQ CE broker, whether or not Mosquitto is installed. */
  public static EmbeddedHiveMqBroker startEmbedded(BrokerConfig config) {
    return EmbeddedHiveMqBroker.start(config);
  }

  /** An embedded Moquette broker (MQTT 3.1.1 only). */
  public static MoquetteBroker startMoquette(BrokerConfig config) {
    return MoquetteBroker.start(config);
  }

  /**
   * A RabbitMQ node of its own with the MQTT plugin; fails when no server script is found (check
   * {@link #rabbitMqServer()} first to skip instead). Takes about 10 s.
   */
  public static RabbitMqBroker startRabbitMq(BrokerConfig config) {
    Path script = rabbitMqServer().orElseThrow(() -> new IllegalStateException("No RabbitMQ server script: set "
        + "RABBITMQ_SERVER_BIN or install RabbitMQ (/usr/lib/rabbitmq/bin/rabbitmq-server)"));
    return RabbitMqBroker.start(script, config);
  }

  /**
   * The script that runs a RabbitMQ node in the foreground as the current user: {@code RABBITMQ_SERVER_BIN}, else
   * {@code /usr/lib/rabbitmq/bin/rabbitmq-server}. Not the {@code PATH}'s {@code rabbitmq-server}: Debian's switches
   * to the {@code rabbitmq} user and drops the environment that keeps a test node apart from the machine's.
   */
  public static Optional<Path> rabbitMqServer() {
    String fromEnv = System.getenv("RABBITMQ_SERVER_BIN");
    List<Path> candidates = new ArrayList<>();
    if (fromEnv != null && !fromEnv.isBlank()) {
      candidates.add(Path.of(fromEnv));
    }
    candidates.add(Path.of("/usr/lib/rabbitmq/bin/rabbitmq-server"));
    return candidates.stream().filter(p -> Files.isRegularFile(p) && Files.isExecutable(p)).findFirst();
  }

  /** The Mosquitto binary that {@link #start(BrokerConfig)} would use, unless {@value #BROKER_SELECTOR} forbids. */
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
