package io.mqttbridge.testkit.mqtt;

import java.util.concurrent.CompletableFuture;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** Paho MQTT 3.1.1 implementation of {@link PahoPublisherClient}. */
final class PahoV3PublisherClient implements PahoPublisherClient {

  private final MqttAsyncClient client;
  private final Object ackSignal = new Object();

  PahoV3PublisherClient(SequencePublisher.Builder config) {
    try {
      client = new MqttAsyncClient(config.serverUri, config.clientId, new MemoryPersistence());
      MqttConnectOptions options = new MqttConnectOptions();
      options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
      options.setCleanSession(true);
      options.setConnectionTimeout(10);
      options.setAutomaticReconnect(false);
      options.setMaxInflight(Math.max(10, config.maxInflight));
      if (config.userName != null) {
        options.setUserName(config.userName);
        options.setPassword(new String(config.password, java.nio.charset.StandardCharsets.UTF_8).toCharArray());
      }
      if (config.sslContext != null) {
        options.setSocketFactory(config.sslContext.getSocketFactory());
      } else if (config.tcpNoDelay) {
        options.setSocketFactory(new NoDelaySocketFactory());
      }
      client.connect(options).waitForCompletion(config.ackTimeout.toMillis());
    } catch (MqttException e) {
      throw new IllegalStateException("Cannot connect the sequence publisher to " + config.serverUri + ": " + e, e);
    }
  }

  @Override
  public CompletableFuture<Void> publish(String topic, byte[] payload, int qos, boolean retained) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    MqttMessage message = new MqttMessage(payload);
    message.setQos(qos);
    message.setRetained(retained);
    IMqttActionListener listener = new IMqttActionListener() {
      @Override
      public void onSuccess(IMqttToken token) {
        done.complete(null);
        signal();
      }

      @Override
      public void onFailure(IMqttToken token, Throwable error) {
        done.completeExceptionally(error);
        signal();
      }
    };
    while (true) {
      try {
        client.publish(topic, message, null, listener);
        return done;
      } catch (MqttException e) {
        if (e.getReasonCode() != MqttException.REASON_CODE_MAX_INFLIGHT) {
          done.completeExceptionally(e);
          return done;
        }
        awaitAck();
      }
    }
  }

  private void signal() {
    synchronized (ackSignal) {
      ackSignal.notifyAll();
    }
  }

  private void awaitAck() {
    synchronized (ackSignal) {
      try {
        ackSignal.wait(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while publishing", e);
      }
    }
  }


  @Override
  public boolean isConnected() {
    return client.isConnected();
  }

  @Override
  public void close() {
    try {
      if (client.isConnected()) {
        client.disconnect().waitForCompletion(5000);
      }
    } catch (MqttException e) {
      // closing anyway
    }
    try {
      client.close();
    } catch (MqttException e) {
      // best effort
    }
  }
}
