package io.mqttbridge.testkit.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mqttbridge.testkit.tls.TlsMaterial;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.awaitility.Awaitility;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MosquittoBrokerIT {

  @TempDir
  Path tmp;

  @BeforeAll
  static void needsMosquitto() {
    assumeTrue(MqttBrokers.mosquittoBinary().isPresent(), "no mosquitto binary on this machine");
  }

  @Test
  void plainListenerPublishAndSubscribe() throws Exception {
    try (MosquittoBroker broker = MqttBrokers.startMosquitto(BrokerConfig.plain())) {
      assertTrue(broker.kind().startsWith("mosquitto "), broker.kind());
      assertTrue(broker.tcpUri().startsWith("tcp://127.0.0.1:"));
      assertThrows(IllegalStateException.class, broker::sslUri);
      String conf = Files.readString(broker.directory().resolve("mosquitto.conf"));
      assertTrue(conf.contains("autosave_on_changes true") && conf.contains("max_queued_messages 0"), conf);
      MqttClient client = TestClients.connect(broker.tcpUri(), "plain", TestClients.options(true));
      try {
        List<String> received = TestClients.subscribe(client, "plain/t", 1);
        client.publish("plain/t", "hello".getBytes(StandardCharsets.UTF_8), 1, false);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("hello"));
      } finally {
        TestClients.closeQuietly(client);
      }
    }
  }

  @Test
  void usersRequirePasswords() throws Exception {
    BrokerConfig config = BrokerConfig.builder().user("alice", "s3cret").user("bob", "other").build();
    assertFalse(config.toString().contains("s3cret"), "passwords must not appear in toString");
    try (MosquittoBroker broker = MqttBrokers.startMosquitto(config)) {
      MqttConnectionOptions good = TestClients.options(true);
      good.setUserName("bob");
      good.setPassword("other".getBytes(StandardCharsets.UTF_8));
      TestClients.closeQuietly(TestClients.connect(broker.tcpUri(), "bob", good));

      MqttConnectionOptions wrong = TestClients.options(true);
      wrong.setUserName("alice");
      wrong.setPassword("nope".getBytes(StandardCharsets.UTF_8));
      assertThrows(MqttException.class, () -> TestClients.connect(broker.tcpUri(), "alice", wrong));
      assertThrows(MqttException.class, () -> TestClients.connect(broker.tcpUri(), "anon", TestClients.options(true)));
    }
  }

  @Test
  void tlsAndMutualTls() throws Exception {
    TlsMaterial tls = TlsMaterial.generate(tmp.resolve("tls"));
    TlsMaterial otherCa = TlsMaterial.generate(tmp.resolve("other"));
    try (MosquittoBroker broker = MqttBrokers.startMosquitto(BrokerConfig.builder().tls(tls).build())) {
      assertTrue(broker.sslUri().startsWith("ssl://localhost:"));
      TestClients.closeQuietly(TestClients.connect(broker.sslUri(), "tls", TestClients.tls(tls.clientSslContext(false))));
      assertThrows(MqttException.class,
          () -> TestClients.connect(broker.sslUri(), "wrong-ca", TestClients.tls(otherCa.clientSslContext(false))));
    }
    try (MosquittoBroker broker = MqttBrokers.startMosquitto(
        BrokerConfig.builder().tls(tls).requireClientCertificate(true).build())) {
      TestClients.closeQuietly(TestClients.connect(broker.sslUri(), "mtls", TestClients.tls(tls.clientSslContext(true))));
      assertThrows(MqttException.class,
          () -> TestClients.connect(broker.sslUri(), "no-cert", TestClients.tls(tls.clientSslContext(false))));
      // a client certificate from another CA is refused by the broker
      assertThrows(MqttException.class,
          () -> TestClients.connect(broker.sslUri(), "foreign-cert", TestClients.tls(mixed(tls, otherCa))));
      // the plain listener is still there
      TestClients.closeQuietly(TestClients.connect(broker.tcpUri(), "plain", TestClients.options(true)));
    }
  }

  /** Trusts the broker's CA but presents a client certificate signed by another CA. */
  private static javax.net.ssl.SSLContext mixed(TlsMaterial trusted, TlsMaterial foreign) throws Exception {
    java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(foreign.clientKeystore("PKCS12"))) {
      keys.load(in, foreign.password().toCharArray());
    }
    javax.net.ssl.KeyManagerFactory kmf =
        javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, foreign.password().toCharArray());
    java.security.KeyStore trust = java.security.KeyStore.getInstance("JKS");
    try (var in = Files.newInputStream(trusted.truststore("JKS"))) {
      trust.load(in, trusted.password().toCharArray());
    }
    javax.net.ssl.TrustManagerFactory tmf =
        javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return context;
  }

  @Test
  void restartKeepsPortsAndStopIsGraceful() throws Exception {
    try (MosquittoBroker broker = MqttBrokers.startMosquitto(BrokerConfig.plain())) {
      String uri = broker.tcpUri();
      broker.stop();
      assertFalse(broker.isRunning());
      assertThrows(MqttException.class, () -> TestClients.connect(uri, "down", TestClients.options(true)));
      broker.start();
      assertTrue(broker.isRunning());
      assertEquals(uri, broker.tcpUri());
      TestClients.closeQuietly(TestClients.connect(uri, "up", TestClients.options(true)));
    }
  }

  /**
   * What the broker acknowledged before a SIGKILL must survive it: a persistent session's subscription and the
   * QoS 1 messages queued for it. This is what {@code autosave_on_changes true} / {@code autosave_interval 1} buy.
   */
  @Test
  void killMinusNineAfterPersistedKeepsAcknowledgedState() throws Exception {
    assertEquals(Set.of(), lostAfterKill(true, true, 300), "queued messages lost across kill -9");
  }

  /**
   * Mosquitto acks before it saves: a kill right after the last synchronous publish may lose that one message,
   * never an earlier one.
   */
  @Test
  void killMinusNineRightAfterAckCanOnlyLoseTheLastMessage() throws Exception {
    Set<Integer> lost = lostAfterKill(true, false, 300);
    assertTrue(Set.of(299).containsAll(lost), "lost " + lost);
  }

  /** Without saving on every change the same kill loses the session: proves the tests above can fail. */
  @Test
  void withoutSaveOnEveryChangeKillLosesState() throws Exception {
    assertFalse(lostAfterKill(false, false, 50).isEmpty(), "expected losses without autosave_on_changes");
  }

  private Set<Integer> lostAfterKill(boolean saveOnEveryChange, boolean awaitPersisted, int count)
      throws Exception {
    BrokerConfig config = BrokerConfig.builder().saveOnEveryChange(saveOnEveryChange).build();
    try (MosquittoBroker broker = MqttBrokers.startMosquitto(config)) {
      MqttClient subscriber = TestClients.connect(broker.tcpUri(), "durable-sub", TestClients.options(false));
      TestClients.subscribe(subscriber, "kill/t", 1);
      subscriber.disconnect();
      subscriber.close();

      MqttClient publisher = TestClients.connect(broker.tcpUri(), "pub", TestClients.options(true));
      for (int i = 0; i < count; i++) {
        publisher.publish("kill/t", Integer.toString(i).getBytes(StandardCharsets.UTF_8), 1, false); // waits for PUBACK
      }
      if (awaitPersisted) {
        broker.awaitPersisted(Duration.ofMillis(300));
      }
      broker.kill();
      TestClients.closeQuietly(publisher);
      broker.start();

      MqttClient again = new MqttClient(broker.tcpUri(), "durable-sub",
          new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
      List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
      again.setCallback(new org.eclipse.paho.mqttv5.client.MqttCallback() {
        @Override public void disconnected(org.eclipse.paho.mqttv5.client.MqttDisconnectResponse r) { }
        @Override public void mqttErrorOccurred(MqttException e) { }
        @Override public void messageArrived(String topic, org.eclipse.paho.mqttv5.common.MqttMessage m) {
          received.add(new String(m.getPayload(), StandardCharsets.UTF_8));
        }
        @Override public void deliveryComplete(org.eclipse.paho.mqttv5.client.IMqttToken t) { }
        @Override public void connectComplete(boolean reconnect, String uri) { }
        @Override public void authPacketArrived(int reason, org.eclipse.paho.mqttv5.common.packet.MqttProperties p) { }
      });
      try {
        again.connect(TestClients.options(false));
        // wait until the stream is quiet: either all arrived or nothing more will
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollDelay(Duration.ofMillis(500))
            .until(() -> received.size() >= count || quietFor(received, Duration.ofSeconds(2)));
      } finally {
        TestClients.closeQuietly(again);
      }
      Set<Integer> lost = new TreeSet<>();
      for (int i = 0; i < count; i++) {
        if (!received.contains(Integer.toString(i))) {
          lost.add(i);
        }
      }
      return lost;
    }
  }

  private static boolean quietFor(List<String> received, Duration quiet) {
    int before = received.size();
    try {
      Awaitility.await().pollDelay(quiet).atMost(quiet.plusSeconds(1)).until(() -> true);
    } catch (RuntimeException e) {
      return false;
    }
    return received.size() == before;
  }
}
