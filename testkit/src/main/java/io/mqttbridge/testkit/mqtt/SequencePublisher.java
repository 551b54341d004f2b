package io.mqttbridge.testkit.mqtt;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import javax.net.ssl.SSLContext;

/**
 * Publishes sequence-numbered payloads ({@code {"seq":N,"ts":MILLIS}} unless a payload factory is set) and waits
 * for the broker's acknowledgement of every one (QoS 1/2; QoS 0 waits until written).
 *
 * <p>A lost connection fails {@link #publish}: a test that restarts the broker publishes again afterwards with a
 * new publisher. (A mode that rode out restarts on Paho's automatic reconnect was removed: after a reconnect Paho
 * 1.2.5 sometimes left in-flight tokens neither completed nor failed, which stalled the publisher.)
 * <pre>{@code
 * try (SequencePublisher pub = SequencePublisher.builder(broker.tcpUri()).clientId("pub").connect()) {
 *   pub.publish(0, 1000, 1, "sensors/t");
 * }
 * }</pre>
 */
public final class SequencePublisher implements AutoCloseable {

  /** The default payload: {@code {"seq":N,"ts":EPOCH_MILLIS}}. */
  public static final IntFunction<byte[]> DEFAULT_PAYLOAD =
      seq -> ("{\"seq\":" + seq + ",\"ts\":" + System.currentTimeMillis() + "}").getBytes(StandardCharsets.UTF_8);

  private final Builder config;
  private final PahoPublisherClient client;
  private final AtomicLong acked = new AtomicLong();

  private SequencePublisher(Builder config, PahoPublisherClient client) {
    this.config = config;
    this.client = client;
  }

  /** A builder for a publisher to {@code serverUri} ({@code tcp://} or {@code ssl://}). */
  public static Builder builder(String serverUri) {
    return new Builder(serverUri);
  }

  /**
   * Publishes {@code seq = from .. from+count-1} to {@code topic} with up to {@code maxInflight} unacknowledged
   * messages and returns once every one is acknowledged; fails after {@code ackTimeout} without progress.
   */
  public void publish(int from, int count, int qos, String topic) {
    if (qos < 0 || qos > 2) {
      throw new IllegalArgumentException("qos must be 0, 1 or 2, was " + qos);
    }
    Semaphore window = new Semaphore(config.maxInflight);
    List<CompletableFuture<Void>> pending = new ArrayList<>(count);
    for (int seq = from; seq < from + count; seq++) {
      acquire(window, seq);
      // The stage whenComplete returns completes after the count: waiting on it, never on the publish itself,
      // means acknowledged() is up to date when publish() returns.
      pending.add(client.publish(topic, config.payload.apply(seq), qos, config.retained)
          .whenComplete((ok, error) -> {
            window.release();
            if (error == null) {
              acked.incrementAndGet();
            }
          }));
    }
    CompletableFuture<Void> all = CompletableFuture.allOf(pending.toArray(new CompletableFuture[0]));
    long lastProgress = System.nanoTime();
    long lastAcked = acked.get();
    while (!all.isDone()) {
      try {
        all.get(50, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        if (acked.get() != lastAcked) {
          lastAcked = acked.get();
          lastProgress = System.nanoTime();
        } else if (System.nanoTime() - lastProgress > config.ackTimeout.toNanos()) {
          throw new IllegalStateException("No acknowledgement within " + config.ackTimeout + " on " + topic
              + " (acknowledged so far: " + acked.get() + ")");
        }
      } catch (ExecutionException e) {
        throw new IllegalStateException("Publishing to " + topic + " failed after " + acked.get()
            + " acknowledged messages: " + e.getCause(), e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for acknowledgements", e);
      }
    }
  }

  /** Messages acknowledged so far, over all {@link #publish} calls. */
  public long acknowledged() {
    return acked.get();
  }

  /** Whether the client is connected right now. */
  public boolean isConnected() {
    return client.isConnected();
  }

  /** Disconnects and closes the client; never throws. */
  @Override
  public void close() {
    client.close();
  }

  private void acquire(Semaphore window, int seq) {
    try {
      if (!window.tryAcquire(config.ackTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("No acknowledgement within " + config.ackTimeout + " before seq " + seq
            + " (acknowledged so far: " + acked.get() + ")");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while publishing", e);
    }
  }

  /** Builder of {@link SequencePublisher}. */
  public static final class Builder {
    final String serverUri;
    String clientId = "seq-pub-" + Long.toHexString(System.nanoTime());
    int mqttVersion = 5;
    String userName;
    byte[] password;
    SSLContext sslContext;
    boolean tcpNoDelay;
    boolean retained;
    IntFunction<byte[]> payload = DEFAULT_PAYLOAD;
    int maxInflight = 20;
    Duration ackTimeout = Duration.ofSeconds(60);

    private Builder(String serverUri) {
      this.serverUri = Objects.requireNonNull(serverUri, "serverUri");
    }

    /** Client id (default random). */
    public Builder clientId(String id) {
      this.clientId = Objects.requireNonNull(id, "id");
      return this;
    }

    /** MQTT 5 (default) or 3 (3.1.1). */
    public Builder mqttVersion(int version) {
      if (version != 3 && version != 5) {
        throw new IllegalArgumentException("mqttVersion must be 3 or 5, was " + version);
      }
      this.mqttVersion = version;
      return this;
    }

    /** User name and password. */
    public Builder credentials(String user, String pass) {
      this.userName = Objects.requireNonNull(user, "user");
      this.password = Objects.requireNonNull(pass, "pass").getBytes(StandardCharsets.UTF_8);
      return this;
    }

    /** TLS for {@code ssl://} URIs, e.g. {@code TlsMaterial.clientSslContext(true)}. */
    public Builder sslContext(SSLContext context) {
      this.sslContext = context;
      return this;
    }

    /**
     * Set TCP_NODELAY on a plain {@code tcp://} connection (default off, as Paho does). Latency measurements want
     * it: with Nagle's algorithm a small publish can wait for the previous packet's acknowledgement.
     */
    public Builder tcpNoDelay(boolean noDelay) {
      this.tcpNoDelay = noDelay;
      return this;
    }

    /** Publish with the retained flag. */
    public Builder retained(boolean retain) {
      this.retained = retain;
      return this;
    }

    /** Payload for a sequence number (default {@link #DEFAULT_PAYLOAD}). */
    public Builder payload(IntFunction<byte[]> factory) {
      this.payload = Objects.requireNonNull(factory, "factory");
      return this;
    }

    /** Unacknowledged messages allowed (default 20, like mosquitto_pub); keep it at most the broker's limit. */
    public Builder maxInflight(int max) {
      if (max < 1 || max > 65535) {
        throw new IllegalArgumentException("maxInflight must be 1..65535, was " + max);
      }
      this.maxInflight = max;
      return this;
    }

    /** How long {@link #publish} waits for an acknowledgement before failing (default 60 s). */
    public Builder ackTimeout(Duration timeout) {
      this.ackTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** Connects (waits for CONNACK) and returns the publisher. */
    public SequencePublisher connect() {
      PahoPublisherClient client = mqttVersion == 5 ? new PahoV5PublisherClient(this) : new PahoV3PublisherClient(this);
      return new SequencePublisher(this, client);
    }
  }
}
