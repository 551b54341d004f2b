package io.mqttbridge.testkit.mqtt;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.embedded.EmbeddedHiveMQBuilder;
import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthOutput;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import com.hivemq.extension.sdk.api.packets.connect.ConnectPacket;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import io.mqttbridge.testkit.tls.TlsMaterial;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fallback broker when Mosquitto is not installed: HiveMQ Community Edition running inside the test JVM
 * ({@code com.hivemq.embedded.EmbeddedHiveMQ}), with a generated {@code conf/config.xml}, {@code data/} and an empty
 * {@code extensions/} folder in its own temporary directory. Ports are chosen once and kept across restarts.
 *
 * <p>How {@link BrokerConfig} maps onto HiveMQ, and where it differs from {@link MosquittoBroker}:
 * <ul>
 *   <li>a plain {@code tcp-listener} on 127.0.0.1; a {@code tls-tcp-listener} on 127.0.0.1 with the server key
 *       store and CA trust store (PKCS12) of {@link BrokerConfig#tls()}, client authentication {@code REQUIRED}
 *       with {@link BrokerConfig#requireClientCertificate()}, else {@code NONE};</li>
 *   <li>users: an in-process extension with a {@link SimpleAuthenticator} (HiveMQ CE has no password file); once
 *       users are set, anonymous clients and wrong passwords get CONNACK "bad user name or password";</li>
 *   <li>{@link BrokerConfig#maxQueuedMessages()} is {@code max-queue-size}; 0 (unlimited) becomes
 *       {@value #UNLIMITED_QUEUE_SIZE} since HiveMQ has no unlimited setting, far beyond what a test queues;</li>
 *   <li>{@link BrokerConfig#maxInflightMessages()} becomes {@code server-receive-maximum} (capped at 65535, 0 meaning
 *       65535): the window of QoS 1/2 publishes a client may send unacknowledged. What HiveMQ sends to a client is
 *       bounded by that client's own Receive Maximum (MQTT 5) or HiveMQ's fixed internal window of 50 (3.1.1);
 *       there is no per-broker setting for it, unlike Mosquitto's {@code max_inflight_messages}. Measured with
 *       2025.5: while a client holds any unacknowledged QoS 1/2 message, HiveMQ sends it no new messages (they wait
 *       in its queue) until all in flight are acknowledged; after a reconnect it resends the in-flight ones (DUP)
 *       and again waits for their acks. A test that acknowledges only some messages and expects more to arrive
 *       passes on Mosquitto and stalls here;</li>
 *   <li>persistence on is {@code <mode>file</mode>} in {@code data/} (sessions, subscriptions and queued messages
 *       survive {@link #stop()}/{@link #start()}); off is {@code in-memory}. HiveMQ acknowledges an incoming publish
 *       only after it is in its persistence, whatever {@link BrokerConfig#saveOnEveryChange()} says;</li>
 *   <li>{@link BrokerConfig#extraConfig()} lines are Mosquitto syntax: they are ignored with a logged warning;</li>
 *   <li>{@link #kill()} cannot kill a process, as there is none: it is the same orderly shutdown as {@link #stop()}
 *       (clients lose their connections, HiveMQ persists its state). A test that needs a real crash must run on
 *       Mosquitto ({@code MQTT_TEST_BROKER=mosquitto}).</li>
 * </ul>
 *
 * <p>HiveMQ logs through SLF4J; its logback bootstrap is switched off, so the test's own binding (log4j) receives
 * its messages. Without {@code hivemq.home} (system property) or {@code HIVEMQ_HOME} HiveMQ would use the directory
 * of its jar in the local Maven repository as home and create a {@code log/} folder there; this class then sets
 * {@code hivemq.home} to a fixed directory under {@code java.io.tmpdir}, the same for every broker of the JVM.
 *
 * <p>Several of these brokers may run in one JVM. Their starts are serialized, because HiveMQ hands services to
 * embedded extensions through JVM-wide static fields ({@link Services}).
 */
public final class EmbeddedHiveMqBroker implements MqttBroker {

  /** The queue limit that stands for "unlimited" ({@link BrokerConfig#maxQueuedMessages()} 0). */
  public static final long UNLIMITED_QUEUE_SIZE = Integer.MAX_VALUE;

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedHiveMqBroker.class);
  private static final String VERSION = "2025.5";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final int MAX_RECEIVE_MAXIMUM = 65535;
  /** Serializes starts across brokers: see the class comment on {@link Services}. */
  private static final Object START_LOCK = new Object();

  private final BrokerConfig config;
  private final Path dir;
  private final Path confDir;
  private final Path dataDir;
  private final Path extensionsDir;
  private final Thread shutdownHook;
  private int tcpPort;
  private int sslPort;
  private EmbeddedHiveMQ hivemq;

  private EmbeddedHiveMqBroker(BrokerConfig config) {
    this.config = config;
    try {
      this.dir = Files.createTempDirectory("hivemq-");
      this.confDir = Files.createDirectories(dir.resolve("conf"));
      this.dataDir = Files.createDirectories(dir.resolve("data"));
      this.extensionsDir = Files.createDirectories(dir.resolve("extensions"));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a temporary directory for the embedded HiveMQ broker", e);
    }
    if (!config.extraConfig().isEmpty()) {
      LOG.warn("Ignoring {} extraConfig line(s): they are Mosquitto configuration, which the embedded HiveMQ broker"
          + " does not read. Force Mosquitto with MQTT_TEST_BROKER=mosquitto if the test needs them.",
          config.extraConfig().size());
    }
    // A test JVM that ends without close() must not leave RocksDB/Xodus files half written.
    this.shutdownHook = new Thread(this::stopQuietly, "hivemq-shutdown-" + dir.getFileName());
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Creates the directory and configuration and starts the broker. */
  public static EmbeddedHiveMqBroker start(BrokerConfig config) {
    EmbeddedHiveMqBroker broker = new EmbeddedHiveMqBroker(config);
    try {
      broker.firstStart();
    } catch (RuntimeException e) {
      broker.close();
      throw e;
    }
    return broker;
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
    return "hivemq-ce-embedded " + VERSION;
  }

  /** The broker's directory: {@code conf/config.xml}, {@code data/}, {@code extensions/}. */
  public Path directory() {
    return dir;
  }

  @Override
  public synchronized void start() {
    if (hivemq != null) {
      return;
    }
    launch();
    awaitListening();
  }

  @Override
  public synchronized void stop() {
    EmbeddedHiveMQ running = hivemq;
    if (running == null) {
      return;
    }
    hivemq = null;
    try {
      // close() stops (running HiveMQ's shutdown hooks: persistence is flushed) and ends its state executor.
      running.stop().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      running.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while stopping the embedded HiveMQ broker", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("The embedded HiveMQ broker did not stop cleanly within " + STOP_TIMEOUT
          + ": " + e, e);
    }
  }

  /** Not a SIGKILL: the same orderly shutdown as {@link #stop()}, since HiveMQ runs inside this JVM. */
  @Override
  public void kill() {
    stop();
  }

  @Override
  public synchronized boolean isRunning() {
    return hivemq != null;
  }

  @Override
  public synchronized void close() {
    stopQuietly();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down; the hook runs anyway
    }
    MosquittoBroker.deleteRecursively(dir);
  }

  @Override
  public String toString() {
    return kind() + " " + tcpUri() + (config.tls().isPresent() ? " " + sslUri() : "") + " in " + dir;
  }

  private void firstStart() {
    // A free port can be taken by someone else before HiveMQ binds it: pick new ports and retry a few times.
    for (int attempt = 1; ; attempt++) {
      tcpPort = MosquittoBroker.freePort();
      sslPort = config.tls().isPresent() ? MosquittoBroker.freePort() : 0;
      writeConfig();
      try {
        launch();
        awaitListening();
        return;
      } catch (IllegalStateException e) {
        stopQuietly();
        if (attempt >= 3) {
          throw e;
        }
        LOG.info("Embedded HiveMQ did not come up on ports {}/{} (attempt {}): {}; retrying on new ports", tcpPort,
            sslPort, attempt, e.getMessage());
      }
    }
  }

  private void launch() {
    synchronized (START_LOCK) {
      useTemporaryHomeUnlessSet();
      EmbeddedHiveMQBuilder builder = EmbeddedHiveMQ.builder()
          .withConfigurationFolder(confDir)
          .withDataFolder(dataDir)
          .withExtensionsFolder(extensionsDir)
          // HiveMQ's logging bootstrap needs logback, which the test kit leaves out: log through plain SLF4J.
          .withoutLoggingBootstrap();
      if (!config.users().isEmpty()) {
        builder.withEmbeddedExtension(EmbeddedExtension.builder()
            .withId("mqttbridge-testkit-users")
            .withName("mqttbridge testkit users")
            .withVersion("1")
            .withAuthor("mqtt-cloud-bridge")
            .withPriority(1000)
            .withStartPriority(1000)
            .withExtensionMain(new UsersExtension(config.users()))
            .build());
      }
      EmbeddedHiveMQ started = builder.build();
      try {
        started.start().get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        closeQuietly(started);
        throw new IllegalStateException("Interrupted while starting the embedded HiveMQ broker", e);
      } catch (ExecutionException | TimeoutException | CompletionException e) {
        closeQuietly(started);
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        throw new IllegalStateException("The embedded HiveMQ broker did not start (configuration "
            + confDir.resolve("config.xml") + "): " + cause, cause);
      }
      hivemq = started;
    }
  }

  private static void useTemporaryHomeUnlessSet() {
    if (System.getProperty("hivemq.home") == null && System.getenv("HIVEMQ_HOME") == null) {
      Path home = Path.of(System.getProperty("java.io.tmpdir"), "mqttbridge-testkit-hivemq-home");
      try {
        Files.createDirectories(home);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot create " + home + " as HiveMQ's home directory", e);
      }
      // HiveMQ itself sets this property once it has resolved its home: the value is the same for every broker.
      System.setProperty("hivemq.home", home.toString());
    }
  }

  private void awaitListening() {
    List<Integer> ports = new ArrayList<>();
    ports.add(tcpPort);
    if (sslPort != 0) {
      ports.add(sslPort);
    }
    // HiveMQ completes its start future after binding, but logs (rather than fails) a listener it could not bind.
    for (int port : ports) {
      if (!accepts(port)) {
        throw new IllegalStateException("The embedded HiveMQ broker started but does not listen on 127.0.0.1:" + port
            + " (port taken?); configuration " + confDir.resolve("config.xml"));
      }
    }
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private void writeConfig() {
    List<String> xml = new ArrayList<>();
    xml.add("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    xml.add("<!-- generated by io.mqttbridge.testkit.mqtt.EmbeddedHiveMqBroker -->");
    xml.add("<hivemq>");
    xml.add("  <listeners>");
    xml.add("    <tcp-listener>");
    xml.add("      <port>" + tcpPort + "</port>");
    xml.add("      <bind-address>127.0.0.1</bind-address>");
    xml.add("    </tcp-listener>");
    config.tls().ifPresent(tls -> xml.addAll(tlsListener(tls)));
    xml.add("  </listeners>");
    xml.add("  <mqtt>");
    xml.add("    <queued-messages>");
    xml.add("      <max-queue-size>"
        + (config.maxQueuedMessages() == 0 ? UNLIMITED_QUEUE_SIZE : config.maxQueuedMessages()) + "</max-queue-size>");
    xml.add("      <strategy>discard</strategy>");
    xml.add("    </queued-messages>");
    xml.add("    <receive-maximum>");
    int inflight = config.maxInflightMessages();
    int receiveMaximum = inflight == 0 ? MAX_RECEIVE_MAXIMUM : Math.min(inflight, MAX_RECEIVE_MAXIMUM);
    xml.add("      <server-receive-maximum>" + receiveMaximum + "</server-receive-maximum>");
    xml.add("    </receive-maximum>");
    xml.add("  </mqtt>");
    xml.add("  <persistence>");
    xml.add("    <mode>" + (config.persistence() ? "file" : "in-memory") + "</mode>");
    xml.add("  </persistence>");
    xml.add("  <anonymous-usage-statistics>");
    xml.add("    <enabled>false</enabled>");
    xml.add("  </anonymous-usage-statistics>");
    xml.add("</hivemq>");
    Path file = confDir.resolve("config.xml");
    try {
      Files.write(file, xml, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
  }

  private List<String> tlsListener(TlsMaterial tls) {
    String password = xmlText(tls.password());
    return List.of(
        "    <tls-tcp-listener>",
        "      <port>" + sslPort + "</port>",
        "      <bind-address>127.0.0.1</bind-address>",
        "      <tls>",
        "        <keystore>",
        "          <path>" + xmlText(tls.serverKeystore("PKCS12").toAbsolutePath().toString()) + "</path>",
        "          <password>" + password + "</password>",
        "          <private-key-password>" + password + "</private-key-password>",
        "        </keystore>",
        "        <truststore>",
        "          <path>" + xmlText(tls.truststore("PKCS12").toAbsolutePath().toString()) + "</path>",
        "          <password>" + password + "</password>",
        "        </truststore>",
        "        <client-authentication-mode>" + (config.requireClientCertificate() ? "REQUIRED" : "NONE")
            + "</client-authentication-mode>",
        "      </tls>",
        "    </tls-tcp-listener>");
  }

  private static String xmlText(String value) {
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private void stopQuietly() {
    try {
      stop();
    } catch (RuntimeException e) {
      LOG.warn("The embedded HiveMQ broker in {} did not stop cleanly: {}", dir, e.toString());
    }
  }

  private static void closeQuietly(EmbeddedHiveMQ instance) {
    try {
      instance.close();
    } catch (ExecutionException | RuntimeException e) {
      // already failed; the start error is what matters
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Registers an authenticator that accepts exactly the configured users. */
  private static final class UsersExtension implements ExtensionMain {
    private final Map<String, String> users;

    UsersExtension(Map<String, String> users) {
      this.users = Map.copyOf(users);
    }

    @Override
    public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
      SimpleAuthenticator authenticator = new PasswordAuthenticator(users);
      Services.securityRegistry().setAuthenticatorProvider(providerInput -> authenticator);
    }

    @Override
    public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {
      // HiveMQ drops the extension's registrations itself
    }
  }

  /** User name and password check; the password is compared in constant time and never logged. */
  private static final class PasswordAuthenticator implements SimpleAuthenticator {
    private final Map<String, String> users;

    PasswordAuthenticator(Map<String, String> users) {
      this.users = users;
    }

    @Override
    public void onConnect(SimpleAuthInput input, SimpleAuthOutput output) {
      ConnectPacket connect = input.getConnectPacket();
      String expected = connect.getUserName().map(users::get).orElse(null);
      byte[] given = connect.getPassword().map(PasswordAuthenticator::bytes).orElse(null);
      if (expected != null && given != null
          && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given)) {
        output.authenticateSuccessfully();
      } else {
        output.failAuthentication(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD,
            "unknown user, missing or wrong password");
      }
    }

    private static byte[] bytes(ByteBuffer buffer) {
      ByteBuffer copy = buffer.asReadOnlyBuffer();
      byte[] out = new byte[copy.remaining()];
      copy.get(out);
      return out;
    }
  }
}
