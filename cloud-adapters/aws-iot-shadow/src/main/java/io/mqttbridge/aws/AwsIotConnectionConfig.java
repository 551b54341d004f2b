package io.mqttbridge.aws;

import io.mqttbridge.core.config.ReadableFileValidator;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.types.Password;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The AWS IoT Core connection keys shared by the shadow connectors: endpoint and X.509 mutual TLS. */
public final class AwsIotConnectionConfig {
    public static final String GROUP = "AWS IoT Connection";

    public static final String ENDPOINT_CONFIG = "aws.iot.endpoint";
    public static final String ENDPOINT_DOC = "The account's AWS IoT data endpoint host, e.g. "
        + "abc123-ats.iot.eu-central-1.amazonaws.com (aws iot describe-endpoint --endpoint-type iot:Data-ATS), or any "
        + "host serving the same MQTT API.";
    public static final String PORT_CONFIG = "aws.iot.port";
    public static final int PORT_DEFAULT = 8883;
    public static final String PORT_DOC = "TCP port of the MQTT over TLS endpoint.";
    public static final String CLIENT_ID_CONFIG = "aws.iot.client.id";
    public static final String CLIENT_ID_DOC = "MQTT client id. Empty (default): the connector name and task number "
        + "(<connector>-<task>). AWS IoT disconnects an older connection when another one uses the same id; the "
        + "certificate's policy must allow iot:Connect for it.";
    public static final String CERTIFICATE_PATH_CONFIG = "aws.iot.certificate.path";
    public static final String CERTIFICATE_PATH_DOC = "PEM file with the device certificate (X.509 mutual TLS). "
        + "Set it with aws.iot.private.key.path, or use aws.iot.keystore.path instead.";
    public static final String PRIVATE_KEY_PATH_CONFIG = "aws.iot.private.key.path";
    public static final String PRIVATE_KEY_PATH_DOC = "PEM file with the certificate's private key (unencrypted, "
        + "PKCS#1 or PKCS#8).";
    public static final String KEYSTORE_PATH_CONFIG = "aws.iot.keystore.path";
    public static final String KEYSTORE_PATH_DOC = "PKCS#12 file with the device certificate and its key, instead "
        + "of the two PEM files.";
    public static final String KEYSTORE_PASSWORD_CONFIG = "aws.iot.keystore.password";
    public static final String KEYSTORE_PASSWORD_DOC = "Password of the PKCS#12 file.";
    public static final String CA_PATH_CONFIG = "aws.iot.ca.path";
    public static final String CA_PATH_DOC = "PEM file with the CA certificates the endpoint's certificate must chain "
        + "to (e.g. Amazon Root CA 1). Empty: the system's trust store.";
    public static final String KEEPALIVE_MS_CONFIG = "aws.iot.keepalive.interval.ms";
    public static final long KEEPALIVE_MS_DEFAULT = 60_000L;
    public static final String KEEPALIVE_MS_DOC = "MQTT keep-alive interval in milliseconds (AWS IoT accepts 30 s "
        + "to 1200 s).";
    public static final String RECONNECT_BACKOFF_MS_CONFIG = "aws.iot.reconnect.backoff.ms";
    public static final long RECONNECT_BACKOFF_MS_DEFAULT = 500L;
    public static final String RECONNECT_BACKOFF_MS_DOC = "First delay before reconnecting after a lost connection; "
        + "the SDK doubles it per failed attempt, with jitter, up to aws.iot.reconnect.backoff.max.ms.";
    public static final String RECONNECT_BACKOFF_MAX_MS_CONFIG = "aws.iot.reconnect.backoff.max.ms";
    public static final long RECONNECT_BACKOFF_MAX_MS_DEFAULT = 30_000L;
    public static final String RECONNECT_BACKOFF_MAX_MS_DOC = "Largest delay between reconnect attempts.";
    public static final String CONNECT_TIMEOUT_MS_CONFIG = "aws.iot.connect.timeout.ms";
    public static final long CONNECT_TIMEOUT_MS_DEFAULT = 30_000L;
    public static final String CONNECT_TIMEOUT_MS_DOC = "How long a task waits for its first connection at start "
        + "before it fails naming the cause.";
    public static final String REQUEST_TIMEOUT_MS_CONFIG = "aws.iot.request.timeout.ms";
    public static final long REQUEST_TIMEOUT_MS_DEFAULT = 15_000L;
    public static final String REQUEST_TIMEOUT_MS_DOC = "How long a shadow request waits for its accepted or "
        + "rejected reply before it is sent again.";

    private AwsIotConnectionConfig() {
    }

    /** Adds the connection keys to {@code def}. */
    public static ConfigDef addDefinitions(ConfigDef def) {
        int order = 0;
        return def
            .define(ENDPOINT_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
                Importance.HIGH, ENDPOINT_DOC, GROUP, ++order, Width.LONG, "Endpoint")
            .define(PORT_CONFIG, Type.INT, PORT_DEFAULT, Range.between(1, 65535), Importance.LOW, PORT_DOC, GROUP,
                ++order, Width.SHORT, "Port")
            .define(CLIENT_ID_CONFIG, Type.STRING, "", Importance.MEDIUM, CLIENT_ID_DOC, GROUP, ++order, Width.MEDIUM,
                "Client id")
            .define(CERTIFICATE_PATH_CONFIG, Type.STRING, null, new ReadableFileValidator(), Importance.HIGH,
                CERTIFICATE_PATH_DOC, GROUP, ++order, Width.LONG, "Certificate (PEM)")
            .define(PRIVATE_KEY_PATH_CONFIG, Type.STRING, null, new ReadableFileValidator(), Importance.HIGH,
                PRIVATE_KEY_PATH_DOC, GROUP, ++order, Width.LONG, "Private key (PEM)")
            .define(KEYSTORE_PATH_CONFIG, Type.STRING, null, new ReadableFileValidator(), Importance.MEDIUM,
                KEYSTORE_PATH_DOC, GROUP, ++order, Width.LONG, "Key store (PKCS#12)")
            .define(KEYSTORE_PASSWORD_CONFIG, Type.PASSWORD, null, Importance.MEDIUM, KEYSTORE_PASSWORD_DOC, GROUP,
                ++order, Width.MEDIUM, "Key store password")
            .define(CA_PATH_CONFIG, Type.STRING, null, new ReadableFileValidator(), Importance.MEDIUM, CA_PATH_DOC,
                GROUP, ++order, Width.LONG, "CA certificates (PEM)")
            .define(KEEPALIVE_MS_CONFIG, Type.LONG, KEEPALIVE_MS_DEFAULT, Range.between(30_000L, 1_200_000L),
                Importance.LOW, KEEPALIVE_MS_DOC, GROUP, ++order, Width.SHORT, "Keep-alive (ms)")
            .define(RECONNECT_BACKOFF_MS_CONFIG, Type.LONG, RECONNECT_BACKOFF_MS_DEFAULT, Range.atLeast(1L),
                Importance.LOW, RECONNECT_BACKOFF_MS_DOC, GROUP, ++order, Width.SHORT, "Reconnect backoff (ms)")
            .define(RECONNECT_BACKOFF_MAX_MS_CONFIG, Type.LONG, RECONNECT_BACKOFF_MAX_MS_DEFAULT, Range.atLeast(1L),
                Importance.LOW, RECONNECT_BACKOFF_MAX_MS_DOC, GROUP, ++order, Width.SHORT, "Reconnect backoff max (ms)")
            .define(CONNECT_TIMEOUT_MS_CONFIG, Type.LONG, CONNECT_TIMEOUT_MS_DEFAULT, Range.atLeast(1L),
                Importance.LOW, CONNECT_TIMEOUT_MS_DOC, GROUP, ++order, Width.SHORT, "Connect timeout (ms)")
            .define(REQUEST_TIMEOUT_MS_CONFIG, Type.LONG, REQUEST_TIMEOUT_MS_DEFAULT, Range.atLeast(1L),
                Importance.LOW, REQUEST_TIMEOUT_MS_DOC, GROUP, ++order, Width.SHORT, "Request timeout (ms)");
    }

    /** Problems spanning keys (credentials given one way or the other; backoff order), by key. */
    public static Map<String, List<String>> crossKeyProblems(Map<String, ?> values) {
        Map<String, List<String>> problems = new LinkedHashMap<>();
        boolean cert = isSet(values.get(CERTIFICATE_PATH_CONFIG));
        boolean key = isSet(values.get(PRIVATE_KEY_PATH_CONFIG));
        boolean keystore = isSet(values.get(KEYSTORE_PATH_CONFIG));
        if (values.containsKey(CERTIFICATE_PATH_CONFIG) && values.containsKey(KEYSTORE_PATH_CONFIG)) {
            if (!cert && !keystore) {
                problems.put(CERTIFICATE_PATH_CONFIG, List.of("AWS IoT needs a device certificate: set "
                    + CERTIFICATE_PATH_CONFIG + " and " + PRIVATE_KEY_PATH_CONFIG + ", or " + KEYSTORE_PATH_CONFIG));
            } else if (cert && keystore) {
                problems.put(KEYSTORE_PATH_CONFIG, List.of("set either " + KEYSTORE_PATH_CONFIG + " or "
                    + CERTIFICATE_PATH_CONFIG + " with " + PRIVATE_KEY_PATH_CONFIG + ", not both"));
            }
        }
        if (cert && values.containsKey(PRIVATE_KEY_PATH_CONFIG) && !key) {
            problems.put(PRIVATE_KEY_PATH_CONFIG, List.of("the certificate in " + CERTIFICATE_PATH_CONFIG
                + " needs its private key: set " + PRIVATE_KEY_PATH_CONFIG));
        }
        if (values.get(RECONNECT_BACKOFF_MS_CONFIG) instanceof Long min
            && values.get(RECONNECT_BACKOFF_MAX_MS_CONFIG) instanceof Long max && max < min) {
            problems.put(RECONNECT_BACKOFF_MAX_MS_CONFIG, List.of("must be at least " + RECONNECT_BACKOFF_MS_CONFIG
                + " (" + min + ")"));
        }
        return problems;
    }

    private static boolean isSet(Object value) {
        return value != null && !value.toString().isBlank();
    }

    /** The connection settings of a parsed configuration, for client id {@code clientId}. */
    public static AwsIotSettings settings(AbstractConfig config, String clientId) {
        Password password = config.getPassword(KEYSTORE_PASSWORD_CONFIG);
        return new AwsIotSettings(config.getString(ENDPOINT_CONFIG).trim(), config.getInt(PORT_CONFIG), clientId,
            blankToNull(config.getString(CERTIFICATE_PATH_CONFIG)), blankToNull(config.getString(PRIVATE_KEY_PATH_CONFIG)),
            blankToNull(config.getString(KEYSTORE_PATH_CONFIG)), password == null ? null : password.value(),
            blankToNull(config.getString(CA_PATH_CONFIG)), Duration.ofMillis(config.getLong(KEEPALIVE_MS_CONFIG)),
            Duration.ofMillis(config.getLong(RECONNECT_BACKOFF_MS_CONFIG)),
            Duration.ofMillis(config.getLong(RECONNECT_BACKOFF_MAX_MS_CONFIG)),
            Duration.ofMillis(config.getLong(CONNECT_TIMEOUT_MS_CONFIG)),
            Duration.ofMillis(config.getLong(REQUEST_TIMEOUT_MS_CONFIG)));
    }

    /** The configured client id, or {@code name-task} when empty. */
    public static String clientId(AbstractConfig config, String connectorName, int taskId, int tasks) {
        String configured = blankToNull(config.getString(CLIENT_ID_CONFIG));
        if (configured == null) {
            return connectorName + "-" + taskId;
        }
        return tasks > 1 ? configured + "-" + taskId : configured;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
