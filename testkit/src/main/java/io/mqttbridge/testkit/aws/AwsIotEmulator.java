package io.mqttbridge.testkit.aws;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mqttbridge.testkit.tls.TlsMaterial;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLException;

/**
 * AWS IoT Core in a test JVM: an MQTT 3.1.1 and MQTT 5 broker behind mutual TLS with the Device Shadow service on
 * its reserved topics, so that the AWS IoT Device SDK (and any MQTT client) connects to it unchanged. See the
 * {@linkplain io.mqttbridge.testkit.aws package documentation} for what is emulated and what is not.
 * <pre>{@code
 * TlsMaterial tls = TlsMaterial.generate(dir, List.of("localhost"));
 * try (AwsIotEmulator aws = AwsIotEmulator.start(AwsIotEmulator.Config.builder(tls).build())) {
 *   // SDK: endpoint aws.host(), port aws.port(), CA aws.caCertPem(), client tls.clientCertPem()/clientKeyPem()
 *   aws.updateDesired("thing-1", null, "{\"color\":\"red\"}");      // as a cloud application would
 *   aws.shadow("thing-1").orElseThrow().at("/state/reported");        // what the device reported
 * }
 * }</pre>
 *
 * <p>Authorization: every client certificate signed by the CA of the {@link TlsMaterial} (or an
 * {@linkplain Config.Builder#trustCa additional CA}) may connect, and acts for the things its {@link ThingPolicy}
 * allows (default: all). A publish or subscription naming a {@code $aws/things/THING/...} topic outside the policy
 * is refused as AWS IoT refuses it: MQTT 5 gets reason code 0x87 (not authorized) in its PUBACK or SUBACK, MQTT
 * 3.1.1 has its connection closed. Messages on such topics are not delivered to that client either. A
 * {@linkplain #revokeCertificate revoked} certificate gets CONNACK "not authorized" (0x05, or 0x87 for MQTT 5).
 *
 * <p>Thread-safe. Shadow state survives {@link #stop()} and {@link #start()}, as AWS keeps shadows through an
 * outage; MQTT sessions and subscriptions do not.
 */
public final class AwsIotEmulator implements AutoCloseable {

  private final Config config;
  private final CertificatePolicies policies;
  private final IotBroker broker;
  private final ShadowService shadows;

  private AwsIotEmulator(Config config) {
    this.config = config;
    this.policies = new CertificatePolicies(config.defaultPolicy);
    config.policies.forEach(policies::setPolicy);
    this.broker = new IotBroker(sslContext(config), policies, config.port, config.maxSubscriptionsPerConnection);
    this.shadows = new ShadowService(new ObjectMapper(), config.clock, broker::publishFromService);
    broker.shadowService(shadows);
  }

  /** Starts an emulator listening on {@code localhost}. */
  public static AwsIotEmulator start(Config config) {
    AwsIotEmulator emulator = new AwsIotEmulator(config);
    emulator.start();
    return emulator;
  }

  /** The endpoint host, {@code localhost} (the name in the server certificate, which the SDK checks). */
  public String host() {
    return "localhost";
  }

  /** The TLS port: the configured one, or the free port chosen at the first start; the same after a restart. */
  public int port() {
    return broker.port();
  }

  /** {@code ssl://localhost:PORT}, for Paho clients. */
  public String serverUri() {
    return "ssl://" + host() + ":" + port();
  }

  /** The CA certificate clients must trust (PEM). */
  public Path caCertPem() {
    return config.tls.caCertPem();
  }

  /** The TLS material: CA, server certificate, and the client certificate and key clients present. */
  public TlsMaterial tls() {
    return config.tls;
  }

  /** Starts listening again after {@link #stop()}, on the same port; a no-op while running. */
  public void start() {
    broker.start();
  }

  /**
   * Stops listening and drops every connection without DISCONNECT, as an outage would. Shadows, retained messages,
   * policies and injected failures stay; {@link #start()} brings the endpoint back on the same port.
   */
  public void stop() {
    broker.stop();
  }

  public boolean isRunning() {
    return broker.isRunning();
  }

  /** Drops every client connection at once (no DISCONNECT; wills are published); the endpoint stays up. */
  public void killConnections() {
    broker.killConnections();
  }

  /** Drops the connection of {@code clientId} as a network failure would; false if it is not connected. */
  public boolean disconnectClient(String clientId) {
    return broker.disconnect(clientId);
  }

  /** The client ids connected now. */
  public Set<String> connectedClientIds() {
    return broker.connectedClientIds();
  }

  /**
   * Sets the policy of a client certificate, named by its subject CN or its certificate id
   * ({@link #certificateId}); applies at once, also to live connections.
   */
  public void setPolicy(String certificate, ThingPolicy policy) {
    policies.setPolicy(certificate, Objects.requireNonNull(policy, "policy"));
  }

  /** The policy of certificates without one of their own (initially from {@link Config}). */
  public void setDefaultPolicy(ThingPolicy policy) {
    policies.setDefaultPolicy(Objects.requireNonNull(policy, "policy"));
  }

  /**
   * Revokes a client certificate (subject CN or certificate id): its connections are closed and new ones get
   * CONNACK "not authorized". AWS IoT may instead end the connection without CONNACK; either way the client fails
   * to connect.
   */
  public void revokeCertificate(String certificate) {
    policies.revoke(certificate);
    broker.disconnectRevoked();
  }

  /** Makes a revoked certificate active again. */
  public void reinstateCertificate(String certificate) {
    policies.reinstate(certificate);
  }

  /** The classic shadow of {@code thingName} as {@code /get/accepted} would return it, or empty if none exists. */
  public Optional<ObjectNode> shadow(String thingName) {
    return shadow(thingName, null);
  }

  /**
   * A shadow as {@code /get/accepted} would return it: {@code state} (desired, reported, delta), {@code metadata},
   * {@code version}, {@code timestamp}; empty if it does not exist. {@code shadowName} null or empty is the classic shadow.
   */
  public Optional<ObjectNode> shadow(String thingName, String shadowName) {
    return shadows.read(thingName, classicIfEmpty(shadowName));
  }

  /** {@link #shadow(String)} as compact JSON. */
  public Optional<String> shadowJson(String thingName) {
    return shadowJson(thingName, null);
  }

  /** {@link #shadow(String, String)} as compact JSON. */
  public Optional<String> shadowJson(String thingName, String shadowName) {
    return shadow(thingName, shadowName).map(ObjectNode::toString);
  }

  /**
   * Updates a shadow as a cloud application does with the UpdateThingShadow API: {@code request} is a request
   * state document ({@code {"state":{...},"clientToken":..,"version":..}}); when accepted, {@code /update/accepted},
   * {@code /update/documents} and (if desired now differs from reported) {@code /update/delta} are published to
   * MQTT subscribers as for an MQTT update. Not affected by {@link #rejectNextUpdates} and not counted.
   */
  public ShadowResponse updateShadow(String thingName, String shadowName, String request) {
    return shadows.updateFromCloud(thingName, classicIfEmpty(shadowName), request);
  }

  /** Sets desired state as a cloud application does: {@link #updateShadow} with {@code {"state":{"desired":..}}}. */
  public ShadowResponse updateDesired(String thingName, String shadowName, String desiredJson) {
    return updateShadow(thingName, shadowName, "{\"state\":{\"desired\":" + desiredJson + "}}");
  }

  /** Null and empty both name the classic shadow, as the connectors' configs do (an empty name is none). */
  private static String classicIfEmpty(String shadowName) {
    return shadowName == null || shadowName.isEmpty() ? null : shadowName;
  }

  /** Deletes a shadow as the DeleteThingShadow API does; {@code /delete/accepted} is published when it existed. */
  public ShadowResponse deleteShadow(String thingName, String shadowName) {
    return shadows.deleteFromCloud(thingName, classicIfEmpty(shadowName));
  }

  /**
   * The next {@code count} updates of any shadow of {@code thingName} that arrive over MQTT are rejected with
   * {@code code}: 429 ("Too Many Requests", what the service answers a throttled caller), 503 ("Service
   * unavailable") or 500 ("Internal service failure"). Calls add up, in order.
   */
  public void rejectNextUpdates(String thingName, int count, int code) {
    ShadowService.injectedMessage(code);
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative: " + count);
    }
    shadows.injectFailures(thingName, count, code);
  }

  /** Forgets failures injected with {@link #rejectNextUpdates} that have not happened yet. */
  public void clearInjectedFailures() {
    shadows.clearInjectedFailures();
  }

  /** Shadow updates received over MQTT and accepted, over all things. */
  public long updatesAccepted() {
    return shadows.accepted();
  }

  /** Shadow updates received over MQTT and rejected (any code, injected failures included), over all things. */
  public long updatesRejected() {
    return shadows.rejected();
  }

  /** Shadow updates of {@code thingName} (any of its shadows) received over MQTT and accepted. */
  public long updatesAccepted(String thingName) {
    return shadows.accepted(thingName);
  }

  /** Shadow updates of {@code thingName} (any of its shadows) received over MQTT and rejected. */
  public long updatesRejected(String thingName) {
    return shadows.rejected(thingName);
  }

  /** The AWS IoT certificate id of {@code certificate}: its SHA-256 fingerprint in lowercase hex. */
  public static String certificateId(X509Certificate certificate) {
    return ClientIdentity.certificateId(certificate);
  }

  /** Stops the emulator for good. */
  @Override
  public void close() {
    broker.stop();
  }

  @Override
  public String toString() {
    return "AwsIotEmulator[" + serverUri() + (isRunning() ? "" : ", stopped") + "]";
  }

  private static SslContext sslContext(Config config) {
    List<X509Certificate> trusted = new ArrayList<>();
    trusted.add(config.tls.caCertificate());
    trusted.addAll(config.additionalCas);
    try {
      return SslContextBuilder.forServer(config.tls.serverCertPem().toFile(), config.tls.serverKeyPem().toFile())
          .sslProvider(SslProvider.JDK)
          .trustManager(trusted.toArray(new X509Certificate[0]))
          .clientAuth(ClientAuth.REQUIRE)
          .protocols("TLSv1.3", "TLSv1.2")
          .build();
    } catch (SSLException e) {
      throw new IllegalStateException("Cannot build the emulator's TLS context from " + config.tls, e);
    }
  }

  /** How an {@link AwsIotEmulator} is set up. */
  public static final class Config {
    private final TlsMaterial tls;
    private final int port;
    private final Map<String, ThingPolicy> policies;
    private final ThingPolicy defaultPolicy;
    private final List<X509Certificate> additionalCas;
    private final Clock clock;
    private final int maxSubscriptionsPerConnection;

    private Config(Builder b) {
      this.tls = b.tls;
      this.port = b.port;
      this.policies = Map.copyOf(b.policies);
      this.defaultPolicy = b.defaultPolicy;
      this.additionalCas = List.copyOf(b.additionalCas);
      this.clock = b.clock;
      this.maxSubscriptionsPerConnection = b.maxSubscriptionsPerConnection;
    }

    /**
     * A builder using {@code tls}: its server certificate (which must name {@code localhost}, as
     * {@link TlsMaterial#generate(Path)} does) and its CA, which signs the client certificates accepted.
     */
    public static Builder builder(TlsMaterial tls) {
      return new Builder(tls);
    }

    /** Options of a {@link Config}. */
    public static final class Builder {
      private final TlsMaterial tls;
      private int port;
      private final Map<String, ThingPolicy> policies = new LinkedHashMap<>();
      private ThingPolicy defaultPolicy = ThingPolicy.allowAll();
      private final List<X509Certificate> additionalCas = new ArrayList<>();
      private Clock clock = Clock.systemUTC();
      private int maxSubscriptionsPerConnection = 50;

      private Builder(TlsMaterial tls) {
        this.tls = Objects.requireNonNull(tls, "tls");
      }

      /** A fixed TCP port; default 0, a free port chosen at start and kept across restarts. */
      public Builder port(int port) {
        if (port < 0 || port > 65_535) {
          throw new IllegalArgumentException("port out of range: " + port);
        }
        this.port = port;
        return this;
      }

      /** The policy of the client certificate with subject CN or certificate id {@code certificate}. */
      public Builder policy(String certificate, ThingPolicy policy) {
        policies.put(Objects.requireNonNull(certificate, "certificate"), Objects.requireNonNull(policy, "policy"));
        return this;
      }

      /** The policy of certificates without a policy of their own; default {@link ThingPolicy#allowAll()}. */
      public Builder defaultPolicy(ThingPolicy policy) {
        this.defaultPolicy = Objects.requireNonNull(policy, "policy");
        return this;
      }

      /** Also accepts client certificates signed by {@code ca}, as AWS IoT accepts those of registered CAs. */
      public Builder trustCa(X509Certificate ca) {
        additionalCas.add(Objects.requireNonNull(ca, "ca"));
        return this;
      }

      /** The clock behind shadow timestamps and metadata (epoch seconds); default the system clock. */
      public Builder clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
      }

      /**
       * Subscriptions one connection may hold; default 50, AWS IoT Core's default quota. More are refused in the
       * SUBACK (MQTT 5: 0x97 quota exceeded; 3.1.1: 0x80).
       */
      public Builder maxSubscriptionsPerConnection(int max) {
        if (max < 1) {
          throw new IllegalArgumentException("at least one subscription per connection: " + max);
        }
        this.maxSubscriptionsPerConnection = max;
        return this;
      }

      public Config build() {
        return new Config(this);
      }
    }
  }
}
