package io.mqttbridge.testkit.mqtt;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** Paho MQTT 3.1.1 clients for the brokers that speak nothing newer (Moquette 0.17, RabbitMQ 3.x). */
final class V3Clients {

  private V3Clients() {
  }

  static MqttConnectOptions options(boolean cleanSession, String user, String password, SSLContext tls) {
    MqttConnectOptions options = new MqttConnectOptions();
    options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
    options.setCleanSession(cleanSession);
    options.setConnectionTimeout(5);
    if (user != null) {
      options.setUserName(user);
      options.setPassword(password.toCharArray());
    }
    if (tls != null) {
      options.setSocketFactory(tls.getSocketFactory());
    }
    return options;
  }

  static MqttClient connect(String uri, String clientId, MqttConnectOptions options) throws MqttException {
    MqttClient client = new MqttClient(uri, clientId, new MemoryPersistence());
    client.connect(options);
    return client;
  }

  /**
   * Connects with a callback already in place that collects the topics of arriving messages, so that what a
   * resumed session delivers right after CONNACK is not missed.
   */
  static MqttClient connectCollecting(String uri, String clientId, MqttConnectOptions options, List<String> topics)
      throws MqttException {
    MqttClient client = new MqttClient(uri, clientId, new MemoryPersistence());
    client.setCallback(new MqttCallback() {
      @Override
      public void connectionLost(Throwable cause) {
      }

      @Override
      public void messageArrived(String topic, MqttMessage message) {
        topics.add(topic);
      }

      @Override
      public void deliveryComplete(IMqttDeliveryToken token) {
      }
    });
    client.connect(options);
    return client;
  }

  /** Subscribes and collects payloads as strings; returns them with the granted QoS first as "granted:N". */
  static List<String> subscribe(MqttClient client, String filter, int qos) throws MqttException {
    List<String> received = new CopyOnWriteArrayList<>();
    int granted = client.subscribeWithResponse(filter, qos,
        (topic, message) -> received.add(new String(message.getPayload(), StandardCharsets.UTF_8)))
        .getGrantedQos()[0];
    received.add("granted:" + granted);
    return received;
  }

  static void closeQuietly(MqttClient client) {
    if (client == null) {
      return;
    }
    try {
      if (client.isConnected()) {
        client.disconnect();
      }
      client.close();
    } catch (MqttException e) {
      // test cleanup
    }
  }
}
