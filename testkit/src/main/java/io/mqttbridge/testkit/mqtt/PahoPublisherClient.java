package io.mqttbridge.testkit.mqtt;

import java.util.concurrent.CompletableFuture;

/** The few client operations {@link SequencePublisher} needs, over Paho v5 or v3. */
interface PahoPublisherClient {

  /** Completes when the broker acknowledged the message (QoS 0: when written), exceptionally on failure. */
  CompletableFuture<Void> publish(String topic, byte[] payload, int qos, boolean retained);

  boolean isConnected();

  void close();
}
