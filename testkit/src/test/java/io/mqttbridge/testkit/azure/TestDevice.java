package io.mqttbridge.testkit.azure;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import org.awaitility.Awaitility;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** A plain MQTT 3.1.1 device (Paho) that speaks IoT Hub's topics by hand, for the emulator's own tests. */
final class TestDevice implements AutoCloseable {
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  record Received(String topic, String body) {
  }

  private final MqttClient client;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private volatile boolean lost;

  private TestDevice(MqttClient client) {
    this.client = client;
  }

  /** Connects with a SAS token valid for an hour, signed with {@code key}. */
  static TestDevice connect(IotHubEmulator hub, String deviceId, String key) throws MqttException {
    String token = SasToken.create(SasToken.deviceResource(hub.hostName(), deviceId), key,
        Instant.now().plusSeconds(3600));
    return connect(hub, deviceId, userName(hub, deviceId), token, hub.tls().clientSslContext(false), true);
  }

  static String userName(IotHubEmulator hub, String deviceId) {
    return hub.hostName() + "/" + deviceId + "/?api-version=2021-04-12";
  }

  static TestDevice connect(IotHubEmulator hub, String clientId, String userName, String password, SSLContext tls,
                            boolean cleanSession) throws MqttException {
    MqttClient client = new MqttClient("ssl://" + hub.gatewayHost() + ":" + IotHubEmulator.PORT, clientId,
        new MemoryPersistence());
    MqttConnectOptions options = new MqttConnectOptions();
    options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
    options.setCleanSession(cleanSession);
    options.setUserName(userName);
    if (password != null) {
      options.setPassword(password.toCharArray());
    }
    options.setSocketFactory(tls.getSocketFactory());
    options.setConnectionTimeout(10);
    options.setAutomaticReconnect(false);
    TestDevice device = new TestDevice(client);
    client.setCallback(new MqttCallback() {
      @Override
      public void connectionLost(Throwable cause) {
        device.lost = true;
      }

      @Override
      public void messageArrived(String topic, MqttMessage message) {
        device.received.add(new Received(topic, new String(message.getPayload(), StandardCharsets.UTF_8)));
      }

      @Override
      public void deliveryComplete(IMqttDeliveryToken token) {
      }
    });
    try {
      client.connect(options);
    } catch (MqttException e) {
      client.close();
      throw e;
    }
    return device;
  }

  /** Subscribes; returns the granted QoS (128 for a refusal). */
  int subscribe(String filter) throws MqttException {
    return client.subscribeWithResponse(filter, 1).getGrantedQos()[0];
  }

  void publish(String topic, String body, int qos) throws MqttException {
    client.publish(topic, body.getBytes(StandardCharsets.UTF_8), qos, false);
  }

  /** Waits for a message whose topic matches and returns it. */
  Received await(String what, Predicate<Received> matches) {
    return Awaitility.await(what).atMost(TIMEOUT).pollInterval(Duration.ofMillis(20))
        .until(() -> received.stream().filter(matches).findFirst().orElse(null), r -> r != null);
  }

  /** Publishes a twin request at QoS 0 and waits for the reply with its $rid. */
  Received request(String topic, String rid, String body) throws MqttException {
    publish(topic, body, 0);
    return await("twin reply $rid=" + rid, r -> r.topic().startsWith("$iothub/twin/res/")
        && (r.topic().endsWith("$rid=" + rid) || r.topic().contains("$rid=" + rid + "&")));
  }

  List<Received> received() {
    return List.copyOf(received);
  }

  boolean isConnected() {
    return client.isConnected() && !lost;
  }

  @Override
  public void close() {
    try {
      if (client.isConnected()) {
        client.disconnect(1000);
      }
    } catch (MqttException e) {
      // test cleanup
    }
    try {
      client.close(true);
    } catch (MqttException e) {
      // test cleanup
    }
  }
}
