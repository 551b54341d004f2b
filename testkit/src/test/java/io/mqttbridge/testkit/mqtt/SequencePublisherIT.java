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
}
