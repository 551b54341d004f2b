package io.mqttbridge.testkit.mqtt;

import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import io.moquette.broker.security.IAuthenticator;
import io.mqttbridge.testkit.tls.TlsMaterial;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Moquette ({@code io.moquette:moquette-broker}), an MQTT 3.1.1 broker, embedded in the test JVM with its state in
 * its own temporary directory. Ports are chosen once and kept across restarts.
 *
 * <p>How {@link BrokerConfig} maps onto Moquette 0.17, and where it differs from {@link MosquittoBroker}:
 * <ul>
 *   <li>a plain listener on 127.0.0.1, and with {@link BrokerConfig#tls()} a TLS listener with the server key
 *       store (PKCS12); {@link BrokerConfig#requireClientCertificate()} is not supported;</li>
 *   <li>users: an {@link IAuthenticator} over {@link BrokerConfig#users()}, anonymous clients refused;</li>
 *   <li>persistence: Moquette's H2 store in {@code data/}; queues and in-flight windows are Moquette's own
 *       (an in-flight window of 10, no per-broker setting), {@link BrokerConfig#maxInflightMessages()} and
 *       {@link BrokerConfig#maxQueuedMessages()} are ignored, as are Mosquitto {@link BrokerConfig#extraConfig()}
 *       lines;</li>
 *   <li>{@value #MAX_MESSAGE_BYTES} bytes per packet: Moquette's default (8,092 bytes) would refuse ordinary payloads
 *       well below what the other brokers take;</li>
 *   <li>{@link #kill()} is the same orderly {@code stopServer()} as {@link #stop()}: there is no process.</li>
 * </ul>
 */
public final class MoquetteBroker implements MqttBroker {

  /** Largest MQTT packet the broker accepts: 1 MiB. */
  public static final int MAX_MESSAGE_BYTES = 1024 * 1024;

  private final BrokerConfig config;
  private final Path dir;
  private final Thread shutdownHook;
  private int tcpPort;
  private int sslPort;
  private Server server;

  /** Creates the directory and starts the broker. */
  public static MoquetteBroker start(BrokerConfig config) {
    MoquetteBroker broker = new MoquetteBroker(config);
    try {
      broker.firstStart();
    } catch (RuntimeException e) {
      broker.close();
      throw e;
    }
    return broker;
  }

  private MoquetteBroker(BrokerConfig config) {
    if (config.requireClientCertificate()) {
      throw new IllegalArgumentException("MoquetteBroker does not support requireClientCertificate(true)");
    }
    this.config = config;
    try {
      this.dir = Files.createTempDirectory("moquette-");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a temporary directory for Moquette", e);
    }
    this.shutdownHook = new Thread(this::stopQuietly, "moquette-shutdown-" + dir.getFileName());
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

  @Override
  public String kind() {
    return "moquette " + Server.MOQUETTE_VERSION;
  }

  @Override
  public synchronized void start() {
    if (server != null) {
      return;
    }
    Server started = new Server();
    try {
      started.startServer(new MemoryConfig(properties()), List.of(), null, authenticator(), null);
    } catch (IOException | RuntimeException e) {
      started.stopServer();
      throw new IllegalStateException("Moquette did not start on 127.0.0.1:" + tcpPort + " in " + dir + ": " + e, e);
    }
    server = started;
    for (int port : sslPort == 0 ? List.of(tcpPort) : List.of(tcpPort, sslPort)) {
      if (!accepts(port)) {
        stop();
        throw new IllegalStateException("Moquette started but does not listen on 127.0.0.1:" + port + " (port taken?)");
      }
    }
  }

  @Override
  public synchronized void stop() {
    Server running = server;
    server = null;
    if (running != null) {
      running.stopServer();
    }
  }

  /** Client ids the broker counts as connected (it handles a DISCONNECT asynchronously, after the client returns). */
  public synchronized Set<String> connectedClientIds() {
    if (server == null) {
      return Set.of();
    }
    Set<String> ids = new TreeSet<>();
    server.listConnectedClients().forEach(c -> ids.add(c.getClientID()));
    return ids;
  }

  /** Not a SIGKILL: the same orderly shutdown as {@link #stop()}, since Moquette runs inside this JVM. */
  @Override
  public void kill() {
    stop();
  }

  @Override
  public synchronized boolean isRunning() {
    return server != null;
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
    // A free port can be taken by someone else before Moquette binds it: pick new ports and retry a few times.
    for (int attempt = 1; ; attempt++) {
      tcpPort = MosquittoBroker.freePort();
      sslPort = config.tls().isPresent() ? MosquittoBroker.freePort() : 0;
      try {
        start();
        return;
      } catch (IllegalStateException e) {
        if (attempt >= 3) {
          throw e;
        }
      }
    }
  }

  private Properties properties() {
    Properties p = new Properties();
    p.setProperty("host", "127.0.0.1");
    p.setProperty("port", Integer.toString(tcpPort));
    p.setProperty("websocket_port", "disabled");
    p.setProperty("allow_anonymous", Boolean.toString(config.users().isEmpty()));
    p.setProperty("persistence_enabled", Boolean.toString(config.persistence()));
    p.setProperty("data_path", dir.resolve("data").toString() + "/");
    p.setProperty("netty.mqtt.message_size", Integer.toString(MAX_MESSAGE_BYTES));
    // no phoning home from a test
    p.setProperty("telemetry_enabled", "false");
    config.tls().ifPresent(tls -> tlsProperties(p, tls));
    return p;
  }

  private void tlsProperties(Properties p, TlsMaterial tls) {
    p.setProperty("ssl_port", Integer.toString(sslPort));
    p.setProperty("ssl_provider", "JDK");
    p.setProperty("jks_path", tls.serverKeystore("PKCS12").toAbsolutePath().toString());
    p.setProperty("key_store_type", "pkcs12");
    p.setProperty("key_store_password", tls.password());
    p.setProperty("key_manager_password", tls.password());
  }

  private IAuthenticator authenticator() {
    if (config.users().isEmpty()) {
      return null; // Moquette's own: accepts everyone, as allow_anonymous says
    }
    Map<String, String> users = config.users();
    return (clientId, username, password) -> {
      String expected = username == null ? null : users.get(username);
      return expected != null && password != null
          && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), password);
    };
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private void stopQuietly() {
    try {
      stop();
    } catch (RuntimeException e) {
      // best effort: the broker is going away with the JVM or the test
    }
  }
}
