package io.mqttbridge.core.config;

import io.mqttbridge.core.transport.MqttConnectionSettings;
import io.mqttbridge.core.transport.MqttVersion;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MqttConnectionConfigTest {

    private static final ConfigDef DEF = MqttConnectionConfig.addDefinitions(new ConfigDef());

    private static Map<String, String> props(String... kv) {
        Map<String, String> props = new HashMap<>();
        props.put(MqttConnectionConfig.SERVER_URIS_CONFIG, "tcp://127.0.0.1:1883");
        for (int i = 0; i < kv.length; i += 2) {
            props.put(kv[i], kv[i + 1]);
        }
        return props;
    }

    private static AbstractConfig parse(Map<String, String> props) {
        return new AbstractConfig(DEF, props);
    }

    private static List<String> errors(Map<String, String> props, String key) {
        return DEF.validate(props).stream().filter(v -> v.name().equals(key)).findFirst()
            .map(ConfigValue::errorMessages).orElseThrow();
    }

    @Test
    void defaultsMatchTheDesign() {
        MqttConnectionSettings s = MqttConnectionConfig.settings(parse(props()), "client-1");
        assertEquals(MqttVersion.V5, s.version());
        assertEquals(List.of("tcp://127.0.0.1:1883"), s.serverUris());
        assertEquals("client-1", s.clientId());
        assertNull(s.username());
        assertNull(s.password());
        assertNull(s.ssl(), "plain tcp:// needs no TLS settings");
        assertEquals(Duration.ofSeconds(60), s.keepAlive());
        assertEquals(Duration.ofSeconds(30), s.connectTimeout());
        assertEquals(Duration.ofMillis(500), s.reconnectBackoff());
        assertEquals(Duration.ofSeconds(30), s.reconnectBackoffMax());
        assertEquals(Duration.ofDays(1), s.sessionExpiry());
        assertEquals(1000, s.maxInflight());
        assertEquals(Path.of(System.getProperty("java.io.tmpdir"), "mqtt-cloud-bridge"), s.persistenceDirectory());
    }

    @Test
    void everyKeyHasGroupDocAndDisplayName() {
        for (ConfigDef.ConfigKey key : DEF.configKeys().values()) {
            assertNotNull(key.group, key.name);
            assertFalse(key.documentation.isBlank(), key.name);
            assertFalse(key.displayName.isBlank(), key.name);
            assertTrue(key.name.startsWith("mqtt."), key.name);
        }
        assertEquals(MqttConnectionConfig.TLS_GROUP,
            DEF.configKeys().get(MqttConnectionConfig.SSL_PROTOCOL_CONFIG).group);
        assertEquals(ConfigDef.Type.PASSWORD, DEF.configKeys().get(MqttConnectionConfig.PASSWORD_CONFIG).type);
        assertEquals(ConfigDef.Type.PASSWORD,
            DEF.configKeys().get(MqttConnectionConfig.SSL_KEY_PASSWORD_CONFIG).type);
    }

    @Test
    void serverUrisAreRequired() {
        Map<String, String> props = props();
        props.remove(MqttConnectionConfig.SERVER_URIS_CONFIG);
        assertFalse(errors(props, MqttConnectionConfig.SERVER_URIS_CONFIG).isEmpty());
        assertThrows(ConfigException.class, () -> parse(props));
    }

    @Test
    void serverUriErrorsNameTheEntryAndTheReason() {
        String key = MqttConnectionConfig.SERVER_URIS_CONFIG;
        assertMessage(errors(props(key, "tcp://a:1883,http://b:80"), key), "'http://b:80'", "scheme 'http'");
        assertMessage(errors(props(key, "tcp://a:1883,broker:1883"), key), "'broker:1883'", "tcp://");
        assertMessage(errors(props(key, "ssl://broker"), key), "'ssl://broker'", "no port");
        assertMessage(errors(props(key, "tcp://:1883"), key), "'tcp://:1883'", "no host");
        assertMessage(errors(props(key, "tcp://a b:1883"), key), "not a URI");
        assertMessage(errors(props(key, ""), key), "at least one");
        assertMessage(errors(props(key, "tcp://a:1883,ssl://b:8883"), key), "mixes TLS");
        assertTrue(errors(props(key, "tcp://a:1883,ws://c:80/mqtt"), key).isEmpty());
        assertTrue(errors(props(key, "ssl://b:8883,wss://d:443/mqtt"), key).isEmpty());
    }

    @Test
    void versionMustBe311Or5() {
        assertMessage(errors(props(MqttConnectionConfig.VERSION_CONFIG, "3"), MqttConnectionConfig.VERSION_CONFIG),
            "3.1.1", "5");
        assertEquals(MqttVersion.V3_1_1, MqttConnectionConfig.settings(
            parse(props(MqttConnectionConfig.VERSION_CONFIG, "3.1.1")), "c").version());
    }

    @Test
    void numericRangesAreEnforced() {
        assertFalse(errors(props(MqttConnectionConfig.MAX_INFLIGHT_CONFIG, "0"),
            MqttConnectionConfig.MAX_INFLIGHT_CONFIG).isEmpty());
        assertFalse(errors(props(MqttConnectionConfig.MAX_INFLIGHT_CONFIG, "65536"),
            MqttConnectionConfig.MAX_INFLIGHT_CONFIG).isEmpty());
        assertTrue(errors(props(MqttConnectionConfig.MAX_INFLIGHT_CONFIG, "65535"),
            MqttConnectionConfig.MAX_INFLIGHT_CONFIG).isEmpty());
        assertFalse(errors(props(MqttConnectionConfig.CONNECT_TIMEOUT_MS_CONFIG, "0"),
            MqttConnectionConfig.CONNECT_TIMEOUT_MS_CONFIG).isEmpty());
        assertFalse(errors(props(MqttConnectionConfig.SESSION_EXPIRY_INTERVAL_MS_CONFIG, "-1"),
            MqttConnectionConfig.SESSION_EXPIRY_INTERVAL_MS_CONFIG).isEmpty());
    }

    @Test
    void backoffAboveItsMaximumIsRefused() {
        Map<String, String> props = props(MqttConnectionConfig.RECONNECT_BACKOFF_MS_CONFIG, "5000",
            MqttConnectionConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        ConfigException e = assertThrows(ConfigException.class,
            () -> MqttConnectionConfig.settings(parse(props), "c"));
        assertTrue(e.getMessage().contains(MqttConnectionConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG), e.getMessage());
        assertTrue(e.getMessage().contains("5000"), e.getMessage());
    }

    @Test
    void missingStoreFileIsNamedWithKeyAndPath(@TempDir Path dir) {
        String key = MqttConnectionConfig.SSL_TRUSTSTORE_LOCATION_CONFIG;
        Path missing = dir.resolve("nope.jks");
        List<String> errors = errors(props(key, missing.toString()), key);
        assertMessage(errors, key, missing.toString(), "does not exist");
        assertMessage(errors(props(MqttConnectionConfig.SSL_KEYSTORE_LOCATION_CONFIG, dir.toString()),
            MqttConnectionConfig.SSL_KEYSTORE_LOCATION_CONFIG), "not a regular file");
    }

    @Test
    void oldTlsProtocolsAreRefused() {
        String key = MqttConnectionConfig.SSL_ENABLED_PROTOCOLS_CONFIG;
        assertMessage(errors(props(key, "TLSv1.1,TLSv1.2"), key), "'TLSv1.1'", "TLSv1.2");
        assertFalse(errors(props(MqttConnectionConfig.SSL_PROTOCOL_CONFIG, "TLSv1"),
            MqttConnectionConfig.SSL_PROTOCOL_CONFIG).isEmpty());
        assertFalse(errors(props(MqttConnectionConfig.SSL_TRUSTSTORE_TYPE_CONFIG, "BKS"),
            MqttConnectionConfig.SSL_TRUSTSTORE_TYPE_CONFIG).isEmpty());
        assertFalse(errors(props(MqttConnectionConfig.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG, "ldaps"),
            MqttConnectionConfig.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG).isEmpty());
    }

    @Test
    void tlsSettingsAreBuiltForSslAndWssUris(@TempDir Path dir) throws IOException {
        Path trust = Files.writeString(dir.resolve("ca.pem"), "not parsed here");
        Map<String, String> props = props(
            MqttConnectionConfig.SERVER_URIS_CONFIG, "ssl://a:8883,wss://b:443/mqtt",
            MqttConnectionConfig.USERNAME_CONFIG, "plant",
            MqttConnectionConfig.PASSWORD_CONFIG, "s3cret",
            MqttConnectionConfig.SSL_TRUSTSTORE_LOCATION_CONFIG, trust.toString(),
            MqttConnectionConfig.SSL_TRUSTSTORE_TYPE_CONFIG, "pem",
            MqttConnectionConfig.SSL_KEYSTORE_PASSWORD_CONFIG, "ks-secret",
            MqttConnectionConfig.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG, "");
        MqttConnectionSettings s = MqttConnectionConfig.settings(parse(props), "c");
        assertEquals("plant", s.username());
        assertArrayEquals("s3cret".toCharArray(), s.password());
        assertNotNull(s.ssl());
        assertEquals(trust.toString(), s.ssl().truststoreLocation());
        assertEquals("PEM", s.ssl().truststoreType());
        assertEquals("JKS", s.ssl().keystoreType());
        assertNull(s.ssl().keystoreLocation());
        assertArrayEquals("ks-secret".toCharArray(), s.ssl().keystorePassword());
        assertEquals("TLSv1.3", s.ssl().protocol());
        assertEquals(List.of("TLSv1.2", "TLSv1.3"), s.ssl().enabledProtocols());
        assertFalse(s.ssl().hostnameVerification());
        assertFalse(s.toString().contains("s3cret"));
        assertFalse(s.toString().contains("ks-secret"));
    }

    @Test
    void usesTlsLooksAtEveryUri() {
        assertFalse(MqttConnectionConfig.usesTls(List.of("tcp://a:1", "ws://b:2")));
        assertTrue(MqttConnectionConfig.usesTls(List.of("tcp://a:1", "SSL://b:2")));
        assertTrue(MqttConnectionConfig.usesTls(List.of("wss://b:2/mqtt")));
    }

    private static void assertMessage(List<String> errors, String... fragments) {
        assertFalse(errors.isEmpty(), "expected an error");
        String all = String.join(" | ", errors);
        for (String fragment : fragments) {
            assertTrue(all.contains(fragment), () -> "'" + fragment + "' missing from: " + all);
        }
    }
}
