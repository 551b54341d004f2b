package io.mqttbridge.testkit.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SequencePublisherIT {

  @TempDir
  Path tmp;

  @BeforeAll
  static void needsMosquitto() {
    assumeTrue(MqttBrokers.mosquittoBinary().isPresent(), "no mosquitto binary on this machine");
  }

  @ParameterizedTest
  @ValueSource(ints = {3, 5})
  void publishesEverySequenceNumber(int mqttVersion) throws Exception {
    try (MosquittoBroker broker = MqttBrokers.startMosquitto(BrokerConfig.builder().saveOnEveryChange(false).build())) {
      SequenceCheck check = SequenceCheck.expecting(0, 500);
      MqttClient sub = TestClients.connect(broker.tcpUri(), "seq-sub", TestClients.options(true));
      sub.subscribe(new MqttSubscription[] {new MqttSubscription("seq/t", 1)},
          new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {(t, m) -> check.recordPayload(m.getPayload())});
      try (SequencePublisher pub = SequencePublisher.builder(broker.tcpUri()).mqttVersion(mqttVersion).connect()) {
        pub.publish(0, 500, 1, "seq/t");
        assertEquals(500, pub.acknowledged());
      }
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(check::isComplete);
      assertTrue(check.isExact(), check.report());
      TestClients.closeQuietly(sub);
    }
  }

  @Test
  void retainedAndCustomPayload() throws Exception {
    try (MosquittoBroker broker = MqttBrokers.startMosquitto(BrokerConfig.plain());
        SequencePublisher pub = SequencePublisher.builder(broker.tcpUri()).retained(true)
            .payload(seq -> ("{\"seq\":" + seq + ",\"kind\":\"custom\"}").getBytes(StandardCharsets.UTF_8))
            .connect()) {
      pub.publish(7, 1, 1, "retained/t");
      MqttClient late = TestClients.connect(broker.tcpUri(), "late", TestClients.options(true));
      List<String> received = TestClients.subscribe(late, "retained/t", 1);
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("{\"seq\":7,\"kind\":\"custom\"}"));
      TestClients.closeQuietly(late);
    }
  }

  @Test
  void durableNeedsMqtt3() {
    org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
        () -> SequencePublisher.builder("tcp://127.0.0.1:1").mqttVersion(5).durable(tmp).connect());
  }

  /** A durable publisher rides out a broker stop/start in the middle of publish(): nothing is lost. */
  @ParameterizedTest
  @ValueSource(ints = {3})
  void durablePublisherKeepsPublishingAcrossBrokerRestart(int mqttVersion) throws Exception {
    int count = 3000;
    long resent;
    try (MosquittoBroker broker = MqttBrokers.startMosquitto(BrokerConfig.plain())) {
      SequenceCheck check = SequenceCheck.expecting(0, count);
      MqttClient sub = new MqttClient(broker.tcpUri(), "durable-sub", new MemoryPersistence());
      MqttConnectionOptions subOptions = TestClients.options(false);
      subOptions.setAutomaticReconnect(true);
      subOptions.setAutomaticReconnectDelay(1, 2);
      sub.setCallback(new org.eclipse.paho.mqttv5.client.MqttCallback() {
        @Override public void disconnected(org.eclipse.paho.mqttv5.client.MqttDisconnectResponse r) { }
        @Override public void mqttErrorOccurred(org.eclipse.paho.mqttv5.common.MqttException e) { }
        @Override public void messageArrived(String topic, org.eclipse.paho.mqttv5.common.MqttMessage m) {
          check.recordPayload(m.getPayload());
        }
        @Override public void deliveryComplete(org.eclipse.paho.mqttv5.client.IMqttToken t) { }
        @Override public void connectComplete(boolean reconnect, String uri) { }
        @Override public void authPacketArrived(int reason, org.eclipse.paho.mqttv5.common.packet.MqttProperties p) { }
      });
      sub.connect(subOptions);
      sub.subscribe("durable/t", 1);

      try (SequencePublisher pub = SequencePublisher.builder(broker.tcpUri()).clientId("durable-pub")
          .mqttVersion(mqttVersion).durable(tmp.resolve("pub-" + mqttVersion)).connect()) {
        CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> pub.publish(0, count, 1, "durable/t"));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> pub.acknowledged() >= count / 3);
        broker.stop();
        broker.start();
        publishing.get(); // rethrows a failed publish
        assertEquals(count, pub.acknowledged());
        resent = pub.resent();
      }
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(check::isComplete);
      assertTrue(check.missing().isEmpty(), check.report());
      System.out.println("durable publisher v" + mqttVersion + " across restart: " + check.report() + ", resent " + resent);
      TestClients.closeQuietly(sub);
    }
  }
}
