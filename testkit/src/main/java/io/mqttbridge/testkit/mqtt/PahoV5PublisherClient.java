package io.mqttbridge.testkit.mqtt;

import java.util.concurrent.CompletableFuture;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;

/** Paho MQTT 5 implementation of {@link PahoPublisherClient}. */
final class PahoV5PublisherClient implements PahoPublisherClient {

  private final MqttAsyncClient client;
  private final Object ackSignal = new Object();

  PahoV5PublisherClient(SequencePublisher.Builder config) {
    try {
      client = new MqttAsyncClient(config.serverUri, config.clientId, new MemoryPersistence());
      MqttConnectionOptions options = new MqttConnectionOptions();
      options.setCleanStart(true);
      options.setSessionExpiryInterval(0L);
      options.setConnectionTimeout(10);
      options.setAutomaticReconnect(false);
      if (config.userName != null) {
        options.setUserName(config.userName);
        options.setPassword(config.password);
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
    MqttMessage message = new MqttMessage(payload, qos, retained, null);
    MqttActionListener listener = new MqttActionListener() {
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
        if (e.getReasonCode() != org.eclipse.paho.mqttv5.client.MqttClientException.REASON_CODE_MAX_INFLIGHT) {
          done.completeExceptionally(e);
          return done;
        }
        awaitAck(); // the broker's receive maximum is smaller than our window: wait for an ack, then retry
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
