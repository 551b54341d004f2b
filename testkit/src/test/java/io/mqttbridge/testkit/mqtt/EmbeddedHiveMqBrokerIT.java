package io.mqttbridge.testkit.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttbridge.testkit.tls.TlsMaterial;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded fallback broker, started directly and through {@code MQTT_TEST_BROKER=embedded}. */
class EmbeddedHiveMqBrokerIT {

  private static final Duration WAIT = Duration.ofSeconds(15);

  @TempDir
  Path tmp;

  @Test
  void selectorForcesTheEmbeddedBrokerAndRejectsUnknownKinds() {
    String before = System.getProperty(MqttBrokers.BROKER_SELECTOR);
    try {
      System.setProperty(MqttBrokers.BROKER_SELECTOR, "Embedded");
      try (MqttBroker broker = MqttBrokers.start(BrokerConfig.plain())) {
        assertEquals("hivemq-ce-embedded 2025.5", broker.kind());
        assertTrue(broker.isRunning());
      }
      System.setProperty(MqttBrokers.BROKER_SELECTOR, "docker");
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> MqttBrokers.start(BrokerConfig.plain()));
      assertTrue(e.getMessage().contains("embedded, mosquitto or auto"), e.getMessage());
    } finally {
      if (before == null) {
        System.clearProperty(MqttBrokers.BROKER_SELECTOR);
      } else {
        System.setProperty(MqttBrokers.BROKER_SELECTOR, before);
      }
    }
  }

  @Test
  void publishAndSubscribeAtEveryQosWithPahoV5AndV3() throws Exception {
    try (EmbeddedHiveMqBroker broker = MqttBrokers.startEmbedded(BrokerConfig.plain())) {
      assertTrue(broker.tcpUri().startsWith("tcp://127.0.0.1:"), broker.tcpUri());
      assertThrows(IllegalStateException.class, broker::sslUri);
      MqttClient v5 = TestClients.connect(broker.tcpUri(), "v5", TestClients.options(true));
      org.eclipse.paho.client.mqttv3.MqttClient v3 = connectV3(broker.tcpUri(), "v3", true);
      try {
        List<String> atV5 = TestClients.subscribe(v5, "qos/#", 2);
        List<String> atV3 = subscribeV3(v3, "qos/#", 2);
        for (int qos = 0; qos <= 2; qos++) {
          v5.publish("qos/" + qos, ("v5-" + qos).getBytes(StandardCharsets.UTF_8), qos, false);
          v3.publish("qos/" + qos, ("v3-" + qos).getBytes(StandardCharsets.UTF_8), qos, false);
        }
        List<String> expected = List.of("v5-0", "v3-0", "v5-1", "v3-1", "v5-2", "v3-2");
        Awaitility.await().atMost(WAIT).until(() -> atV5.containsAll(expected) && atV3.containsAll(expected));
        assertEquals(6, atV5.size(), atV5.toString());
        assertEquals(6, atV3.size(), atV3.toString());
      } finally {
        TestClients.closeQuietly(v5);
        closeQuietly(v3);
      }
    }
  }

  @Test
  void persistentSessionsKeepQueuedMessagesAcrossStopAndStart() throws Exception {
    try (EmbeddedHiveMqBroker broker = MqttBrokers.startEmbedded(BrokerConfig.plain())) {
      String uri = broker.tcpUri();
      MqttClient v5 = TestClients.connect(uri, "durable-v5", TestClients.options(false));
      TestClients.subscribe(v5, "durable/t", 2);
      v5.disconnect();
      v5.close();
      org.eclipse.paho.client.mqttv3.MqttClient v3 = connectV3(uri, "durable-v3", false);
      v3.subscribe("durable/t", 1);
      v3.disconnect();
      v3.close();

      MqttClient publisher = TestClients.connect(uri, "pub", TestClients.options(true));
      for (int i = 0; i < 100; i++) {
        publisher.publish("durable/t", Integer.toString(i).getBytes(StandardCharsets.UTF_8), 1 + i % 2, false);
      }
      TestClients.closeQuietly(publisher);

      broker.stop();
      assertFalse(broker.isRunning());
      assertThrows(MqttException.class, () -> TestClients.connect(uri, "down", TestClients.options(true)));
      broker.kill(); // no-op when stopped
      broker.start();
      assertTrue(broker.isRunning());
      assertEquals(uri, broker.tcpUri());

      Set<String> expected = IntStream.range(0, 100).mapToObj(Integer::toString).collect(Collectors.toSet());
      List<String> atV5 = new CopyOnWriteArrayList<>();
      MqttClient again =
          new MqttClient(uri, "durable-v5", new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
      again.setCallback(new CollectingV5Callback(atV5));
      List<String> atV3 = new CopyOnWriteArrayList<>();
      org.eclipse.paho.client.mqttv3.MqttClient againV3 = new org.eclipse.paho.client.mqttv3.MqttClient(uri,
          "durable-v3", new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
      againV3.setCallback(new CollectingV3Callback(atV3));
      try {
        again.connect(TestClients.options(false));
        againV3.connect(v3Options(false));
        Awaitility.await().atMost(WAIT)
            .until(() -> new HashSet<>(atV5).containsAll(expected) && new HashSet<>(atV3).containsAll(expected));
      } finally {
        TestClients.closeQuietly(again);
        closeQuietly(againV3);
      }
    }
  }

  @Test
  void withoutPersistenceARestartForgetsSessions() throws Exception {
    try (EmbeddedHiveMqBroker broker = MqttBrokers.startEmbedded(BrokerConfig.builder().persistence(false).build())) {
      assertTrue(Files.readString(broker.directory().resolve("conf/config.xml")).contains("<mode>in-memory</mode>"));
      MqttClient client = TestClients.connect(broker.tcpUri(), "forgotten", TestClients.options(false));
      TestClients.subscribe(client, "gone/t", 1);
      client.disconnect();
      client.close();
      broker.kill();
      broker.start();
      // MQTT 5 CONNACK: session present is false when the broker no longer knows the session
      assertFalse(sessionPresent(broker.tcpUri(), "forgotten"), "in-memory broker kept a session across restart");
    }
  }

  @Test
  void persistentBrokerReportsTheSessionAfterRestart() throws Exception {
    try (EmbeddedHiveMqBroker broker = MqttBrokers.startEmbedded(BrokerConfig.plain())) {
      assertTrue(Files.readString(broker.directory().resolve("conf/config.xml")).contains("<mode>file</mode>"));
      assertFalse(sessionPresent(broker.tcpUri(), "kept"), "fresh broker knows a session it never saw");
      broker.kill();
      broker.start();
      assertTrue(sessionPresent(broker.tcpUri(), "kept"), "file persistence lost a session across restart");
    }
  }

  @Test
  void queueLimitDropsWhatExceedsIt() throws Exception {
    BrokerConfig config = BrokerConfig.builder().maxQueuedMessages(5).extraConfig("max_keepalive 60").build();
    try (EmbeddedHiveMqBroker broker = MqttBrokers.startEmbedded(config)) {
      String conf = Files.readString(broker.directory().resolve("conf/config.xml"));
      assertTrue(conf.contains("<max-queue-size>5</max-queue-size>"), conf);
      assertFalse(conf.contains("max_keepalive"), "Mosquitto lines must not reach HiveMQ's config");
      MqttClient sub = TestClients.connect(broker.tcpUri(), "limited", TestClients.options(false));
      TestClients.subscribe(sub, "limit/t", 1);
      sub.disconnect();
      sub.close();
      MqttClient publisher = TestClients.connect(broker.tcpUri(), "pub", TestClients.options(true));
      for (int i = 0; i < 20; i++) {
        publisher.publish("limit/t", Integer.toString(i).getBytes(StandardCharsets.UTF_8), 1, false);
      }
      TestClients.closeQuietly(publisher);
      List<String> received = new CopyOnWriteArrayList<>();
      MqttClient again = new MqttClient(broker.tcpUri(), "limited",
          new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
      again.setCallback(new CollectingV5Callback(received));
      try {
        again.connect(TestClients.options(false));
        // the marker is queued behind whatever the broker kept, so once it is here nothing else is coming
        MqttClient late = TestClients.connect(broker.tcpUri(), "late-pub", TestClients.options(true));
        try {
          late.publish("limit/t", "marker".getBytes(StandardCharsets.UTF_8), 1, false);
        } finally {
          TestClients.closeQuietly(late);
        }
        Awaitility.await().atMost(WAIT).until(() -> received.contains("marker"));
        // "discard" keeps the oldest: later ones were refused while the queue was full
        assertEquals(List.of("0", "1", "2", "3", "4", "marker"), received);
      } finally {
        TestClients.closeQuietly(again);
      }
    }
  }

  @Test
  void tlsAndMutualTls() throws Exception {
    TlsMaterial tls = TlsMaterial.generate(tmp.resolve("tls"));
    TlsMaterial otherCa = TlsMaterial.generate(tmp.resolve("other"));
    try (EmbeddedHiveMqBroker broker = MqttBrokers.startEmbedded(BrokerConfig.builder().tls(tls).build())) {
      assertTrue(broker.sslUri().startsWith("ssl://localhost:"));
      MqttClient client = TestClients.connect(broker.sslUri(), "tls", TestClients.tls(tls.clientSslContext(false)));
      try {
        List<String> received = TestClients.subscribe(client, "tls/t", 1);
        client.publish("tls/t", "secret".getBytes(StandardCharsets.UTF_8), 1, false);
        Awaitility.await().atMost(WAIT).until(() -> received.contains("secret"));
      } finally {
        TestClients.closeQuietly(client);
      }
      assertThrows(MqttException.class,
          () -> TestClients.connect(broker.sslUri(), "wrong-ca", TestClients.tls(otherCa.clientSslContext(false))));
      String conf = Files.readString(broker.directory().resolve("conf/config.xml"));
      assertTrue(conf.contains("<client-authentication-mode>NONE</client-authentication-mode>"), conf);
    }
    try (EmbeddedHiveMqBroker broker = MqttBrokers.startEmbedded(
        BrokerConfig.builder().tls(tls).requireClientCertificate(true).build())) {
      TestClients.closeQuietly(
          TestClients.connect(broker.sslUri(), "mtls", TestClients.tls(tls.clientSslContext(true))));
      assertThrows(MqttException.class,
          () -> TestClients.connect(broker.sslUri(), "no-cert", TestClients.tls(tls.clientSslContext(false))));
      assertThrows(MqttException.class,
          () -> TestClients.connect(broker.sslUri(), "foreign-cert", TestClients.tls(foreignClientCert(tls, otherCa))));
      // the plain listener is still there, and TLS comes back on the same port after a restart
      TestClients.closeQuietly(TestClients.connect(broker.tcpUri(), "plain", TestClients.options(true)));
      String sslUri = broker.sslUri();
      broker.stop();
      broker.start();
      assertEquals(sslUri, broker.sslUri());
      TestClients.closeQuietly(TestClients.connect(sslUri, "mtls-again", TestClients.tls(tls.clientSslContext(true))));
    }
  }

  @Test
  void usersRequirePasswords() throws Exception {
    BrokerConfig config = BrokerConfig.builder().user("alice", "s3cret").user("bob", "other").build();
    try (EmbeddedHiveMqBroker broker = MqttBrokers.startEmbedded(config)) {
      MqttClient bob = TestClients.connect(broker.tcpUri(), "bob", credentials("bob", "other"));
      try {
        List<String> received = TestClients.subscribe(bob, "users/t", 1);
        bob.publish("users/t", "hi".getBytes(StandardCharsets.UTF_8), 1, false);
        Awaitility.await().atMost(WAIT).until(() -> received.contains("hi"));
      } finally {
        TestClients.closeQuietly(bob);
      }
      MqttException wrong = assertThrows(MqttException.class,
          () -> TestClients.connect(broker.tcpUri(), "alice", credentials("alice", "nope")));
      assertEquals(0x86, wrong.getReasonCode(), "MQTT 5 reason: bad user name or password");
      assertThrows(MqttException.class, () -> TestClients.connect(broker.tcpUri(), "anon", TestClients.options(true)));
      assertThrows(MqttException.class,
          () -> TestClients.connect(broker.tcpUri(), "mallory", credentials("mallory", "s3cret")));
      org.eclipse.paho.client.mqttv3.MqttConnectOptions v3 = v3Options(true);
      v3.setUserName("alice");
      v3.setPassword("s3cret".toCharArray());
      org.eclipse.paho.client.mqttv3.MqttClient alice = new org.eclipse.paho.client.mqttv3.MqttClient(
          broker.tcpUri(), "alice-v3", new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
      try {
        alice.connect(v3);
        assertTrue(alice.isConnected());
      } finally {
        closeQuietly(alice);
      }
      // the extension comes back with a restart
      broker.stop();
      broker.start();
      TestClients.closeQuietly(TestClients.connect(broker.tcpUri(), "bob", credentials("bob", "other")));
      assertThrows(MqttException.class, () -> TestClients.connect(broker.tcpUri(), "anon", TestClients.options(true)));
    }
  }

  @Test
  void sharedSubscriptionSpreadsMessagesOverTwoSubscribers() throws Exception {
    try (EmbeddedHiveMqBroker broker = MqttBrokers.startEmbedded(BrokerConfig.plain());
        EmbeddedHiveMqBroker second = MqttBrokers.startEmbedded(BrokerConfig.plain())) {
      // a second broker in the same JVM runs independently
      TestClients.closeQuietly(TestClients.connect(second.tcpUri(), "other", TestClients.options(true)));
      // Paho v5 1.2.5 never routes "$share/..." messages to per-subscription listeners (with Mosquitto neither):
      // collect them with a client callback, as the connector's transport does. HiveMQ hands a shared queue's
      // messages to whichever subscriber has room in its window: a small Receive Maximum makes it spread them.
      List<String> atA = new CopyOnWriteArrayList<>();
      List<String> atB = new CopyOnWriteArrayList<>();
      MqttClient a = callbackClient(broker.tcpUri(), "share-a", atA);
      MqttClient b = callbackClient(broker.tcpUri(), "share-b", atB);
      MqttClient publisher = TestClients.connect(broker.tcpUri(), "share-pub", TestClients.options(true));
      try {
        a.subscribe("$share/group/shared/+", 1);
        b.subscribe("$share/group/shared/+", 1);
        for (int i = 0; i < 100; i++) {
          publisher.publish("shared/" + (i % 7), Integer.toString(i).getBytes(StandardCharsets.UTF_8), 1, false);
        }
        Awaitility.await("100 messages over a=" + atA.size() + " b=" + atB.size()).atMost(WAIT)
            .until(() -> atA.size() + atB.size() >= 100);
        List<String> all = new ArrayList<>(atA);
        all.addAll(atB);
        assertEquals(100, new HashSet<>(all).size(), "every message once");
        assertEquals(100, all.size(), "no message twice");
        assertFalse(atA.isEmpty(), "subscriber a got nothing");
        assertFalse(atB.isEmpty(), "subscriber b got nothing");
      } finally {
        TestClients.closeQuietly(a);
        TestClients.closeQuietly(b);
        TestClients.closeQuietly(publisher);
      }
    }
  }

  private static MqttClient callbackClient(String uri, String clientId, List<String> received) throws MqttException {
    MqttClient client = new MqttClient(uri, clientId, new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
    client.setCallback(new CollectingV5Callback(received));
    MqttConnectionOptions options = TestClients.options(true);
    options.setReceiveMaximum(1);
    client.connect(options);
    return client;
  }

  private static boolean sessionPresent(String uri, String clientId) throws MqttException {
    MqttClient probe = new MqttClient(uri, clientId, new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
    try {
      return probe.connectWithResult(TestClients.options(false)).getSessionPresent();
    } finally {
      TestClients.closeQuietly(probe);
    }
  }

  private static MqttConnectionOptions credentials(String user, String password) {
    MqttConnectionOptions options = TestClients.options(true);
    options.setUserName(user);
    options.setPassword(password.getBytes(StandardCharsets.UTF_8));
    return options;
  }

  private static org.eclipse.paho.client.mqttv3.MqttConnectOptions v3Options(boolean cleanSession) {
    org.eclipse.paho.client.mqttv3.MqttConnectOptions options = new org.eclipse.paho.client.mqttv3.MqttConnectOptions();
    options.setCleanSession(cleanSession);
    options.setConnectionTimeout(5);
    options.setMqttVersion(org.eclipse.paho.client.mqttv3.MqttConnectOptions.MQTT_VERSION_3_1_1);
    return options;
  }

  private static org.eclipse.paho.client.mqttv3.MqttClient connectV3(String uri, String clientId, boolean cleanSession)
      throws org.eclipse.paho.client.mqttv3.MqttException {
    org.eclipse.paho.client.mqttv3.MqttClient client = new org.eclipse.paho.client.mqttv3.MqttClient(uri, clientId,
        new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
    client.connect(v3Options(cleanSession));
    return client;
  }

  private static List<String> subscribeV3(org.eclipse.paho.client.mqttv3.MqttClient client, String filter, int qos)
      throws org.eclipse.paho.client.mqttv3.MqttException {
    List<String> received = new CopyOnWriteArrayList<>();
    client.subscribe(filter, qos,
        (topic, message) -> received.add(new String(message.getPayload(), StandardCharsets.UTF_8)));
    return received;
  }

  private static void closeQuietly(org.eclipse.paho.client.mqttv3.MqttClient client) {
    try {
      if (client.isConnected()) {
        client.disconnect();
      }
      client.close();
    } catch (org.eclipse.paho.client.mqttv3.MqttException e) {
      // test cleanup
    }
  }

  /** Collects payloads of a reconnecting persistent session, which arrive before any subscribe call. */
  private static final class CollectingV5Callback implements org.eclipse.paho.mqttv5.client.MqttCallback {
    private final List<String> received;

    CollectingV5Callback(List<String> received) {
      this.received = received;
    }

    @Override
    public void messageArrived(String topic, org.eclipse.paho.mqttv5.common.MqttMessage message) {
      received.add(new String(message.getPayload(), StandardCharsets.UTF_8));
    }

    @Override
    public void disconnected(org.eclipse.paho.mqttv5.client.MqttDisconnectResponse response) {
    }

    @Override
    public void mqttErrorOccurred(MqttException exception) {
    }

    @Override
    public void deliveryComplete(org.eclipse.paho.mqttv5.client.IMqttToken token) {
    }

    @Override
    public void connectComplete(boolean reconnect, String serverUri) {
    }

    @Override
    public void authPacketArrived(int reasonCode, org.eclipse.paho.mqttv5.common.packet.MqttProperties properties) {
    }
  }

  /** The MQTT 3.1.1 counterpart of {@link CollectingV5Callback}. */
  private static final class CollectingV3Callback implements org.eclipse.paho.client.mqttv3.MqttCallback {
    private final List<String> received;

    CollectingV3Callback(List<String> received) {
      this.received = received;
    }

    @Override
    public void connectionLost(Throwable cause) {
    }

    @Override
    public void messageArrived(String topic, org.eclipse.paho.client.mqttv3.MqttMessage message) {
      received.add(new String(message.getPayload(), StandardCharsets.UTF_8));
    }

    @Override
    public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) {
    }
  }

  /** Trusts the broker's CA but presents a client certificate signed by another CA. */
  private static javax.net.ssl.SSLContext foreignClientCert(TlsMaterial trusted, TlsMaterial foreign) throws Exception {
    java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(foreign.clientKeystore("PKCS12"))) {
      keys.load(in, foreign.password().toCharArray());
    }
    javax.net.ssl.KeyManagerFactory kmf =
        javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, foreign.password().toCharArray());
    javax.net.ssl.TrustManagerFactory tmf =
        javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(trusted.truststore("PKCS12"))) {
      trust.load(in, trusted.password().toCharArray());
    }
    tmf.init(trust);
    javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return context;
  }
}
