package io.mqttbridge.testkit.mqtt;

import io.mqttbridge.testkit.tls.TlsMaterial;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Immutable description of a test broker, built by {@link #builder()}. Defaults: plain listener only, anonymous
 * clients allowed, persistence on (saved after every change, so that a SIGKILL loses nothing the broker
 * acknowledged), {@code max_inflight_messages 100}, {@code max_queued_messages 0} (unlimited: the broker must not
 * drop what it queued for an offline client, or a no-loss test measures the broker instead of the code under test).
 */
public final class BrokerConfig {

  private final TlsMaterial tls;
  private final boolean requireClientCertificate;
  private final Map<String, String> users;
  private final int maxInflightMessages;
  private final int maxQueuedMessages;
  private final boolean persistence;
  private final boolean saveOnEveryChange;
  private final List<String> extraConfig;

  private BrokerConfig(Builder b) {
    this.tls = b.tls;
    this.requireClientCertificate = b.requireClientCertificate;
    this.users = Collections.unmodifiableMap(new LinkedHashMap<>(b.users));
    this.maxInflightMessages = b.maxInflightMessages;
    this.maxQueuedMessages = b.maxQueuedMessages;
    this.persistence = b.persistence;
    this.saveOnEveryChange = b.saveOnEveryChange;
    this.extraConfig = List.copyOf(b.extraConfig);
  }

  /** Plain listener, anonymous allowed, persistence on. */
  public static BrokerConfig plain() {
    return builder().build();
  }

  /** A builder with the defaults of {@link #plain()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** TLS material of the TLS listener, if one is configured. */
  public Optional<TlsMaterial> tls() {
    return Optional.ofNullable(tls);
  }

  /** Whether the TLS listener demands a client certificate signed by the CA. */
  public boolean requireClientCertificate() {
    return requireClientCertificate;
  }

  /** User names and passwords; when not empty, anonymous clients are refused. */
  public Map<String, String> users() {
    return users;
  }

  /** Per-client window of unacknowledged QoS 1/2 messages the broker sends. */
  public int maxInflightMessages() {
    return maxInflightMessages;
  }

  /** Per-client queue limit for offline/slow clients; 0 means unlimited. */
  public int maxQueuedMessages() {
    return maxQueuedMessages;
  }

  /** Whether the broker persists sessions and queued messages. */
  public boolean persistence() {
    return persistence;
  }

  /** Whether the broker saves its state after every change (safe against SIGKILL, slower under load). */
  public boolean saveOnEveryChange() {
    return saveOnEveryChange;
  }

  /** Raw configuration lines appended to the generated configuration (broker specific). */
  public List<String> extraConfig() {
    return extraConfig;
  }

  /** Passwords are left out on purpose. */
  @Override
  public String toString() {
    return "BrokerConfig[tls=" + (tls != null) + ", requireClientCertificate=" + requireClientCertificate
        + ", users=" + users.keySet() + ", maxInflightMessages=" + maxInflightMessages
        + ", maxQueuedMessages=" + maxQueuedMessages + ", persistence=" + persistence
        + ", saveOnEveryChange=" + saveOnEveryChange + ", extraConfig=" + extraConfig.size() + " lines]";
  }

  /** Builder of {@link BrokerConfig}. */
  public static final class Builder {
    private TlsMaterial tls;
    private boolean requireClientCertificate;
    private final Map<String, String> users = new LinkedHashMap<>();
    private int maxInflightMessages = 100;
    private int maxQueuedMessages = 0;
    private boolean persistence = true;
    private boolean saveOnEveryChange = true;
    private final List<String> extraConfig = new ArrayList<>();

    private Builder() {
    }

    /** Adds a TLS listener with the server certificate of {@code material}. */
    public Builder tls(TlsMaterial material) {
      this.tls = Objects.requireNonNull(material, "material");
      return this;
    }

    /** Makes the TLS listener demand a client certificate signed by the CA (mutual TLS). */
    public Builder requireClientCertificate(boolean require) {
      this.requireClientCertificate = require;
      return this;
    }

    /** Adds a user; once any user is set, anonymous clients are refused. */
    public Builder user(String name, String password) {
      if (name == null || name.isEmpty() || name.contains(":")) {
        throw new IllegalArgumentException("User name must be non-empty and free of ':', was: " + name);
      }
      users.put(name, Objects.requireNonNull(password, "password"));
      return this;
    }

    /** Per-client window of unacknowledged QoS 1/2 messages the broker sends (default 100, 0 = unlimited). */
    public Builder maxInflightMessages(int max) {
      if (max < 0) {
        throw new IllegalArgumentException("maxInflightMessages must be >= 0, was " + max);
      }
      this.maxInflightMessages = max;
      return this;
    }

    /** Queue limit per client (default 0 = unlimited). */
    public Builder maxQueuedMessages(int max) {
      if (max < 0) {
        throw new IllegalArgumentException("maxQueuedMessages must be >= 0, was " + max);
      }
      this.maxQueuedMessages = max;
      return this;
    }

    /** Persistence on (default) or off. */
    public Builder persistence(boolean enabled) {
      this.persistence = enabled;
      return this;
    }

    /**
     * Save the broker state after every change (default true). Turn off for load tests where a SIGKILL is not
     * part of the test: saving the whole database after each message costs throughput.
     */
    public Builder saveOnEveryChange(boolean enabled) {
      this.saveOnEveryChange = enabled;
      return this;
    }

    /** Appends a raw configuration line (for Mosquitto: a {@code mosquitto.conf} line). */
    public Builder extraConfig(String line) {
      extraConfig.add(Objects.requireNonNull(line, "line"));
      return this;
    }

    /** The immutable configuration. */
    public BrokerConfig build() {
      if (requireClientCertificate && tls == null) {
        throw new IllegalStateException("requireClientCertificate(true) needs tls(TlsMaterial) as well");
      }
      return new BrokerConfig(this);
    }
  }
}
