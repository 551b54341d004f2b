package io.mqttbridge.azure;

import io.mqttbridge.core.config.ReadableFileValidator;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The IoT Hub connection keys both twin connectors share: the hub and gateway host names, how devices authenticate
 * (connection strings, per-device keys, keys derived from an enrollment group key, or X.509 certificates), TLS trust
 * and timing, as a {@link ConfigDef} fragment with the checks that span keys.
 */
public final class IotHubConnectionConfig {

    public static final String CONNECTION_GROUP = "IoT Hub Connection";
    public static final String AUTH_GROUP = "IoT Hub Authentication";
    public static final String TLS_GROUP = "IoT Hub TLS";

    public static final String HOSTNAME_CONFIG = "iothub.hostname";
    public static final String HOSTNAME_DOC = "Host name of the IoT hub, e.g. myhub.azure-devices.net (it must contain "
        + "a dot). It names the hub in user names and SAS tokens. Optional with iothub.auth.mode=connection.string, "
        + "whose connection strings carry it.";

    public static final String GATEWAY_HOSTNAME_CONFIG = "iothub.gateway.hostname";
    public static final String GATEWAY_HOSTNAME_DOC = "Host name or address of an IoT Edge gateway that devices "
        + "connect through (the connection string's GatewayHostName); the TLS connection goes there, on port 8883, "
        + "while user names and tokens keep iothub.hostname. Empty (default): connect to the hub itself.";

    public static final String AUTH_MODE_CONFIG = "iothub.auth.mode";
    public static final String AUTH_MODE_DEFAULT = AuthMode.DEVICE_KEY.configValue();
    public static final String AUTH_MODE_DOC = "How devices authenticate: connection.string (one device connection "
        + "string each in iothub.device.connection.strings, with SharedAccessKey or a ready SharedAccessSignature), "
        + "device.key (a symmetric key per device in iothub.device.keys), group.key (each device's key derived from "
        + "the enrollment group key iothub.group.key, as the Device Provisioning Service derives it) or x509 (a "
        + "certificate per device, from iothub.x509.keystore.location).";

    public static final String CONNECTION_STRINGS_CONFIG = "iothub.device.connection.strings";
    public static final String CONNECTION_STRINGS_DOC = "For iothub.auth.mode=connection.string: comma-separated "
        + "device connection strings, HostName=...;DeviceId=...;SharedAccessKey=... or ...;SharedAccessSignature=... "
        + "(a token that is used as is and cannot be renewed); a GatewayHostName in a string overrides "
        + "iothub.gateway.hostname for that device.";

    public static final String DEVICE_KEYS_CONFIG = "iothub.device.keys";
    public static final String DEVICE_KEYS_DOC = "For iothub.auth.mode=device.key: comma-separated DEVICE_ID=KEY "
        + "pairs, KEY being the device's primary or secondary symmetric key (base64).";

    public static final String GROUP_KEY_CONFIG = "iothub.group.key";
    public static final String GROUP_KEY_DOC = "For iothub.auth.mode=group.key: the symmetric key (base64) of a DPS "
        + "enrollment group; each device's key is the base64 HMAC-SHA256 of its device id under this key.";

    public static final String X509_KEYSTORE_LOCATION_CONFIG = "iothub.x509.keystore.location";
    public static final String X509_KEYSTORE_LOCATION_DOC = "For iothub.auth.mode=x509: the key store with a "
        + "device's certificate and private key; ${device.id} is replaced by the device id, e.g. "
        + "/etc/iot/${device.id}.p12. The hub must know the certificate (its thumbprint or CA).";

    public static final String X509_KEYSTORE_TYPE_CONFIG = "iothub.x509.keystore.type";
    public static final String X509_KEYSTORE_TYPE_DOC = "Format of the device key stores: PKCS12, JKS or PEM "
        + "(certificate chain and PKCS#8 or PKCS#1 key in one file).";

    public static final String X509_KEYSTORE_PASSWORD_CONFIG = "iothub.x509.keystore.password";
    public static final String X509_KEYSTORE_PASSWORD_DOC = "Password of the device key stores.";

    public static final String X509_KEY_PASSWORD_CONFIG = "iothub.x509.key.password";
    public static final String X509_KEY_PASSWORD_DOC = "Password of the private keys; empty: the key store password "
        + "(or, for PEM, an unencrypted key).";

    public static final String SAS_TOKEN_TTL_MS_CONFIG = "iothub.sas.token.ttl.ms";
    public static final long SAS_TOKEN_TTL_MS_DEFAULT = 3_600_000L;
    public static final String SAS_TOKEN_TTL_MS_DOC = "Lifetime of the SAS tokens signed with device keys, in "
        + "milliseconds (whole seconds are used); the device SDK renews them before they expire.";

    public static final String TRUSTSTORE_LOCATION_CONFIG = "iothub.ssl.truststore.location";
    public static final String TRUSTSTORE_LOCATION_DOC = "File with the CA certificates the hub's (or gateway's) "
        + "certificate must chain to. Empty (default): the JVM's trust store, which holds the roots Azure uses.";

    public static final String TRUSTSTORE_TYPE_CONFIG = "iothub.ssl.truststore.type";
    public static final String TRUSTSTORE_TYPE_DOC = "Format of the trust store file: JKS, PKCS12 or PEM.";

    public static final String TRUSTSTORE_PASSWORD_CONFIG = "iothub.ssl.truststore.password";
    public static final String TRUSTSTORE_PASSWORD_DOC = "Password of the trust store file (not used for PEM).";

    public static final String KEEPALIVE_INTERVAL_MS_CONFIG = "iothub.keepalive.interval.ms";
    public static final long KEEPALIVE_INTERVAL_MS_DEFAULT = 230_000L;
    public static final String KEEPALIVE_INTERVAL_MS_DOC = "MQTT keep-alive interval of each device connection, in "
        + "milliseconds (whole seconds are sent; IoT Hub allows at most 1177 s).";

    public static final String REQUEST_TIMEOUT_MS_CONFIG = "iothub.request.timeout.ms";
    public static final long REQUEST_TIMEOUT_MS_DEFAULT = 60_000L;
    public static final String REQUEST_TIMEOUT_MS_DOC = "How long a twin request or telemetry message may wait for "
        + "the hub's answer, in milliseconds. Past it the device's connection is closed (so the SDK cannot send the "
        + "old request late) and the request is sent again on a new one.";

    public static final String RETRY_BACKOFF_MS_CONFIG = "iothub.retry.backoff.ms";
    public static final long RETRY_BACKOFF_MS_DEFAULT = 500L;
    public static final String RETRY_BACKOFF_MS_DOC = "Delay before a device's first retry after a failed connection"
        + " attempt, a 429 (throttled) or 5xx answer or a timeout, in milliseconds; doubles per failure up to "
        + "iothub.retry.backoff.max.ms.";

    public static final String RETRY_BACKOFF_MAX_MS_CONFIG = "iothub.retry.backoff.max.ms";
    public static final long RETRY_BACKOFF_MAX_MS_DEFAULT = 30_000L;
    public static final String RETRY_BACKOFF_MAX_MS_DOC = "Largest delay between retries of a device, in "
        + "milliseconds; must not be below iothub.retry.backoff.ms.";

    /** Store types accepted for trust and key stores. */
    public static final List<String> STORE_TYPES = List.of("JKS", "PKCS12", "PEM");

    private IotHubConnectionConfig() {
    }

    /** Adds the connection, authentication and TLS keys to {@code def} and returns it. */
    public static ConfigDef addDefinitions(ConfigDef def) {
        int order = 0;
        def.define(HOSTNAME_CONFIG, Type.STRING, "", new HostNameValidator(), Importance.HIGH, HOSTNAME_DOC,
                CONNECTION_GROUP, ++order, Width.LONG, "IoT hub host name")
            .define(GATEWAY_HOSTNAME_CONFIG, Type.STRING, "", Importance.MEDIUM, GATEWAY_HOSTNAME_DOC,
                CONNECTION_GROUP, ++order, Width.LONG, "Gateway host name")
            .define(KEEPALIVE_INTERVAL_MS_CONFIG, Type.LONG, KEEPALIVE_INTERVAL_MS_DEFAULT,
                Range.between(1_000L, 1_177_000L), Importance.LOW, KEEPALIVE_INTERVAL_MS_DOC, CONNECTION_GROUP,
                ++order, Width.SHORT, "Keep-alive interval (ms)")
            .define(REQUEST_TIMEOUT_MS_CONFIG, Type.LONG, REQUEST_TIMEOUT_MS_DEFAULT, Range.atLeast(1_000L),
                Importance.LOW, REQUEST_TIMEOUT_MS_DOC, CONNECTION_GROUP, ++order, Width.SHORT, "Request timeout (ms)")
            .define(RETRY_BACKOFF_MS_CONFIG, Type.LONG, RETRY_BACKOFF_MS_DEFAULT, Range.atLeast(1L), Importance.LOW,
                RETRY_BACKOFF_MS_DOC, CONNECTION_GROUP, ++order, Width.SHORT, "Retry backoff (ms)")
            .define(RETRY_BACKOFF_MAX_MS_CONFIG, Type.LONG, RETRY_BACKOFF_MAX_MS_DEFAULT, Range.atLeast(1L),
                Importance.LOW, RETRY_BACKOFF_MAX_MS_DOC, CONNECTION_GROUP, ++order, Width.SHORT,
                "Retry backoff max (ms)");
        order = 0;
        def.define(AUTH_MODE_CONFIG, Type.STRING, AUTH_MODE_DEFAULT,
                ConfigDef.CaseInsensitiveValidString.in(Arrays.stream(AuthMode.values()).map(AuthMode::configValue)
                    .toArray(String[]::new)),
                Importance.HIGH, AUTH_MODE_DOC, AUTH_GROUP, ++order, Width.SHORT, "Authentication mode")
            .define(CONNECTION_STRINGS_CONFIG, Type.PASSWORD, null, Importance.HIGH, CONNECTION_STRINGS_DOC,
                AUTH_GROUP, ++order, Width.LONG, "Device connection strings")
            .define(DEVICE_KEYS_CONFIG, Type.PASSWORD, null, Importance.HIGH, DEVICE_KEYS_DOC, AUTH_GROUP, ++order,
                Width.LONG, "Device keys")
            .define(GROUP_KEY_CONFIG, Type.PASSWORD, null, Importance.HIGH, GROUP_KEY_DOC, AUTH_GROUP, ++order,
                Width.LONG, "Enrollment group key")
            .define(X509_KEYSTORE_LOCATION_CONFIG, Type.STRING, "", Importance.HIGH, X509_KEYSTORE_LOCATION_DOC,
                AUTH_GROUP, ++order, Width.LONG, "Device key store location")
            .define(X509_KEYSTORE_TYPE_CONFIG, Type.STRING, "PKCS12", storeTypeValidator(), Importance.MEDIUM,
                X509_KEYSTORE_TYPE_DOC, AUTH_GROUP, ++order, Width.SHORT, "Device key store type")
            .define(X509_KEYSTORE_PASSWORD_CONFIG, Type.PASSWORD, null, Importance.MEDIUM,
                X509_KEYSTORE_PASSWORD_DOC, AUTH_GROUP, ++order, Width.MEDIUM, "Device key store password")
            .define(X509_KEY_PASSWORD_CONFIG, Type.PASSWORD, null, Importance.MEDIUM, X509_KEY_PASSWORD_DOC,
                AUTH_GROUP, ++order, Width.MEDIUM, "Device key password")
            .define(SAS_TOKEN_TTL_MS_CONFIG, Type.LONG, SAS_TOKEN_TTL_MS_DEFAULT, Range.between(60_000L,
                    365L * 24 * 3_600_000L), Importance.LOW, SAS_TOKEN_TTL_MS_DOC, AUTH_GROUP, ++order, Width.SHORT,
                "SAS token lifetime (ms)");
        order = 0;
        def.define(TRUSTSTORE_LOCATION_CONFIG, Type.STRING, "", new ReadableFileValidator(), Importance.MEDIUM,
                TRUSTSTORE_LOCATION_DOC, TLS_GROUP, ++order, Width.LONG, "Trust store location")
            .define(TRUSTSTORE_TYPE_CONFIG, Type.STRING, "PEM", storeTypeValidator(), Importance.MEDIUM,
                TRUSTSTORE_TYPE_DOC, TLS_GROUP, ++order, Width.SHORT, "Trust store type")
            .define(TRUSTSTORE_PASSWORD_CONFIG, Type.PASSWORD, null, Importance.MEDIUM, TRUSTSTORE_PASSWORD_DOC,
                TLS_GROUP, ++order, Width.MEDIUM, "Trust store password");
        return def;
    }

    private static ConfigDef.Validator storeTypeValidator() {
        return ConfigDef.CaseInsensitiveValidString.in(STORE_TYPES.toArray(new String[0]));
    }

    /**
     * Problems that span keys, by the key whose {@code ConfigValue} should carry them; keys missing from
     * {@code values} (absent or already invalid) are skipped. Values are as {@code ConfigDef} parsed them.
     */
    public static Map<String, List<String>> crossKeyProblems(Map<String, ?> values) {
        Map<String, List<String>> problems = new LinkedHashMap<>();
        AuthMode mode = null;
        if (values.get(AUTH_MODE_CONFIG) instanceof String m) {
            try {
                mode = AuthMode.fromConfigValue(m);
            } catch (IllegalArgumentException e) {
                add(problems, AUTH_MODE_CONFIG, e.getMessage());
            }
        }
        boolean hostKnown = values.get(HOSTNAME_CONFIG) instanceof String host && !host.isBlank();
        if (mode != null && mode != AuthMode.CONNECTION_STRING && !hostKnown && values.containsKey(HOSTNAME_CONFIG)) {
            add(problems, HOSTNAME_CONFIG, "required with " + AUTH_MODE_CONFIG + "=" + mode.configValue()
                + ": set the hub's host name, e.g. myhub.azure-devices.net");
        }
        if (mode == AuthMode.CONNECTION_STRING && values.containsKey(CONNECTION_STRINGS_CONFIG)) {
            String text = secret(values.get(CONNECTION_STRINGS_CONFIG));
            if (text == null) {
                add(problems, CONNECTION_STRINGS_CONFIG, "required with " + AUTH_MODE_CONFIG
                    + "=connection.string: give one device connection string per device, comma-separated");
            } else {
                try {
                    DeviceCredentials.parseConnectionStrings(text);
                } catch (IllegalArgumentException e) {
                    add(problems, CONNECTION_STRINGS_CONFIG, e.getMessage());
                }
            }
        }
        if (mode == AuthMode.DEVICE_KEY && values.containsKey(DEVICE_KEYS_CONFIG)) {
            String text = secret(values.get(DEVICE_KEYS_CONFIG));
            if (text == null) {
                add(problems, DEVICE_KEYS_CONFIG, "required with " + AUTH_MODE_CONFIG
                    + "=device.key: give DEVICE_ID=BASE64_KEY pairs, comma-separated");
            } else {
                try {
                    DeviceCredentials.parseDeviceKeys(text);
                } catch (IllegalArgumentException e) {
                    add(problems, DEVICE_KEYS_CONFIG, e.getMessage());
                }
            }
        }
        if (mode == AuthMode.GROUP_KEY && values.containsKey(GROUP_KEY_CONFIG)) {
            String key = secret(values.get(GROUP_KEY_CONFIG));
            if (key == null) {
                add(problems, GROUP_KEY_CONFIG, "required with " + AUTH_MODE_CONFIG + "=group.key: give the "
                    + "enrollment group's symmetric key (base64)");
            } else if (DeviceCredentials.keyProblem(key) != null) {
                add(problems, GROUP_KEY_CONFIG, "the group key " + DeviceCredentials.keyProblem(key));
            }
        }
        if (mode == AuthMode.X509 && values.get(X509_KEYSTORE_LOCATION_CONFIG) instanceof String location
            && location.isBlank()) {
            add(problems, X509_KEYSTORE_LOCATION_CONFIG, "required with " + AUTH_MODE_CONFIG + "=x509: give the key "
                + "store of each device, with ${device.id} in the path, e.g. /etc/iot/${device.id}.p12");
        }
        if (values.get(RETRY_BACKOFF_MS_CONFIG) instanceof Long backoff
            && values.get(RETRY_BACKOFF_MAX_MS_CONFIG) instanceof Long backoffMax && backoffMax < backoff) {
            add(problems, RETRY_BACKOFF_MAX_MS_CONFIG, "must be at least " + RETRY_BACKOFF_MS_CONFIG + " ("
                + backoff + ")");
        }
        return problems;
    }

    static void add(Map<String, List<String>> problems, String key, String message) {
        problems.computeIfAbsent(key, k -> new ArrayList<>()).add(message);
    }

    private static String secret(Object value) {
        String text = value instanceof Password p ? p.value() : value == null ? null : value.toString();
        return text == null || text.isBlank() ? null : text.trim();
    }

    /** The hub settings of a parsed configuration whose definition includes {@link #addDefinitions}. */
    static IotHubSettings settings(AbstractConfig config) {
        Map<String, List<String>> problems = crossKeyProblems(config.values());
        problems.entrySet().stream().findFirst().ifPresent(e -> {
            // The message only: the value may be a secret.
            throw new ConfigException("Invalid value for configuration " + e.getKey() + ": " + e.getValue().get(0));
        });
        return new IotHubSettings(
            config.getString(HOSTNAME_CONFIG).trim(),
            config.getString(GATEWAY_HOSTNAME_CONFIG).trim(),
            AuthMode.fromConfigValue(config.getString(AUTH_MODE_CONFIG)),
            secret(config.getPassword(CONNECTION_STRINGS_CONFIG)),
            secret(config.getPassword(DEVICE_KEYS_CONFIG)),
            secret(config.getPassword(GROUP_KEY_CONFIG)),
            config.getString(X509_KEYSTORE_LOCATION_CONFIG).trim(),
            config.getString(X509_KEYSTORE_TYPE_CONFIG).toUpperCase(Locale.ROOT),
            chars(config.getPassword(X509_KEYSTORE_PASSWORD_CONFIG)),
            chars(config.getPassword(X509_KEY_PASSWORD_CONFIG)),
            config.getLong(SAS_TOKEN_TTL_MS_CONFIG),
            config.getString(TRUSTSTORE_LOCATION_CONFIG).trim(),
            config.getString(TRUSTSTORE_TYPE_CONFIG).toUpperCase(Locale.ROOT),
            chars(config.getPassword(TRUSTSTORE_PASSWORD_CONFIG)),
            config.getLong(KEEPALIVE_INTERVAL_MS_CONFIG),
            config.getLong(REQUEST_TIMEOUT_MS_CONFIG),
            config.getLong(RETRY_BACKOFF_MS_CONFIG),
            config.getLong(RETRY_BACKOFF_MAX_MS_CONFIG));
    }

    private static char[] chars(Password password) {
        return password == null || password.value() == null || password.value().isEmpty()
            ? null : password.value().toCharArray();
    }

    /** An empty value, or a host name with a dot: the device SDK refuses a HostName without one. */
    static final class HostNameValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            String host = value == null ? "" : value.toString().trim();
            if (host.isEmpty()) {
                return;
            }
            if (!host.contains(".") || host.contains("/") || host.contains(":") || host.contains(" ")) {
                throw new ConfigException(name, value, "must be a host name with a dot and no scheme, port or path, "
                    + "e.g. myhub.azure-devices.net");
            }
        }

        @Override
        public String toString() {
            return "host name with a dot, e.g. myhub.azure-devices.net";
        }
    }
}
