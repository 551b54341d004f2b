package io.mqttbridge.core.transport;

import io.mqttbridge.core.ssl.SslSettings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything a transport needs to connect, already validated. Built from connector configuration by
 * {@link io.mqttbridge.core.config.MqttConnectionConfig}.
 *
 * @param version protocol version
 * @param serverUris broker URIs ({@code tcp://}, {@code ssl://}, {@code ws://}, {@code wss://}), tried in order
 * @param clientId the stable client id that names the persistent session
 * @param username user name, or null
 * @param password password, or null; never logged
 * @param ssl TLS settings, or null for plain connections
 * @param keepAlive keep-alive interval
 * @param connectTimeout how long one connection attempt may take
 * @param reconnectBackoff first delay between reconnect attempts; doubles per failed attempt
 * @param reconnectBackoffMax the largest delay between reconnect attempts
 * @param sessionExpiry MQTT 5 session expiry interval (how long the broker keeps the session of a disconnected
 *     client); MQTT 3.1.1 sessions with clean session false never expire on their own
 * @param maxInflight MQTT 5 receive maximum and the outbound in-flight window
 * @param persistenceDirectory where inbound QoS 2 state survives a restart of the client (one subdirectory per
 *     client id), or null to keep it in memory only
 * @param cleanSession true for a session that ends with the connection (clean session, or MQTT 5 clean start with
 *     session expiry 0): right for a publisher whose own store (Kafka) is the source of truth, which re-publishes
 *     whatever was unconfirmed when a connection dropped; false for the persistent session a subscriber needs
 * @param persistenceFsync whether writes to the persistence directory are forced to disk (Paho's default); false
 *     keeps them in the operating system's page cache, which survives a crash of the process but not of the machine
 */
public record MqttConnectionSettings(MqttVersion version, List<String> serverUris, String clientId, String username,
                                     char[] password, SslSettings ssl, Duration keepAlive, Duration connectTimeout,
                                     Duration reconnectBackoff, Duration reconnectBackoffMax, Duration sessionExpiry,
                                     int maxInflight, Path persistenceDirectory, boolean cleanSession,
                                     boolean persistenceFsync) {

    public MqttConnectionSettings {
        Objects.requireNonNull(version, "version");
        serverUris = List.copyOf(serverUris);
        if (serverUris.isEmpty()) {
            throw new IllegalArgumentException("at least one server URI is required");
        }
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(keepAlive, "keepAlive");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(reconnectBackoff, "reconnectBackoff");
        Objects.requireNonNull(reconnectBackoffMax, "reconnectBackoffMax");
        Objects.requireNonNull(sessionExpiry, "sessionExpiry");
        if (maxInflight < 1 || maxInflight > 65535) {
            throw new IllegalArgumentException("maxInflight must be in [1, 65535], was " + maxInflight);
        }
    }

    /** Settings whose persistence, if any, is forced to disk on every write. */
    public MqttConnectionSettings(MqttVersion version, List<String> serverUris, String clientId, String username,
                                  char[] password, SslSettings ssl, Duration keepAlive, Duration connectTimeout,
                                  Duration reconnectBackoff, Duration reconnectBackoffMax, Duration sessionExpiry,
                                  int maxInflight, Path persistenceDirectory, boolean cleanSession) {
        this(version, serverUris, clientId, username, password, ssl, keepAlive, connectTimeout, reconnectBackoff,
            reconnectBackoffMax, sessionExpiry, maxInflight, persistenceDirectory, cleanSession, true);
    }

    /** A copy with another client id, for one task of several. */
    public MqttConnectionSettings withClientId(String newClientId) {
        return new MqttConnectionSettings(version, serverUris, newClientId, username, password, ssl, keepAlive,
            connectTimeout, reconnectBackoff, reconnectBackoffMax, sessionExpiry, maxInflight, persistenceDirectory,
            cleanSession, persistenceFsync);
    }

    /** A copy with another session mode. */
    public MqttConnectionSettings withCleanSession(boolean clean) {
        return new MqttConnectionSettings(version, serverUris, clientId, username, password, ssl, keepAlive,
            connectTimeout, reconnectBackoff, reconnectBackoffMax, sessionExpiry, maxInflight, persistenceDirectory,
            clean, persistenceFsync);
    }

    /** A copy whose persistence is, or is not, forced to disk on every write. */
    public MqttConnectionSettings withPersistenceFsync(boolean fsync) {
        return new MqttConnectionSettings(version, serverUris, clientId, username, password, ssl, keepAlive,
            connectTimeout, reconnectBackoff, reconnectBackoffMax, sessionExpiry, maxInflight, persistenceDirectory,
            cleanSession, fsync);
    }

    /** Secrets are masked: this string is safe to log. */
    @Override
    public String toString() {
        return "MqttConnectionSettings[version=" + version.configValue() + ", serverUris=" + serverUris
            + ", clientId=" + clientId + ", username=" + username + ", password=" + (password == null ? "null" : "[hidden]")
            + ", ssl=" + ssl + ", keepAlive=" + keepAlive + ", connectTimeout=" + connectTimeout
            + ", reconnectBackoff=" + reconnectBackoff + ".." + reconnectBackoffMax + ", sessionExpiry=" + sessionExpiry
            + ", maxInflight=" + maxInflight + ", persistenceDirectory=" + persistenceDirectory + ", cleanSession="
            + cleanSession + ", persistenceFsync=" + persistenceFsync + "]";
    }
}
