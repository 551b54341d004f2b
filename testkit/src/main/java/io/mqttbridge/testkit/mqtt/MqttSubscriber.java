package io.mqttbridge.testkit.mqtt;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;

/**
 * A real MQTT 5 subscriber that records every message it receives, for tests of what a publisher (the sink
 * connector) delivered. With a persistent session (the default) it survives a broker restart: it reconnects on its
 * own with the same client id and the broker delivers what it queued meanwhile.
 */
public final class MqttSubscriber implements AutoCloseable {

  /** One received message with the PUBLISH properties a test may assert on. */
  public record Received(String topic, byte[] payload, int qos, boolean retained, String contentType,
                         String responseTopic, byte[] correlationData, List<Map.Entry<String, String>> userProperties,
                         Long messageExpiryInterval) {
    /** The payload as UTF-8 text. */
    public String text() {
      return new String(payload, java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  private static final Duration RECONNECT_DELAY = Duration.ofMillis(200);

  private final MqttAsyncClient client;
  private final MqttConnectionOptions options;
  private final List<Received> messages = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService reconnector = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "test-subscriber-reconnect");
    t.setDaemon(true);
    return t;
  });
  private volatile boolean closed;
  private volatile long lastArrivalNanos = System.nanoTime();

  private MqttSubscriber(Builder b) {
    try {
      client = new MqttAsyncClient(b.serverUri, b.clientId, new MemoryPersistence());
      options = new MqttConnectionOptions();
      options.setCleanStart(!b.persistentSession);
      options.setSessionExpiryInterval(b.persistentSession ? 3600L : 0L);
      options.setConnectionTimeout(10);
      options.setAutomaticReconnect(false);
      options.setReceiveMaximum(65_535);
      if (b.sslContext != null) {
        options.setSocketFactory(b.sslContext.getSocketFactory());
      }
      client.setCallback(new Callback());
      client.connect(options).waitForCompletion(10_000);
      IMqttToken sub = client.subscribe(b.filter, b.qos);
      sub.waitForCompletion(10_000);
      int granted = sub.getReasonCodes()[0];
      if (granted >= 0x80) {
        throw new IllegalStateException("The broker refused the subscription to " + b.filter + ": 0x"
            + Integer.toHexString(granted));
      }
    } catch (MqttException e) {
      throw new IllegalStateException("Cannot subscribe to " + b.filter + " on " + b.serverUri + ": " + e, e);
    }
  }

  /** A builder for a subscriber of {@code filter} on {@code serverUri}. */
  public static Builder builder(String serverUri, String filter) {
    return new Builder(serverUri, filter);
  }

  /** Every message received so far, in arrival order. */
  public List<Received> messages() {
    return List.copyOf(messages);
  }

  /** Waits for a message that matches and returns it. */
  public Received awaitMessage(String description, Predicate<Received> match, Duration timeout) {
    return Awaitility.await(description).atMost(timeout).pollInterval(Duration.ofMillis(50))
        .until(() -> messages.stream().filter(match).findFirst().orElse(null), r -> r != null);
  }

  /**
   * Waits until every sequence number in [from, from + count) arrived (payloads {@code {"seq":N,...}}) and no
   * message came for {@code quiet}, so late duplicates are counted too; prints and returns the check.
   *
   * @throws AssertionError naming what is missing if the timeout passes first
   */
  public SequenceCheck awaitSequences(String label, int from, int count, Duration timeout, Duration quiet) {
    return awaitSequences(label, from, count, timeout, quiet, () -> { });
  }

  /**
   * Like {@link #awaitSequences(String, int, int, Duration, Duration)}, running {@code onPoll} at every poll: a
   * check that throws (a connector found FAILED, say) ends the wait at once.
   */
  public SequenceCheck awaitSequences(String label, int from, int count, Duration timeout, Duration quiet,
                                      Runnable onPoll) {
    try {
      Awaitility.await(label).atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> {
        boolean done = sequences(from, count).isComplete() && System.nanoTime() - lastArrivalNanos >= quiet.toNanos();
        if (!done) {
          onPoll.run();
        }
        return done;
      });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(label + ": within " + timeout + ": " + sequences(from, count).report(), e);
    }
    SequenceCheck check = sequences(from, count);
    System.out.println("[" + label + "] " + check.report());
    return check;
  }

  /** The sequence numbers received so far, checked against [from, from + count). */
  public SequenceCheck sequences(int from, int count) {
    SequenceCheck check = SequenceCheck.expecting(from, count);
    for (Received r : messages) {
      check.record(seqOrMinusOne(r.payload()));
    }
    return check;
  }

  private static int seqOrMinusOne(byte[] payload) {
    try {
      return SequenceCheck.parseSeq(payload);
    } catch (IllegalArgumentException e) {
      return -1;
    }
  }

  @Override
  public void close() {
    closed = true;
    reconnector.shutdownNow();
    try {
      if (client.isConnected()) {
        client.disconnect().waitForCompletion(5_000);
      }
    } catch (MqttException e) {
      // the broker may already be gone
    }
    try {
      client.close(true);
    } catch (MqttException e) {
      // nothing left to release
    }
  }

  private void reconnect() {
    if (closed) {
      return;
    }
    try {
      client.connect(options).waitForCompletion(10_000);
    } catch (MqttException e) {
      if (!closed) {
        reconnector.schedule(this::reconnect, RECONNECT_DELAY.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
  }

  private final class Callback implements MqttCallback {
    @Override
    public void disconnected(MqttDisconnectResponse response) {
      if (!closed) {
        reconnector.schedule(MqttSubscriber.this::reconnect, RECONNECT_DELAY.toMillis(), TimeUnit.MILLISECONDS);
      }
    }

    @Override
    public void mqttErrorOccurred(MqttException exception) {
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
      MqttProperties p = message.getProperties();
      List<Map.Entry<String, String>> user = new ArrayList<>();
      if (p != null && p.getUserProperties() != null) {
        for (UserProperty u : p.getUserProperties()) {
          user.add(Map.entry(u.getKey(), u.getValue()));
        }
      }
      messages.add(new Received(topic, message.getPayload(), message.getQos(), message.isRetained(),
          p == null ? null : p.getContentType(), p == null ? null : p.getResponseTopic(),
          p == null ? null : p.getCorrelationData(), user, p == null ? null : p.getMessageExpiryInterval()));
      lastArrivalNanos = System.nanoTime();
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
  }

  /** Options of a {@link MqttSubscriber}. */
  public static final class Builder {
    private final String serverUri;
    private final String filter;
    private String clientId = "test-sub-" + System.nanoTime();
    private int qos = 2;
    private boolean persistentSession = true;
    private SSLContext sslContext;

    private Builder(String serverUri, String filter) {
      this.serverUri = serverUri;
      this.filter = filter;
    }

    /** Subscription QoS; default 2, so the publisher's QoS is what arrives. */
    public Builder qos(int qos) {
      this.qos = qos;
      return this;
    }

    public Builder clientId(String clientId) {
      this.clientId = clientId;
      return this;
    }

    /** Whether the session outlives the connection (default true, so queued messages survive a disconnect). */
    public Builder persistentSession(boolean persistent) {
      this.persistentSession = persistent;
      return this;
    }

    /** TLS for {@code ssl://} URIs. */
    public Builder sslContext(SSLContext context) {
      this.sslContext = context;
      return this;
    }

    /** Connects and subscribes; returns once the broker granted the subscription. */
    public MqttSubscriber connect() {
      return new MqttSubscriber(this);
    }
  }
}
