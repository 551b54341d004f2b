package io.mqttbridge.testkit.mqtt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A RabbitMQ node of its own with the {@code rabbitmq_mqtt} plugin: node name, AMQP, distribution and MQTT ports,
 * Mnesia and log directories, enabled-plugins file, configuration file and Erlang cookie ({@code HOME}) all in a
 * temporary directory, so it never touches a node the machine already runs. Ports are chosen once and kept across
 * restarts, and so is the node's database (durable sessions and queued messages survive {@link #stop()}).
 *
 * <p>The server script is found through {@code RABBITMQ_SERVER_BIN}, then {@code /usr/lib/rabbitmq/bin/rabbitmq-server}
 * (Debian's {@code /usr/sbin/rabbitmq-server} switches to the {@code rabbitmq} user and drops the environment that
 * isolates the node, so it is not used). A node needs about 10 s to start on a 2-core machine: start one per suite.
 *
 * <p>How {@link BrokerConfig} maps onto RabbitMQ: at most one user, who becomes {@code default_user} with full
 * rights on {@code /} ({@code mqtt.allow_anonymous = false}); without users anonymous MQTT clients act as
 * {@code guest}. TLS is {@code mqtt.listeners.ssl.default} with the PEM files of the material, {@code verify_peer}
 * and {@code fail_if_no_peer_cert} when a client certificate is required. Queue and in-flight limits and
 * {@link BrokerConfig#extraConfig()} lines are Mosquitto's and ignored.
 */
public final class RabbitMqBroker implements MqttBroker {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final Pattern VERSION = Pattern.compile("RabbitMQ (\\d+\\.\\d+\\.\\d+)");

  private final Path script;
  private final BrokerConfig config;
  private final Path dir;
  private final Path log;
  private final String nodeName;
  private final Thread shutdownHook;
  private int amqpPort;
  private int distributionPort;
  private int tcpPort;
  private int sslPort;
  private volatile String version = "unknown";
  private volatile Process process;

  /** Creates the node's directory and configuration and starts it; returns once MQTT clients can connect. */
  public static RabbitMqBroker start(Path script, BrokerConfig config) {
    RabbitMqBroker broker = new RabbitMqBroker(script, config);
    try {
      broker.firstStart();
    } catch (RuntimeException e) {
      broker.close();
      throw e;
    }
    return broker;
  }

  private RabbitMqBroker(Path script, BrokerConfig config) {
    if (config.users().size() > 1) {
      throw new IllegalArgumentException("RabbitMqBroker supports one user (default_user), got " + config.users().size());
    }
    this.script = script;
    this.config = config;
    try {
      this.dir = Files.createTempDirectory("rabbitmq-");
      Files.createDirectories(dir.resolve("mnesia"));
      Files.createDirectories(dir.resolve("log"));
      Files.createDirectories(dir.resolve("home"));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a temporary directory for RabbitMQ", e);
    }
    this.log = dir.resolve("rabbitmq.out");
    this.nodeName = "mqttbridge-" + UUID.randomUUID().toString().substring(0, 8) + "@localhost";
    this.shutdownHook = new Thread(this::killQuietly, "rabbitmq-shutdown-" + dir.getFileName());
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  @Override
  public String tcpUri() {
    return "tcp://127.0.0.1:" + tcpPort;
  }

  @Override
  public String sslUri() {
    if (config.tls().isEmpty()) {
      throw new IllegalStateException("This broker has no TLS listener: build its BrokerConfig with tls(TlsMaterial)");
    }
    return "ssl://localhost:" + sslPort;
  }

  /** {@code rabbitmq VERSION}, the version from the node's start banner. */
  @Override
  public String kind() {
    return "rabbitmq " + version;
  }

  /** The node's name, e.g. {@code mqttbridge-1a2b3c4d@localhost}. */
  public String nodeName() {
    return nodeName;
  }

  /** The last {@code lines} lines of the node's console output. */
  public String logTail(int lines) {
    try {
      if (!Files.exists(log)) {
        return "(no output)";
      }
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  @Override
  public synchronized void start() {
    if (isRunning()) {
      return;
    }
    launch();
    awaitListening();
  }

  /** SIGTERM to the server script, which stops the node properly (it persists durable state). */
  @Override
  public synchronized void stop() {
    Process p = process;
    if (p == null) {
      return;
    }
    process = null;
    p.destroy();
    try {
      if (!p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        destroyTree(p);
        throw new IllegalStateException("RabbitMQ node " + nodeName + " did not stop within " + STOP_TIMEOUT
            + "; killed it. Output tail:\n" + logTail(20));
      }
      // the script returns once the node is down; reap what may linger (epmd is shared and left alone)
      p.descendants().forEach(ProcessHandle::destroyForcibly);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      destroyTree(p);
    }
  }

  /** SIGKILL of the Erlang VM and the script: a crash. */
  @Override
  public synchronized void kill() {
    Process p = process;
    if (p == null) {
      return;
    }
    process = null;
    destroyTree(p);
  }

  @Override
  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  @Override
  public synchronized void close() {
    try {
      stop();
    } catch (RuntimeException e) {
      killQuietly();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down; the hook runs anyway
    }
    MosquittoBroker.deleteRecursively(dir);
  }

  @Override
  public String toString() {
    return kind() + " node " + nodeName + " " + tcpUri() + (config.tls().isPresent() ? " " + sslUri() : "")
        + " in " + dir;
  }

  private void firstStart() {
    for (int attempt = 1; ; attempt++) {
      amqpPort = MosquittoBroker.freePort();
      distributionPort = MosquittoBroker.freePort();
      tcpPort = MosquittoBroker.freePort();
      sslPort = config.tls().isPresent() ? MosquittoBroker.freePort() : 0;
      writeConfig();
      try {
        start();
        return;
      } catch (IllegalStateException e) {
        killQuietly();
        if (attempt >= 2 || !logTail(50).contains("eaddrinuse")) {
          throw e;
        }
      }
    }
  }

  private void launch() {
    ProcessBuilder builder = new ProcessBuilder(script.toString())
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    Map<String, String> env = builder.environment();
    env.put("HOME", dir.resolve("home").toString()); // its own Erlang cookie
    env.put("RABBITMQ_NODENAME", nodeName);
    env.put("RABBITMQ_NODE_PORT", Integer.toString(amqpPort));
    env.put("RABBITMQ_DIST_PORT", Integer.toString(distributionPort));
    env.put("RABBITMQ_MNESIA_BASE", dir.resolve("mnesia").toString());
    env.put("RABBITMQ_LOG_BASE", dir.resolve("log").toString());
    env.put("RABBITMQ_ENABLED_PLUGINS_FILE", dir.resolve("enabled_plugins").toString());
    env.put("RABBITMQ_CONFIG_FILE", dir.resolve("rabbitmq.conf").toString());
    env.put("RABBITMQ_ADVANCED_CONFIG_FILE", dir.resolve("advanced.config").toString());
    env.put("RABBITMQ_CONF_ENV_FILE", dir.resolve("rabbitmq-env.conf").toString());
    env.put("RABBITMQ_PID_FILE", dir.resolve("rabbitmq.pid").toString());
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start " + script, e);
    }
  }

  private void awaitListening() {
    List<Integer> ports = new ArrayList<>(List.of(tcpPort));
    if (sslPort != 0) {
      ports.add(sslPort);
    }
    Process started = process;
    try {
      Awaitility.await("RabbitMQ node " + nodeName + " accepting MQTT on " + ports)
          .atMost(START_TIMEOUT)
          .pollInterval(Duration.ofMillis(200))
          .until(() -> {
            if (!started.isAlive()) {
              throw new IllegalStateException("exited with code " + started.exitValue());
            }
            // the MQTT listener opens before the node finished booting: wait for the banner's "completed"
            return logTail(5).contains("Starting broker... completed")
                && ports.stream().allMatch(RabbitMqBroker::accepts);
          });
    } catch (ConditionTimeoutException | IllegalStateException e) {
      throw new IllegalStateException("RabbitMQ node " + nodeName + " (" + script + ") did not start listening on "
          + ports + ": " + e.getMessage() + ". Output tail:\n" + logTail(30), e);
    }
    Matcher m = VERSION.matcher(logTail(400));
    if (m.find()) {
      version = m.group(1);
    }
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private void writeConfig() {
    List<String> lines = new ArrayList<>();
    lines.add("# generated by io.mqttbridge.testkit.mqtt.RabbitMqBroker");
    lines.add("listeners.tcp.default = 127.0.0.1:" + amqpPort);
    lines.add("mqtt.listeners.tcp.default = 127.0.0.1:" + tcpPort);
    lines.add("mqtt.vhost = /");
    lines.add("mqtt.exchange = amq.topic");
    if (config.users().isEmpty()) {
      lines.add("mqtt.allow_anonymous = true");
      lines.add("mqtt.default_user = guest");
      lines.add("mqtt.default_pass = guest");
    } else {
      Map.Entry<String, String> user = config.users().entrySet().iterator().next();
      lines.add("mqtt.allow_anonymous = false");
      lines.add("default_user = " + user.getKey());
      lines.add("default_pass = " + user.getValue());
    }
    config.tls().ifPresent(tls -> {
      lines.add("mqtt.listeners.ssl.default = 127.0.0.1:" + sslPort);
      lines.add("ssl_options.cacertfile = " + tls.caCertPem().toAbsolutePath());
      lines.add("ssl_options.certfile = " + tls.serverCertPem().toAbsolutePath());
      lines.add("ssl_options.keyfile = " + tls.serverKeyPem().toAbsolutePath());
      lines.add("ssl_options.verify = " + (config.requireClientCertificate() ? "verify_peer" : "verify_none"));
      lines.add("ssl_options.fail_if_no_peer_cert = " + config.requireClientCertificate());
    });
    try {
      Files.write(dir.resolve("rabbitmq.conf"), lines, StandardCharsets.UTF_8);
      Files.writeString(dir.resolve("enabled_plugins"), "[rabbitmq_mqtt].\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the RabbitMQ configuration in " + dir, e);
    }
  }

  private static void destroyTree(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
    try {
      p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void killQuietly() {
    Process p = process;
    if (p != null) {
      destroyTree(p);
    }
  }
}
