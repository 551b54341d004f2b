package io.mqttbridge.testkit.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mqttbridge.testkit.tls.TlsMaterial;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test-owned RabbitMQ node with the MQTT plugin: its version, a user, TLS, the QoS it grants, and a durable
 * session across a SIGKILL. One node for the whole class: a start takes about 10 s.
 */
class RabbitMqBrokerIT {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  Path tmp;

  @Test
  void aNodeOfItsOwnSpeaksMqttWithUsersAndTlsAndKeepsDurableSessionsAcrossACrash() throws Exception {
    assumeTrue(MqttBrokers.rabbitMqServer().isPresent(),
        "RabbitMQ is not installed (no /usr/lib/rabbitmq/bin/rabbitmq-server, RABBITMQ_SERVER_BIN unset)");
    TlsMaterial tls = TlsMaterial.generate(tmp);
    try (RabbitMqBroker broker = MqttBrokers.startRabbitMq(BrokerConfig.builder().tls(tls).user("plant", "s3cret")
        .build())) {
      assertTrue(broker.kind().matches("rabbitmq \\d+\\.\\d+\\.\\d+"), broker.kind());
      MqttException refused = assertThrows(MqttException.class, () -> V3Clients.connect(broker.tcpUri(), "anon",
          V3Clients.options(true, null, null, null)));
      assertTrue(refused.getReasonCode() == MqttException.REASON_CODE_FAILED_AUTHENTICATION
          || refused.getReasonCode() == MqttException.REASON_CODE_NOT_AUTHORIZED, refused.toString());

      MqttClient subscriber = V3Clients.connect(broker.tcpUri(), "sub", V3Clients.options(false, "plant", "s3cret",
          null));
      List<String> received = V3Clients.subscribe(subscriber, "a/#", 2);
      assertEquals("granted:1", received.get(0), "RabbitMQ has no QoS 2: it grants 1");
      MqttClient publisher = V3Clients.connect(broker.sslUri(), "pub",
          V3Clients.options(true, "plant", "s3cret", tls.clientSslContext(false)));
      publisher.publish("a/tls", "over-tls".getBytes(StandardCharsets.UTF_8), 1, false);
      Awaitility.await().atMost(WAIT).until(() -> received.contains("over-tls"));
      subscriber.disconnect();
      V3Clients.closeQuietly(subscriber);
      publisher.publish("a/while-away", "queued".getBytes(StandardCharsets.UTF_8), 1, false);
      V3Clients.closeQuietly(publisher);

      broker.kill();
      broker.start();
      List<String> afterCrash = new CopyOnWriteArrayList<>();
      MqttClient resumed = V3Clients.connectCollecting(broker.tcpUri(), "sub",
          V3Clients.options(false, "plant", "s3cret", null), afterCrash);
      Awaitility.await("the message queued for the offline session, after a SIGKILL").atMost(WAIT)
          .until(() -> afterCrash.contains("a/while-away"));
      V3Clients.closeQuietly(resumed);
    }
  }
}
