package io.mqttbridge.testkit.mqtt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A Mosquitto process with a generated {@code mosquitto.conf} in its own temporary directory: a plain listener on
 * 127.0.0.1, an optional TLS listener, an optional password file, persistence saved after every change (so a
 * SIGKILL loses nothing the broker acknowledged) and unlimited queues. Ports are chosen once and kept across
 * restarts. The broker log goes to {@code mosquitto.log} in that directory; its tail is part of every failure.
 *
 * <p>Crash safety has a gap: Mosquitto acknowledges a message before it saves the database at the end of its
 * event-loop iteration, so a {@link #kill()} can lose the last acknowledged messages. A test that must not see
 * broker-made losses calls {@link #awaitPersisted(Duration)} (with its publishers paused) before {@link #kill()}.
 */
public final class MosquittoBroker implements MqttBroker {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

  private final Path binary;
  private final BrokerConfig config;
  private final Path dir;
  private final Path log;
  private final Path conf;
  private final String version;
  private final Thread shutdownHook;
  private int tcpPort;
  private int sslPort;
  private volatile Process process;

  /** Creates the directory and configuration and starts the broker. */
  public static MosquittoBroker start(Path binary, BrokerConfig config) {
    MosquittoBroker broker = new MosquittoBroker(binary, config);
    try {
      broker.firstStart();
    } catch (RuntimeException e) {
      broker.close();
      throw e;
    }
    return broker;
  }

  private MosquittoBroker(Path binary, BrokerConfig config) {
    this.binary = binary;
    this.config = config;
    try {
      this.dir = Files.createTempDirectory("mosquitto-");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a temporary directory for Mosquitto", e);
    }
    this.log = dir.resolve("mosquitto.log");
    this.conf = dir.resolve("mosquitto.conf");
    this.version = readVersion(binary);
    // A test JVM that dies without close() must not leave brokers behind.
    this.shutdownHook = new Thread(this::killQuietly, "mosquitto-shutdown-" + dir.getFileName());
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

  /** Port of the plain listener. */
  public int tcpPort() {
    return tcpPort;
  }

  @Override
  public String kind() {
    return "mosquitto " + version;
  }

  /** The broker's directory: configuration, log, password file and persistence. */
  public Path directory() {
    return dir;
  }

  /** The broker log file. */
  public Path logFile() {
    return log;
  }

  /** The last {@code lines} lines of the broker log. */
  public String logTail(int lines) {
    try {
      if (!Files.exists(log)) {
        return "(no broker log)";
      }
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(cannot read broker log " + log + ": " + e + ")";
    }
  }

  /**
   * Waits until the broker's database file has been left unchanged for {@code quiet}: once a test has stopped
   * publishing, everything the broker acknowledged is then on disk and a following {@link #kill()} cannot lose it.
   *
   * <p>Why: Mosquitto 2.0.11 saves after the event-loop iteration that handled a change, but it sends the PUBACK
   * inside that iteration. A SIGKILL between the two loses messages the publisher already saw acknowledged, even
   * with {@code autosave_on_changes true} and {@code autosave_interval 1} (measured: killing right after a
   * synchronous QoS 1 publish loses that last message). Without persistence this returns at once.
   */
  public void awaitPersisted(Duration quiet) {
    if (!config.persistence() || !config.saveOnEveryChange()) {
      return;
    }
    Path db = dir.resolve("data").resolve("mosquitto.db");
    long quietMillis = quiet.toMillis();
    Awaitility.await("Mosquitto database " + db + " unchanged for " + quiet)
        .atMost(quiet.multipliedBy(4).plusSeconds(30))
        .pollInterval(Duration.ofMillis(Math.max(10, quietMillis / 5)))
        .until(() -> Files.exists(db)
            && System.currentTimeMillis() - Files.getLastModifiedTime(db).toMillis() >= quietMillis);
  }

  @Override
  public synchronized void start() {
    if (isRunning()) {
      return;
    }
    launch();
    awaitListening();
  }

  @Override
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    process.destroy(); // SIGTERM: Mosquitto saves its database on the way out
    try {
      if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        throw new IllegalStateException("Mosquitto did not stop within " + STOP_TIMEOUT + " after SIGTERM; killed it."
            + " Log tail:\n" + logTail(20));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    } finally {
      process = null;
    }
  }

  @Override
  public synchronized void kill() {
    if (process == null) {
      return;
    }
    process.destroyForcibly(); // SIGKILL on Linux
    try {
      process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      process = null;
    }
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
    deleteRecursively(dir);
  }

  @Override
  public String toString() {
    return kind() + " " + tcpUri() + (config.tls().isPresent() ? " " + sslUri() : "") + " in " + dir;
  }

  private void firstStart() {
    // A free port can be taken by someone else before Mosquitto binds it: pick new ports and retry a few times.
    for (int attempt = 1; ; attempt++) {
      tcpPort = freePort();
      sslPort = config.tls().isPresent() ? freePort() : 0;
      writeConfig();
      launch();
      try {
        awaitListening();
        return;
      } catch (IllegalStateException e) {
        kill();
        if (attempt >= 3 || !logTail(20).contains("Address already in use")) {
          throw e;
        }
      }
    }
  }

  private void launch() {
    ProcessBuilder builder = new ProcessBuilder(binary.toString(), "-c", conf.toString())
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start " + binary, e);
    }
  }

  private void awaitListening() {
    List<Integer> ports = new ArrayList<>();
    ports.add(tcpPort);
    if (sslPort != 0) {
      ports.add(sslPort);
    }
    Process started = process;
    try {
      Awaitility.await("Mosquitto listening on " + ports)
          .atMost(START_TIMEOUT)
          .pollInterval(Duration.ofMillis(50))
          .until(() -> {
            if (!started.isAlive()) {
              throw new IllegalStateException("exited with code " + started.exitValue());
            }
            return ports.stream().allMatch(MosquittoBroker::accepts);
          });
    } catch (ConditionTimeoutException | IllegalStateException e) {
      throw new IllegalStateException("Mosquitto (" + binary + " -c " + conf + ") did not start listening on "
          + ports + ": " + e.getMessage() + ". Log tail:\n" + logTail(20), e);
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
    lines.add("# generated by io.mqttbridge.testkit.mqtt.MosquittoBroker");
    lines.add("user root");
    lines.add("per_listener_settings false");
    lines.add("log_dest stdout");
    lines.add("log_type error");
    lines.add("log_type warning");
    lines.add("log_type notice");
    lines.add("log_type information");
    lines.add("log_timestamp_format %Y-%m-%dT%H:%M:%S");
    lines.add("connection_messages true");
    lines.add("max_inflight_messages " + config.maxInflightMessages());
    lines.add("max_queued_messages " + config.maxQueuedMessages());
    if (config.persistence()) {
      Path data = dir.resolve("data");
      try {
        Files.createDirectories(data);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot create " + data, e);
      }
      lines.add("persistence true");
      lines.add("persistence_location " + data + "/");
      if (config.saveOnEveryChange()) {
        lines.add("autosave_on_changes true");
        lines.add("autosave_interval 1");
      }
    } else {
      lines.add("persistence false");
    }
    if (config.users().isEmpty()) {
      lines.add("allow_anonymous true");
    } else {
      lines.add("allow_anonymous false");
      lines.add("password_file " + writePasswordFile());
    }
    lines.add("");
    lines.add("listener " + tcpPort + " 127.0.0.1");
    config.tls().ifPresent(tls -> {
      lines.add("");
      lines.add("listener " + sslPort + " 127.0.0.1");
      lines.add("cafile " + tls.caCertPem().toAbsolutePath());
      lines.add("certfile " + tls.serverCertPem().toAbsolutePath());
      lines.add("keyfile " + tls.serverKeyPem().toAbsolutePath());
      lines.add("require_certificate " + config.requireClientCertificate());
      lines.add("use_identity_as_username false");
    });
    if (!config.extraConfig().isEmpty()) {
      lines.add("");
      lines.addAll(config.extraConfig());
    }
    try {
      Files.write(conf, lines, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + conf, e);
    }
  }

  private Path writePasswordFile() {
    Path file = dir.resolve("passwd");
    Path tool = MqttBrokers.findExecutable("MOSQUITTO_PASSWD_BIN", "mosquitto_passwd",
            List.of(binary.resolveSibling("mosquitto_passwd"), Path.of("/usr/bin/mosquitto_passwd")))
        .orElseThrow(() -> new IllegalStateException("Users are configured but mosquitto_passwd was not found:"
            + " set MOSQUITTO_PASSWD_BIN or put it on the PATH"));
    boolean first = true;
    for (Map.Entry<String, String> user : config.users().entrySet()) {
      List<String> command = new ArrayList<>(List.of(tool.toString()));
      if (first) {
        command.add("-c");
      }
      command.addAll(List.of("-b", file.toString(), user.getKey(), user.getValue()));
      first = false;
      try {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
          // never echo the command: it holds the password
          throw new IllegalStateException("mosquitto_passwd failed for user " + user.getKey() + ": " + out.trim());
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot run " + tool, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while running mosquitto_passwd", e);
      }
    }
    return file;
  }

  private static String readVersion(Path binary) {
    try {
      Process p = new ProcessBuilder(binary.toString(), "-h").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(5, TimeUnit.SECONDS);
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("mosquitto version (\\S+)").matcher(out);
      return m.find() ? m.group(1) : "unknown";
    } catch (IOException e) {
      return "unknown";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress("127.0.0.1", 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot find a free port on 127.0.0.1", e);
    }
  }

  private void killQuietly() {
    Process p = process;
    if (p != null) {
      p.destroyForcibly();
    }
  }

  static void deleteRecursively(Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          // best effort: a leftover temp file must not fail a test
        }
      });
    } catch (IOException | UncheckedIOException e) {
      // best effort
    }
  }
}
