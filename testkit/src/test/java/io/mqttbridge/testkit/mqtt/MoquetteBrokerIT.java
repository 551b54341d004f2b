package io.mqttbridge.testkit.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttbridge.testkit.tls.TlsMaterial;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded Moquette fixture: listeners, users, TLS, a 256 KiB payload and a session across a restart. */
class MoquetteBrokerIT {

  private static final Duration WAIT = Duration.ofSeconds(15);

  @TempDir
  Path tmp;

  @Test
  void usersTlsLargePayloadsAndSessionsAcrossARestart() throws Exception {
    TlsMaterial tls = TlsMaterial.generate(tmp);
    BrokerConfig config = BrokerConfig.builder().tls(tls).user("plant", "s3cret").build();
    try (MoquetteBroker broker = MqttBrokers.startMoquette(config)) {
      assertEquals("moquette 0.17", broker.kind());
      MqttException refused = assertThrows(MqttException.class, () -> V3Clients.connect(broker.tcpUri(), "anon",
          V3Clients.options(true, "plant", "wrong", null)));
      assertEquals(MqttException.REASON_CODE_FAILED_AUTHENTICATION, refused.getReasonCode());

      // Moquette 0.17 now and then closes a fresh connection while it still sets the session up ("SUBSCRIBE
      // received on already closed connection", seen under load): the subscriber connects again when that happens.
      AtomicReference<MqttClient> subscriberRef = new AtomicReference<>();
      AtomicReference<List<String>> receivedRef = new AtomicReference<>();
      Awaitility.await("a subscription of 'sub'").atMost(WAIT).ignoreException(MqttException.class).until(() -> {
        MqttClient client = V3Clients.connect(broker.tcpUri(), "sub", V3Clients.options(false, "plant", "s3cret",
            null));
        try {
          receivedRef.set(V3Clients.subscribe(client, "a/#", 1));
        } catch (MqttException e) {
          V3Clients.closeQuietly(client);
          throw e;
        }
        subscriberRef.set(client);
        return true;
      });
      MqttClient subscriber = subscriberRef.get();
      List<String> received = receivedRef.get();
      MqttClient publisher = V3Clients.connect(broker.sslUri(), "pub",
          V3Clients.options(true, "plant", "s3cret", tls.clientSslContext(false)));
      byte[] large = "x".repeat(256 * 1024).getBytes(StandardCharsets.UTF_8);
      publisher.publish("a/large", large, 1, false);
      Awaitility.await().atMost(WAIT).until(() -> received.size() == 2);
      assertEquals(256 * 1024, received.get(1).length());
      subscriber.disconnect();
      V3Clients.closeQuietly(subscriber);
      // Published before Moquette handled the DISCONNECT, the message goes to the closing connection and is lost.
      Awaitility.await("the broker saw 'sub' disconnect").atMost(WAIT)
          .until(() -> !broker.connectedClientIds().contains("sub"));

      publisher.publish("a/while-away", "queued".getBytes(StandardCharsets.UTF_8), 1, false);
      V3Clients.closeQuietly(publisher);
      broker.stop();
      assertFalse(broker.isRunning());
      broker.start();
      assertTrue(broker.isRunning());

      List<String> afterRestart = new CopyOnWriteArrayList<>();
      MqttClient resumed = V3Clients.connectCollecting(broker.tcpUri(), "sub",
          V3Clients.options(false, "plant", "s3cret", null), afterRestart);
      Awaitility.await("the message queued for the offline session, after the restart").atMost(WAIT)
          .until(() -> afterRestart.contains("a/while-away"));
      V3Clients.closeQuietly(resumed);
    }
  }
}
