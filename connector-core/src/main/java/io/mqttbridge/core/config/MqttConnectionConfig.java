package io.mqttbridge.core.config;

import io.mqttbridge.core.ssl.SslSettings;
import io.mqttbridge.core.transport.MqttConnectionSettings;
import io.mqttbridge.core.transport.MqttVersion;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The MQTT connection keys every connector shares ({@code mqtt.server.uris}, {@code mqtt.version}, credentials,
 * timeouts, {@code mqtt.ssl.*}), as a {@link ConfigDef} fragment, and their translation into
 * {@link MqttConnectionSettings}.
 */
public final class MqttConnectionConfig {

    /** Config group of the connection keys. */
    public static final String CONNECTION_GROUP = "MQTT Connection";
    /** Config group of the TLS keys. */
    public static final String TLS_GROUP = "MQTT TLS";

    public static final String SERVER_URIS_CONFIG = "mqtt.server.uris";
    public static final String SERVER_URIS_DOC = "Comma-separated MQTT broker URIs, tried in order: tcp://host:port, "
        + "ssl://host:port, ws://host:port/path or wss://host:port/path. TLS (the mqtt.ssl.* keys) is used when any "
        + "URI is ssl:// or wss://.";

    public static final String VERSION_CONFIG = "mqtt.version";
    public static final String VERSION_DEFAULT = MqttVersion.V5.configValue();
    public static final String VERSION_DOC = "MQTT protocol version: 3.1.1 or 5. MQTT 5 allows shared "
        + "subscriptions (tasks.max > 1 on one filter), session expiry and message properties.";

    public static final String CLIENT_ID_CONFIG = "mqtt.client.id";
    public static final String CLIENT_ID_DOC = "MQTT client id that names the persistent session. Empty (default): derived "
        + "from the connector name and task number (<connector>-<task>), stable across restarts. When set and "
        + "tasks.max > 1, each task appends -<task>. Two clients with the same id take the session from each other.";

    public static final String USERNAME_CONFIG = "mqtt.username";
    public static final String USERNAME_DOC = "User name for broker authentication; empty for none.";

    public static final String PASSWORD_CONFIG = "mqtt.password";
    public static final String PASSWORD_DOC = "Password for broker authentication.";

    public static final String KEEPALIVE_INTERVAL_MS_CONFIG = "mqtt.keepalive.interval.ms";
    public static final long KEEPALIVE_INTERVAL_MS_DEFAULT = 60_000L;
    public static final String KEEPALIVE_INTERVAL_MS_DOC = "MQTT keep-alive interval in milliseconds (sent to the "
        + "broker in whole seconds, at most 65535 s); 0 disables keep-alive.";

    public static final String CONNECT_TIMEOUT_MS_CONFIG = "mqtt.connect.timeout.ms";
    public static final long CONNECT_TIMEOUT_MS_DEFAULT = 30_000L;
    public static final String CONNECT_TIMEOUT_MS_DOC = "How long one connection attempt (TCP, TLS and CONNECT) may "
        + "take, in milliseconds.";

    public static final String RECONNECT_BACKOFF_MS_CONFIG = "mqtt.reconnect.backoff.ms";
    public static final long RECONNECT_BACKOFF_MS_DEFAULT = 500L;
    public static final String RECONNECT_BACKOFF_MS_DOC = "Delay before the first reconnect attempt after a lost "
        + "connection, in milliseconds; doubles per failed attempt up to mqtt.reconnect.backoff.max.ms.";

    public static final String RECONNECT_BACKOFF_MAX_MS_CONFIG = "mqtt.reconnect.backoff.max.ms";
    public static final long RECONNECT_BACKOFF_MAX_MS_DEFAULT = 30_000L;
    public static final String RECONNECT_BACKOFF_MAX_MS_DOC = "Largest delay between reconnect attempts, in "
        + "milliseconds; must not be below mqtt.reconnect.backoff.ms.";

    public static final String SESSION_EXPIRY_INTERVAL_MS_CONFIG = "mqtt.session.expiry.interval.ms";
    public static final long SESSION_EXPIRY_INTERVAL_MS_DEFAULT = 86_400_000L;
    /** The largest MQTT 5 session expiry interval (0xFFFFFFFF seconds, which means "never expires"). */
    public static final long SESSION_EXPIRY_INTERVAL_MS_MAX = 0xFFFF_FFFFL * 1000L;
    public static final String SESSION_EXPIRY_INTERVAL_MS_DOC = "MQTT 5 only: how long the broker keeps the session "
        + "(subscriptions and queued messages) of a disconnected client, in milliseconds (whole seconds are sent). "
        + "Messages that arrive while a task is down longer than this are lost. MQTT 3.1.1 sessions never expire.";

    public static final String MAX_INFLIGHT_CONFIG = "mqtt.max.inflight";
    public static final int MAX_INFLIGHT_DEFAULT = 1000;
    public static final String MAX_INFLIGHT_DOC = "How many QoS 1/2 messages a client may hold received but not yet "
        + "acknowledged (1..65535). For a source task this is the backpressure window: it stops reading when this "
        + "many messages wait for Kafka. Sent as the MQTT 5 receive maximum; also the outbound in-flight window. "
        + "Brokers may cap it (Mosquitto's max_inflight_messages).";
    public static final String MAX_INFLIGHT_PUBLISHER_DOC = "How many QoS 1/2 publishes may await the broker's "
        + "acknowledgement at once (1..65535): the publish window. An MQTT 5 broker's receive maximum lowers it.";

    public static final String PERSISTENCE_DIR_CONFIG = "mqtt.persistence.dir";
    public static final String PERSISTENCE_DIR_DEFAULT =
        Path.of(System.getProperty("java.io.tmpdir"), "mqtt-cloud-bridge").toString();
    public static final String PERSISTENCE_DIR_DOC = "Directory where inbound QoS 2 state (messages received but "
        + "not yet stored in Kafka) survives a task restart; one subdirectory per client id. Default: "
        + "${java.io.tmpdir}/mqtt-cloud-bridge. Use a directory that survives worker restarts for QoS 2.";

    public static final String PERSISTENCE_FSYNC_CONFIG = "mqtt.persistence.fsync";
    public static final boolean PERSISTENCE_FSYNC_DEFAULT = true;
    public static final String PERSISTENCE_FSYNC_DOC = "Whether every write to mqtt.persistence.dir is forced to "
        + "disk (fsync). true (the default): inbound QoS 2 messages not yet in Kafka survive a power loss or an "
        + "operating system crash. false: they survive a crash or kill of the worker process (the operating system "
        + "holds what was written), as Kafka's own log does without flush.messages, and MQTT 5 QoS 2 runs about "
        + "2.5 times faster on an ordinary disk (see bench/RESULTS.md).";

    public static final String SSL_TRUSTSTORE_LOCATION_CONFIG = "mqtt.ssl.truststore.location";
    public static final String SSL_TRUSTSTORE_LOCATION_DOC = "File with the CA certificates that the broker's "
        + "certificate must chain to. Empty: the JVM's default trust store.";
    public static final String SSL_TRUSTSTORE_TYPE_CONFIG = "mqtt.ssl.truststore.type";
    public static final String SSL_TRUSTSTORE_TYPE_DOC = "Format of the trust store file: JKS, PKCS12 or PEM "
        + "(CA certificates in PEM).";
    public static final String SSL_TRUSTSTORE_PASSWORD_CONFIG = "mqtt.ssl.truststore.password";
    public static final String SSL_TRUSTSTORE_PASSWORD_DOC = "Password of the trust store file (not used for PEM).";

    public static final String SSL_KEYSTORE_LOCATION_CONFIG = "mqtt.ssl.keystore.location";
    public static final String SSL_KEYSTORE_LOCATION_DOC = "File with the client certificate chain and private key "
        + "for mutual TLS. Empty: no client certificate.";
    public static final String SSL_KEYSTORE_TYPE_CONFIG = "mqtt.ssl.keystore.type";
    public static final String SSL_KEYSTORE_TYPE_DOC = "Format of the key store file: JKS, PKCS12 or PEM "
        + "(certificate chain and PKCS#8 or PKCS#1 key in one file).";
    public static final String SSL_KEYSTORE_PASSWORD_CONFIG = "mqtt.ssl.keystore.password";
    public static final String SSL_KEYSTORE_PASSWORD_DOC = "Password of the key store file.";
    public static final String SSL_KEY_PASSWORD_CONFIG = "mqtt.ssl.key.password";
    public static final String SSL_KEY_PASSWORD_DOC = "Password of the private key; empty: the key store password "
        + "(or, for PEM, an unencrypted key).";

    public static final String SSL_PROTOCOL_CONFIG = "mqtt.ssl.protocol";
    public static final String SSL_PROTOCOL_DEFAULT = "TLSv1.3";
    public static final String SSL_PROTOCOL_DOC = "The SSLContext protocol: TLSv1.3 or TLSv1.2.";

    public static final String SSL_ENABLED_PROTOCOLS_CONFIG = "mqtt.ssl.enabled.protocols";
    public static final String SSL_ENABLED_PROTOCOLS_DEFAULT = "TLSv1.2,TLSv1.3";
    public static final String SSL_ENABLED_PROTOCOLS_DOC = "Protocols offered in the TLS handshake: TLSv1.2 and/or "
        + "TLSv1.3. Older protocols are refused.";

    public static final String SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG =
        "mqtt.ssl.endpoint.identification.algorithm";
    public static final String SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_DEFAULT = "https";
    public static final String SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_DOC = "https: check that the broker's "
        + "certificate names the host in the server URI. Empty: no host name check (only for tests).";

    /** Store types accepted for {@code mqtt.ssl.truststore.type} and {@code mqtt.ssl.keystore.type}. */
    public static final List<String> STORE_TYPES = List.of("JKS", "PKCS12", "PEM");
    /** TLS protocols accepted: nothing older than TLS 1.2. */
    public static final List<String> TLS_PROTOCOLS = List.of("TLSv1.2", "TLSv1.3");

    private MqttConnectionConfig() {
    }

    /** Adds the connection and TLS keys of a subscriber (persistent session) to {@code def} and returns it. */
    public static ConfigDef addDefinitions(ConfigDef def) {
        return addDefinitions(def, true);
    }

    /**
     * Adds the connection and TLS keys of a publisher to {@code def} and returns it: the subscriber's keys without
     * the two that only a persistent session needs ({@value #SESSION_EXPIRY_INTERVAL_MS_CONFIG} and
     * {@value #PERSISTENCE_DIR_CONFIG}). See {@link #publisherSettings}.
     */
    public static ConfigDef addPublisherDefinitions(ConfigDef def) {
        return addDefinitions(def, false);
    }

    private static ConfigDef addDefinitions(ConfigDef def, boolean subscriber) {
        int order = 0;
        def.define(SERVER_URIS_CONFIG, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, new ServerUriValidator(),
                Importance.HIGH, SERVER_URIS_DOC, CONNECTION_GROUP, ++order, Width.LONG, "MQTT server URIs")
            .define(VERSION_CONFIG, Type.STRING, VERSION_DEFAULT,
                ConfigDef.ValidString.in(MqttVersion.V3_1_1.configValue(), MqttVersion.V5.configValue()),
                Importance.HIGH, VERSION_DOC, CONNECTION_GROUP, ++order, Width.SHORT, "MQTT version")
            .define(CLIENT_ID_CONFIG, Type.STRING, null, Importance.MEDIUM, CLIENT_ID_DOC,
                CONNECTION_GROUP, ++order, Width.MEDIUM, "MQTT client id")
            .define(USERNAME_CONFIG, Type.STRING, null, Importance.HIGH, USERNAME_DOC, CONNECTION_GROUP, ++order,
                Width.MEDIUM, "MQTT user name")
            .define(PASSWORD_CONFIG, Type.PASSWORD, null, Importance.HIGH, PASSWORD_DOC, CONNECTION_GROUP, ++order,
                Width.MEDIUM, "MQTT password")
            .define(KEEPALIVE_INTERVAL_MS_CONFIG, Type.LONG, KEEPALIVE_INTERVAL_MS_DEFAULT,
                Range.between(0L, 65_535_000L), Importance.LOW, KEEPALIVE_INTERVAL_MS_DOC, CONNECTION_GROUP, ++order,
                Width.SHORT, "Keep-alive interval (ms)")
            .define(CONNECT_TIMEOUT_MS_CONFIG, Type.LONG, CONNECT_TIMEOUT_MS_DEFAULT, Range.atLeast(1L),
                Importance.LOW, CONNECT_TIMEOUT_MS_DOC, CONNECTION_GROUP, ++order, Width.SHORT, "Connect timeout (ms)")
            .define(RECONNECT_BACKOFF_MS_CONFIG, Type.LONG, RECONNECT_BACKOFF_MS_DEFAULT, Range.atLeast(1L),
                Importance.LOW, RECONNECT_BACKOFF_MS_DOC, CONNECTION_GROUP, ++order, Width.SHORT,
                "Reconnect backoff (ms)")
            .define(RECONNECT_BACKOFF_MAX_MS_CONFIG, Type.LONG, RECONNECT_BACKOFF_MAX_MS_DEFAULT, Range.atLeast(1L),
                Importance.LOW, RECONNECT_BACKOFF_MAX_MS_DOC, CONNECTION_GROUP, ++order, Width.SHORT,
                "Reconnect backoff max (ms)")
            .define(MAX_INFLIGHT_CONFIG, Type.INT, MAX_INFLIGHT_DEFAULT, Range.between(1, 65535), Importance.MEDIUM,
                subscriber ? MAX_INFLIGHT_DOC : MAX_INFLIGHT_PUBLISHER_DOC, CONNECTION_GROUP, ++order, Width.SHORT,
                "Max in-flight messages");
        if (subscriber) {
            def.define(SESSION_EXPIRY_INTERVAL_MS_CONFIG, Type.LONG, SESSION_EXPIRY_INTERVAL_MS_DEFAULT,
                    Range.between(0L, SESSION_EXPIRY_INTERVAL_MS_MAX), Importance.MEDIUM,
                    SESSION_EXPIRY_INTERVAL_MS_DOC, CONNECTION_GROUP, ++order, Width.SHORT,
                    "Session expiry interval (ms)")
                .define(PERSISTENCE_DIR_CONFIG, Type.STRING, PERSISTENCE_DIR_DEFAULT, new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM, PERSISTENCE_DIR_DOC, CONNECTION_GROUP, ++order, Width.LONG,
                    "QoS 2 persistence directory")
                .define(PERSISTENCE_FSYNC_CONFIG, Type.BOOLEAN, PERSISTENCE_FSYNC_DEFAULT, Importance.LOW,
                    PERSISTENCE_FSYNC_DOC, CONNECTION_GROUP, ++order, Width.SHORT, "Force persistence to disk");
        }

        int tlsOrder = 0;
        def.define(SSL_TRUSTSTORE_LOCATION_CONFIG, Type.STRING, null, new ReadableFileValidator(), Importance.MEDIUM,
                SSL_TRUSTSTORE_LOCATION_DOC, TLS_GROUP, ++tlsOrder, Width.LONG, "Trust store location")
            .define(SSL_TRUSTSTORE_TYPE_CONFIG, Type.STRING, "JKS", storeTypeValidator(), Importance.MEDIUM,
                SSL_TRUSTSTORE_TYPE_DOC, TLS_GROUP, ++tlsOrder, Width.SHORT, "Trust store type")
            .define(SSL_TRUSTSTORE_PASSWORD_CONFIG, Type.PASSWORD, null, Importance.MEDIUM,
                SSL_TRUSTSTORE_PASSWORD_DOC, TLS_GROUP, ++tlsOrder, Width.MEDIUM, "Trust store password")
            .define(SSL_KEYSTORE_LOCATION_CONFIG, Type.STRING, null, new ReadableFileValidator(), Importance.MEDIUM,
                SSL_KEYSTORE_LOCATION_DOC, TLS_GROUP, ++tlsOrder, Width.LONG, "Key store location")
            .define(SSL_KEYSTORE_TYPE_CONFIG, Type.STRING, "JKS", storeTypeValidator(), Importance.MEDIUM,
                SSL_KEYSTORE_TYPE_DOC, TLS_GROUP, ++tlsOrder, Width.SHORT, "Key store type")
            .define(SSL_KEYSTORE_PASSWORD_CONFIG, Type.PASSWORD, null, Importance.MEDIUM, SSL_KEYSTORE_PASSWORD_DOC,
                TLS_GROUP, ++tlsOrder, Width.MEDIUM, "Key store password")
            .define(SSL_KEY_PASSWORD_CONFIG, Type.PASSWORD, null, Importance.MEDIUM, SSL_KEY_PASSWORD_DOC, TLS_GROUP,
                ++tlsOrder, Width.MEDIUM, "Private key password")
            .define(SSL_PROTOCOL_CONFIG, Type.STRING, SSL_PROTOCOL_DEFAULT,
                ConfigDef.ValidString.in(TLS_PROTOCOLS.toArray(new String[0])), Importance.LOW, SSL_PROTOCOL_DOC,
                TLS_GROUP, ++tlsOrder, Width.SHORT, "TLS protocol")
            .define(SSL_ENABLED_PROTOCOLS_CONFIG, Type.LIST, SSL_ENABLED_PROTOCOLS_DEFAULT,
                new EnabledProtocolsValidator(), Importance.LOW, SSL_ENABLED_PROTOCOLS_DOC, TLS_GROUP, ++tlsOrder,
                Width.MEDIUM, "Enabled TLS protocols")
            .define(SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG, Type.STRING,
                SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_DEFAULT, new EndpointIdentificationValidator(), Importance.LOW,
                SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_DOC, TLS_GROUP, ++tlsOrder, Width.SHORT,
                "Host name verification");
        return def;
    }

    /**
     * Builds transport settings from a parsed configuration.
     *
     * @param config a configuration whose definition includes {@link #addDefinitions(ConfigDef)}
     * @param clientId the client id this connection uses (already made unique per task)
     * @throws ConfigException if keys contradict each other (backoff above its maximum)
     */
    public static MqttConnectionSettings settings(AbstractConfig config, String clientId) {
        return settings(config, clientId, true);
    }

    /**
     * Builds publisher settings: a clean session without persistence, since the publisher's own store (Kafka)
     * holds every message until the broker confirmed it and a lost connection makes it publish again.
     *
     * @param config a configuration whose definition includes {@link #addPublisherDefinitions(ConfigDef)}
     * @param clientId the client id this connection uses (already made unique per task)
     * @throws ConfigException if keys contradict each other (backoff above its maximum)
     */
    public static MqttConnectionSettings publisherSettings(AbstractConfig config, String clientId) {
        return settings(config, clientId, false);
    }

    private static MqttConnectionSettings settings(AbstractConfig config, String clientId, boolean subscriber) {
        long backoff = config.getLong(RECONNECT_BACKOFF_MS_CONFIG);
        long backoffMax = config.getLong(RECONNECT_BACKOFF_MAX_MS_CONFIG);
        String backoffProblem = backoffProblem(backoff, backoffMax);
        if (backoffProblem != null) {
            throw new ConfigException(RECONNECT_BACKOFF_MAX_MS_CONFIG, backoffMax, backoffProblem);
        }
        List<String> uris = config.getList(SERVER_URIS_CONFIG);
        String username = config.getString(USERNAME_CONFIG);
        return new MqttConnectionSettings(
            MqttVersion.fromConfigValue(config.getString(VERSION_CONFIG)),
            uris,
            clientId,
            username == null || username.isEmpty() ? null : username,
            chars(config.getPassword(PASSWORD_CONFIG)),
            usesTls(uris) ? sslSettings(config) : null,
            Duration.ofMillis(config.getLong(KEEPALIVE_INTERVAL_MS_CONFIG)),
            Duration.ofMillis(config.getLong(CONNECT_TIMEOUT_MS_CONFIG)),
            Duration.ofMillis(backoff),
            Duration.ofMillis(backoffMax),
            subscriber ? Duration.ofMillis(config.getLong(SESSION_EXPIRY_INTERVAL_MS_CONFIG)) : Duration.ZERO,
            config.getInt(MAX_INFLIGHT_CONFIG),
            subscriber ? Path.of(config.getString(PERSISTENCE_DIR_CONFIG)) : null,
            !subscriber,
            !subscriber || config.getBoolean(PERSISTENCE_FSYNC_CONFIG));
    }

    /** Whether any of the URIs asks for TLS ({@code ssl://} or {@code wss://}). */
    public static boolean usesTls(List<String> serverUris) {
        return serverUris.stream().map(u -> u.trim().toLowerCase(java.util.Locale.ROOT))
            .anyMatch(u -> u.startsWith("ssl://") || u.startsWith("wss://"));
    }

    /**
     * Checks that the reconnect backoff does not exceed its maximum.
     *
     * @return a message for {@value #RECONNECT_BACKOFF_MAX_MS_CONFIG}, or null if the pair is consistent
     */
    public static String backoffProblem(long backoffMs, long backoffMaxMs) {
        if (backoffMaxMs < backoffMs) {
            return "must be at least " + RECONNECT_BACKOFF_MS_CONFIG + " (" + backoffMs + ")";
        }
        return null;
    }

    private static SslSettings sslSettings(AbstractConfig config) {
        return new SslSettings(
            emptyToNull(config.getString(SSL_TRUSTSTORE_LOCATION_CONFIG)),
            config.getString(SSL_TRUSTSTORE_TYPE_CONFIG).toUpperCase(java.util.Locale.ROOT),
            chars(config.getPassword(SSL_TRUSTSTORE_PASSWORD_CONFIG)),
            emptyToNull(config.getString(SSL_KEYSTORE_LOCATION_CONFIG)),
            config.getString(SSL_KEYSTORE_TYPE_CONFIG).toUpperCase(java.util.Locale.ROOT),
            chars(config.getPassword(SSL_KEYSTORE_PASSWORD_CONFIG)),
            chars(config.getPassword(SSL_KEY_PASSWORD_CONFIG)),
            config.getString(SSL_PROTOCOL_CONFIG),
            config.getList(SSL_ENABLED_PROTOCOLS_CONFIG),
            config.getString(SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG));
    }

    private static ConfigDef.Validator storeTypeValidator() {
        return ConfigDef.CaseInsensitiveValidString.in(STORE_TYPES.toArray(new String[0]));
    }

    private static char[] chars(Password password) {
        return password == null || password.value() == null || password.value().isEmpty()
            ? null : password.value().toCharArray();
    }

    private static String emptyToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
