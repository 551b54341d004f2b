package io.mqttbridge.testkit.mqtt;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;

/** Paho v5 clients for fixture tests. */
final class TestClients {

  private TestClients() {
  }

  static MqttConnectionOptions options(boolean cleanStart) {
    MqttConnectionOptions options = new MqttConnectionOptions();
    options.setCleanStart(cleanStart);
    options.setSessionExpiryInterval(cleanStart ? 0L : 3600L);
    options.setConnectionTimeout(5);
    return options;
  }

  static MqttConnectionOptions tls(SSLContext context) {
    MqttConnectionOptions options = options(true);
    options.setSocketFactory(context.getSocketFactory());
    return options;
  }

  static MqttClient connect(String uri, String clientId, MqttConnectionOptions options) throws MqttException {
    MqttClient client = new MqttClient(uri, clientId, new MemoryPersistence());
    client.connect(options);
    return client;
  }

  /** Subscribes and collects payloads as strings. */
  static List<String> subscribe(MqttClient client, String filter, int qos) throws MqttException {
    List<String> received = new CopyOnWriteArrayList<>();
    client.subscribe(new org.eclipse.paho.mqttv5.common.MqttSubscription[] {
        new org.eclipse.paho.mqttv5.common.MqttSubscription(filter, qos)},
        new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {
            (topic, message) -> received.add(new String(message.getPayload(), java.nio.charset.StandardCharsets.UTF_8))});
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
    } catch (MqttException e) {
      // test cleanup
    }
    try {
      client.close();
    } catch (MqttException e) {
      // test cleanup
    }
  }
}
