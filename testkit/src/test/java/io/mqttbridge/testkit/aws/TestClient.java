package io.mqttbridge.testkit.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import org.awaitility.Awaitility;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * A Paho client (MQTT 5 or 3.1.1) for the emulator tests: connects over mutual TLS, records what arrives and
 * returns the reason codes the emulator answered with.
 */
abstract class TestClient implements AutoCloseable {

  static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** A message as it arrived. */
  record Received(String topic, String text, int qos, boolean retained) {
    JsonNode json() {
      try {
        return MAPPER.readTree(text);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON on " + topic + ": " + text, e);
      }
    }
  }

  final List<Received> messages = new CopyOnWriteArrayList<>();

  /** Subscribes; returns the granted QoS or the failure reason code of the SUBACK. */
  abstract int subscribe(String filter, int qos) throws Exception;

  /** Publishes; at QoS 1 waits for the PUBACK and returns its reason code (always 0 for MQTT 3.1.1). */
  abstract int publish(String topic, String payload, int qos, boolean retained) throws Exception;

  abstract boolean isConnected();

  @Override
  public abstract void close();

  int publish(String topic, String payload) throws Exception {
    return publish(topic, payload, 1, false);
  }

  /** The first message on {@code topic} that matches, waiting up to {@link #TIMEOUT}. */
  Received await(String topic, Predicate<Received> match) {
    return Awaitility.await("a message on " + topic).atMost(TIMEOUT).pollInterval(Duration.ofMillis(10))
        .until(() -> messages.stream().filter(m -> m.topic().equals(topic) && match.test(m)).findFirst()
            .orElse(null), m -> m != null);
  }

  /** The first message on {@code topic}. */
  Received await(String topic) {
    return await(topic, m -> true);
  }

  /** The first message on {@code topic} carrying {@code clientToken}. */
  JsonNode awaitToken(String topic, String clientToken) {
    return await(topic, m -> clientToken.equals(m.json().path("clientToken").asText(null))).json();
  }

  List<Received> received(String topic) {
    return messages.stream().filter(m -> m.topic().equals(topic)).toList();
  }

  void awaitDisconnected() {
    Awaitility.await("the emulator closes the connection").atMost(TIMEOUT).pollInterval(Duration.ofMillis(10))
        .until(() -> !isConnected());
  }

  static V5 v5(String uri, String clientId, SSLContext ssl) throws MqttException {
    return new V5(uri, clientId, ssl, null, null);
  }

  static V3 v3(String uri, String clientId, SSLContext ssl) throws org.eclipse.paho.client.mqttv3.MqttException {
    return new V3(uri, clientId, ssl, null);
  }

  /** Paho's MQTT 5 client. */
  static final class V5 extends TestClient {
    private final MqttAsyncClient client;
    private volatile Integer disconnectReason;

    V5(String uri, String clientId, SSLContext ssl, Will will, Integer receiveMaximum) throws MqttException {
      client = new MqttAsyncClient(uri, clientId, new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
      MqttConnectionOptions options = new MqttConnectionOptions();
      options.setCleanStart(true);
      options.setConnectionTimeout(5);
      options.setAutomaticReconnect(false);
      options.setSocketFactory(new NoDelaySocketFactory(ssl.getSocketFactory()));
      if (receiveMaximum != null) {
        options.setReceiveMaximum(receiveMaximum);
      }
      if (will != null) {
        options.setWill(will.topic(), new MqttMessage(will.payload().getBytes(StandardCharsets.UTF_8), 1, false,
            new MqttProperties()));
      }
      client.setCallback(new MqttCallback() {
        @Override
        public void disconnected(MqttDisconnectResponse response) {
          disconnectReason = response.getReturnCode();
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
          messages.add(new Received(topic, new String(message.getPayload(), StandardCharsets.UTF_8),
              message.getQos(), message.isRetained()));
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
        }

        @Override
        public void connectComplete(boolean reconnect, String serverUri) {
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
        }
      });
      client.connect(options).waitForCompletion(TIMEOUT.toMillis());
    }

    @Override
    int subscribe(String filter, int qos) throws MqttException {
      IMqttToken token = client.subscribe(filter, qos);
      token.waitForCompletion(TIMEOUT.toMillis());
      return token.getReasonCodes()[0];
    }

    void unsubscribe(String filter) throws MqttException {
      client.unsubscribe(filter).waitForCompletion(TIMEOUT.toMillis());
    }

    @Override
    int publish(String topic, String payload, int qos, boolean retained) throws MqttException {
      IMqttToken token = client.publish(topic, payload.getBytes(StandardCharsets.UTF_8), qos, retained);
      if (qos == 0) {
        return 0;
      }
      token.waitForCompletion(TIMEOUT.toMillis());
      int[] codes = token.getReasonCodes();
      return codes == null || codes.length == 0 ? 0 : codes[0];
    }

    @Override
    boolean isConnected() {
      return client.isConnected();
    }

    /** The reason code of the DISCONNECT the emulator sent, if any. */
    Integer disconnectReason() {
      return disconnectReason;
    }

    @Override
    public void close() {
      try {
        if (client.isConnected()) {
          client.disconnect().waitForCompletion(TIMEOUT.toMillis());
        }
      } catch (MqttException e) {
        // the emulator may have closed it
      }
      try {
        client.close(true);
      } catch (MqttException e) {
        // nothing left to release
      }
    }
  }

  /** Paho's MQTT 3.1.1 client. */
  static final class V3 extends TestClient {
    private final org.eclipse.paho.client.mqttv3.MqttAsyncClient client;

    V3(String uri, String clientId, SSLContext ssl, Will will) throws org.eclipse.paho.client.mqttv3.MqttException {
      client = new org.eclipse.paho.client.mqttv3.MqttAsyncClient(uri, clientId, new MemoryPersistence());
      MqttConnectOptions options = new MqttConnectOptions();
      options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
      options.setCleanSession(true);
      options.setConnectionTimeout(5);
      options.setAutomaticReconnect(false);
      options.setSocketFactory(new NoDelaySocketFactory(ssl.getSocketFactory()));
      if (will != null) {
        options.setWill(will.topic(), will.payload().getBytes(StandardCharsets.UTF_8), 1, false);
      }
      client.setCallback(new org.eclipse.paho.client.mqttv3.MqttCallback() {
        @Override
        public void connectionLost(Throwable cause) {
        }

        @Override
        public void messageArrived(String topic, org.eclipse.paho.client.mqttv3.MqttMessage message) {
          messages.add(new Received(topic, new String(message.getPayload(), StandardCharsets.UTF_8),
              message.getQos(), message.isRetained()));
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
        }
      });
      client.connect(options).waitForCompletion(TIMEOUT.toMillis());
    }

    @Override
    int subscribe(String filter, int qos) throws org.eclipse.paho.client.mqttv3.MqttException {
      org.eclipse.paho.client.mqttv3.IMqttToken token = client.subscribe(filter, qos);
      token.waitForCompletion(TIMEOUT.toMillis());
      return token.getGrantedQos()[0];
    }

    /** Sends a SUBSCRIBE without waiting for the SUBACK (which an unauthorized request never gets). */
    void subscribeAsync(String filter, int qos) throws org.eclipse.paho.client.mqttv3.MqttException {
      client.subscribe(filter, qos);
    }

    @Override
    int publish(String topic, String payload, int qos, boolean retained)
        throws org.eclipse.paho.client.mqttv3.MqttException {
      org.eclipse.paho.client.mqttv3.IMqttToken token =
          client.publish(topic, payload.getBytes(StandardCharsets.UTF_8), qos, retained);
      if (qos > 0) {
        token.waitForCompletion(TIMEOUT.toMillis());
      }
      return 0;
    }

    /** Sends a PUBLISH without waiting for the acknowledgement. */
    void publishAsync(String topic, String payload, int qos) throws org.eclipse.paho.client.mqttv3.MqttException {
      client.publish(topic, payload.getBytes(StandardCharsets.UTF_8), qos, false);
    }

    @Override
    boolean isConnected() {
      return client.isConnected();
    }

    @Override
    public void close() {
      try {
        if (client.isConnected()) {
          client.disconnect().waitForCompletion(TIMEOUT.toMillis());
        }
      } catch (org.eclipse.paho.client.mqttv3.MqttException e) {
        // the emulator may have closed it
      }
      try {
        client.close(true);
      } catch (org.eclipse.paho.client.mqttv3.MqttException e) {
        // nothing left to release
      }
    }
  }

  /** A last-will message. */
  record Will(String topic, String payload) {
  }
}
