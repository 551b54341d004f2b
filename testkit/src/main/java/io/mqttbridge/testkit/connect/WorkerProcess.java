package io.mqttbridge.testkit.connect;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A Kafka Connect worker ({@code ConnectDistributed}) in its own JVM, as operators run one: Kafka's jars on its class
 * path, the plugin on {@code plugin.path}, found through its service manifests. Tests kill it with SIGKILL, restart it
 * on the same REST port and group, and read its resident memory.
 *
 * <p>Defaults follow ../shared/FINDINGS.md: {@code session.timeout.ms=6000}, {@code heartbeat.interval.ms=2000} and
 * {@code scheduled.rebalance.max.delay.ms=1000} so a killed worker's tasks come back in seconds, not minutes;
 * {@code ByteArrayConverter} for keys and values like {@link ConnectCluster}. The log goes to {@link #log()}.
 */
public final class WorkerProcess implements AutoCloseable {

  /** Worker properties applied unless the caller overrides them. */
  public static final Map<String, String> DEFAULT_WORKER_PROPS = Map.of(
      "offset.flush.interval.ms", "1000",
      "key.converter", "org.apache.kafka.connect.converters.ByteArrayConverter",
      "value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter",
      "plugin.discovery", "service_load",
      "session.timeout.ms", "6000",
      "heartbeat.interval.ms", "2000",
      "scheduled.rebalance.max.delay.ms", "1000");

  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  private final Path dir;
  private final Path propertiesFile;
  private final List<String> command;
  private final URI restUrl;
  private final ConnectRestClient rest;
  private Process process;

  private WorkerProcess(Path dir, Path propertiesFile, List<String> command, URI restUrl) {
    this.dir = dir;
    this.propertiesFile = propertiesFile;
    this.command = command;
    this.restUrl = restUrl;
    this.rest = new ConnectRestClient(() -> restUrl);
  }

  /**
   * Writes the worker's properties under {@code dir}, starts it and returns once its REST API answers.
   *
   * @param dir where the properties and the log go (created if missing)
   * @param classpath the worker's class path: Kafka's jars, never the plugin's
   * @param pluginPath the {@code plugin.path} directory
   * @param bootstrapServers the Kafka cluster
   * @param workerProps overrides of {@link #DEFAULT_WORKER_PROPS} and of the generated group and topic names
   * @param jvmOptions e.g. {@code -Xmx512m}, a JFR recording; none means {@code -Xmx512m}
   */
  public static WorkerProcess start(Path dir, String classpath, Path pluginPath, String bootstrapServers,
      Map<String, String> workerProps, List<String> jvmOptions) {
    try {
      Files.createDirectories(dir);
      int port = freePort();
      String group = "worker-" + dir.getFileName();
      Map<String, String> props = new LinkedHashMap<>(DEFAULT_WORKER_PROPS);
      props.put("bootstrap.servers", bootstrapServers);
      props.put("group.id", group);
      props.put("config.storage.topic", group + "-configs");
      props.put("offset.storage.topic", group + "-offsets");
      props.put("status.storage.topic", group + "-status");
      props.put("config.storage.replication.factor", "1");
      props.put("offset.storage.replication.factor", "1");
      props.put("status.storage.replication.factor", "1");
      props.put("listeners", "http://127.0.0.1:" + port);
      props.put("plugin.path", pluginPath.toString());
      props.putAll(workerProps);
      Path file = dir.resolve("worker.properties");
      Properties properties = new Properties();
      properties.putAll(props);
      try (Writer out = Files.newBufferedWriter(file)) {
        properties.store(out, "Connect worker started by " + WorkerProcess.class.getName());
      }
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(jvmOptions.isEmpty() ? List.of("-Xmx512m") : jvmOptions);
      command.addAll(List.of("-cp", classpath, "org.apache.kafka.connect.cli.ConnectDistributed", file.toString()));
      WorkerProcess worker = new WorkerProcess(dir, file, List.copyOf(command),
          URI.create("http://127.0.0.1:" + port + "/"));
      worker.start();
      return worker;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot prepare a Connect worker in " + dir, e);
    }
  }

  /** Starts the process (again, after {@link #kill()} or {@link #stop()}) and waits for its REST API. */
  public synchronized void start() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("The worker is running (pid " + process.pid() + ")");
    }
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile())).start();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start " + command, e);
    }
    Process started = process;
    try {
      rest.awaitUp(START_TIMEOUT);
    } catch (RuntimeException | AssertionError e) {
      String why = started.isAlive() ? "did not answer" : "exited with " + started.exitValue();
      throw new IllegalStateException("The Connect worker " + why + "; log " + log() + ":\n" + tail(), e);
    }
  }

  /** SIGKILL, as a crash: no task is stopped, no offset flushed. Returns once the process is gone. */
  public synchronized void kill() {
    terminate(true);
  }

  /** SIGTERM, as an orderly shutdown (Connect stops tasks and flushes offsets); SIGKILL after 30 s. */
  public synchronized void stop() {
    terminate(false);
  }

  /** The worker's REST API. */
  public ConnectRestClient rest() {
    return rest;
  }

  /** The REST base URL; the same across restarts. */
  public URI restUrl() {
    return restUrl;
  }

  /** The running process's pid. */
  public synchronized long pid() {
    if (process == null || !process.isAlive()) {
      throw new IllegalStateException("The worker is not running");
    }
    return process.pid();
  }

  /** Resident set size of the worker process in bytes, from {@code /proc/PID/status} (Linux). */
  public long residentBytes() {
    Path status = Path.of("/proc", Long.toString(pid()), "status");
    try (Stream<String> lines = Files.lines(status)) {
      String kb = lines.filter(l -> l.startsWith("VmRSS:")).findFirst()
          .orElseThrow(() -> new IllegalStateException("No VmRSS in " + status))
          .replaceAll("[^0-9]", "");
      return Long.parseLong(kb) * 1024;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + status, e);
    }
  }

  /** The worker's combined stdout and stderr, appended across restarts. */
  public Path log() {
    return dir.resolve("worker.log");
  }

  /** The worker properties file it runs with. */
  public Path propertiesFile() {
    return propertiesFile;
  }

  /** The last lines of the log, for failure messages. */
  public String tail() {
    try {
      List<String> lines = Files.readAllLines(log());
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Stops the worker; never throws. */
  @Override
  public void close() {
    try {
      stop();
    } catch (RuntimeException e) {
      // best effort: a failing shutdown must not hide the test's result
    }
  }

  /**
   * Unpacks a plugin zip into {@code pluginPath} (which then serves as {@code plugin.path}) and returns the plugin
   * directory the zip holds.
   */
  public static Path unpackPlugin(Path zipFile, Path pluginPath) {
    try {
      Files.createDirectories(pluginPath);
      try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(zipFile))) {
        for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
          Path out = pluginPath.resolve(e.getName()).normalize();
          if (!out.startsWith(pluginPath)) {
            throw new IOException("zip entry outside the target: " + e.getName());
          }
          if (e.isDirectory()) {
            Files.createDirectories(out);
          } else {
            Files.createDirectories(out.getParent());
            Files.copy(zip, out); // this entry only; the stream stays open for the next
          }
        }
      }
      try (Stream<Path> children = Files.list(pluginPath)) {
        return children.filter(Files::isDirectory).findFirst()
            .orElseThrow(() -> new IOException("the zip holds no plugin directory"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot unpack " + zipFile + " into " + pluginPath, e);
    }
  }

  private void terminate(boolean forcibly) {
    if (process == null || !process.isAlive()) {
      return;
    }
    try {
      if (forcibly) {
        process.destroyForcibly();
      } else {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      }
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("The worker (pid " + process.pid() + ") did not exit");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while stopping the worker", e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
