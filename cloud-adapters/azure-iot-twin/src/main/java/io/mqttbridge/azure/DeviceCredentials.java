package io.mqttbridge.azure;

import io.mqttbridge.core.ssl.SslConfigException;
import io.mqttbridge.core.ssl.SslContextFactory;
import io.mqttbridge.core.ssl.SslSettings;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLContext;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How each device connects: its connection string for the device SDK (HostName, DeviceId, the key or token or
 * {@code x509=true}, and GatewayHostName) and the TLS context (trusted CAs, for X.509 the device's certificate;
 * TCP_NODELAY set). Also explains, without revealing secrets, why the hub may have refused a device. Thread-safe.
 */
final class DeviceCredentials {
    /** IoT Hub device ids: up to 128 ASCII letters, digits and {@code - . % _ * ? ! ( ) , : = @ $ '}. */
    private static final String DEVICE_ID_PATTERN = "[A-Za-z0-9\\-.%_*?!(),:=@$']{1,128}";
    private static final String DEVICE_ID_VARIABLE = "${device.id}";
    private static final List<String> ENABLED_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /** A device connection string, parsed. */
    record ConnectionString(String hostName, String deviceId, String sharedAccessKey, String sharedAccessSignature,
                            String gatewayHostName) {
        @Override
        public String toString() {
            return "ConnectionString[HostName=" + hostName + ", DeviceId=" + deviceId + ", secrets=[hidden]]";
        }
    }

    /** What the device SDK needs to connect one device. */
    record DeviceConnection(String deviceId, String connectionString, SSLContext sslContext, String hostName) {
        @Override
        public String toString() {
            return "DeviceConnection[" + deviceId + "@" + hostName + "]";
        }
    }

    private final IotHubSettings settings;
    private final Map<String, ConnectionString> connectionStrings;
    private final Map<String, String> deviceKeys;
    private volatile SSLContext sharedContext;

    DeviceCredentials(IotHubSettings settings) {
        this.settings = settings;
        this.connectionStrings = settings.authMode() == AuthMode.CONNECTION_STRING
            ? parseConnectionStrings(settings.connectionStrings()) : Map.of();
        this.deviceKeys = settings.authMode() == AuthMode.DEVICE_KEY ? parseDeviceKeys(settings.deviceKeys())
            : Map.of();
    }

    /** The hub's host name: configured, or the first connection string's. */
    String hostName() {
        if (!settings.hostName().isEmpty()) {
            return settings.hostName();
        }
        return connectionStrings.values().stream().map(ConnectionString::hostName).findFirst().orElse("");
    }

    /** Where a device connects: the hub (its connection string's, else the configured one) and the gateway if any. */
    String routeOf(String deviceId) {
        ConnectionString cs = connectionStrings.get(deviceId);
        String hub = cs != null ? cs.hostName() : hostName();
        String gateway = cs != null && cs.gatewayHostName() != null ? cs.gatewayHostName()
            : settings.gatewayHostName();
        return gateway == null || gateway.isEmpty() ? hub : hub + " via " + gateway;
    }

    /**
     * The connection of a device.
     *
     * @throws DeviceCredentialsException if there are no credentials for the device or its TLS material cannot be
     *     loaded, naming the device and the key to fix
     */
    DeviceConnection connection(String deviceId) {
        String problem = deviceIdProblem(deviceId);
        if (problem != null) {
            throw new DeviceCredentialsException("'" + printable(deviceId) + "' is not a valid IoT Hub device id: "
                + problem);
        }
        String gateway = settings.gatewayHostName();
        return switch (settings.authMode()) {
            case CONNECTION_STRING -> {
                ConnectionString cs = connectionStrings.get(deviceId);
                if (cs == null) {
                    throw new DeviceCredentialsException("device '" + deviceId + "' has no connection string in "
                        + IotHubConnectionConfig.CONNECTION_STRINGS_CONFIG);
                }
                String credential = cs.sharedAccessKey() != null ? "SharedAccessKey=" + cs.sharedAccessKey()
                    : "SharedAccessSignature=" + cs.sharedAccessSignature();
                String via = cs.gatewayHostName() != null ? cs.gatewayHostName() : gateway;
                yield new DeviceConnection(deviceId, base(cs.hostName(), deviceId) + credential + gatewaySuffix(via),
                    sharedContext(), cs.hostName());
            }
            case DEVICE_KEY -> {
                String key = deviceKeys.get(deviceId);
                if (key == null) {
                    throw new DeviceCredentialsException("device '" + deviceId + "' has no key in "
                        + IotHubConnectionConfig.DEVICE_KEYS_CONFIG);
                }
                yield new DeviceConnection(deviceId, base(settings.hostName(), deviceId) + "SharedAccessKey=" + key
                    + gatewaySuffix(gateway), sharedContext(), settings.hostName());
            }
            case GROUP_KEY -> new DeviceConnection(deviceId, base(settings.hostName(), deviceId) + "SharedAccessKey="
                + deriveKey(settings.groupKey(), deviceId) + gatewaySuffix(gateway), sharedContext(),
                settings.hostName());
            case X509 -> new DeviceConnection(deviceId, base(settings.hostName(), deviceId) + "x509=true"
                + gatewaySuffix(gateway), x509Context(deviceId), settings.hostName());
        };
    }

    private static String base(String hostName, String deviceId) {
        return "HostName=" + hostName + ";DeviceId=" + deviceId + ";";
    }

    private static String gatewaySuffix(String gateway) {
        return gateway == null || gateway.isEmpty() ? "" : ";GatewayHostName=" + gateway;
    }

    /** Why the hub may have refused a device as not authorized, from what this side knows; no secrets. */
    String refusalExplanation(String deviceId) {
        String unknown = " (or the device is not registered in the hub, or is disabled)";
        return switch (settings.authMode()) {
            case CONNECTION_STRING -> {
                ConnectionString cs = connectionStrings.get(deviceId);
                if (cs != null && cs.sharedAccessSignature() != null) {
                    Instant expiry = tokenExpiry(cs.sharedAccessSignature());
                    if (expiry != null && !expiry.isAfter(Instant.now())) {
                        yield "its SAS token (the SharedAccessSignature of its connection string in "
                            + IotHubConnectionConfig.CONNECTION_STRINGS_CONFIG + ") expired at " + expiry
                            + "; a ready token cannot be renewed: give a fresh one, or the SharedAccessKey instead";
                    }
                    yield "its SAS token (the SharedAccessSignature of its connection string in "
                        + IotHubConnectionConfig.CONNECTION_STRINGS_CONFIG + ", valid until " + expiry + ") was not "
                        + "accepted: it is not signed with a key the hub holds for the device, or names another "
                        + "device or hub" + unknown;
                }
                yield "the SharedAccessKey of its connection string in "
                    + IotHubConnectionConfig.CONNECTION_STRINGS_CONFIG + " is neither key the hub holds for the device"
                    + unknown;
            }
            case DEVICE_KEY -> "its key in " + IotHubConnectionConfig.DEVICE_KEYS_CONFIG
                + " is neither key the hub holds for the device" + unknown;
            case GROUP_KEY -> "the key derived from " + IotHubConnectionConfig.GROUP_KEY_CONFIG + " is not the key the "
                + "hub holds for the device: it was not provisioned through that enrollment group" + unknown;
            case X509 -> "its certificate from " + keystorePath(deviceId) + " is not registered for the device "
                + "(neither its thumbprint nor its CA)" + unknown;
        };
    }

    private static Instant tokenExpiry(String token) {
        for (String field : token.substring(token.indexOf(' ') + 1).split("&")) {
            if (field.startsWith("se=")) {
                try {
                    return Instant.ofEpochSecond(Long.parseLong(field.substring(3)));
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
        return null;
    }

    private SSLContext sharedContext() {
        SSLContext context = sharedContext;
        if (context == null) {
            context = context(null);
            sharedContext = context;
        }
        return context;
    }

    private SSLContext x509Context(String deviceId) {
        String path = keystorePath(deviceId);
        if (!java.nio.file.Files.isReadable(java.nio.file.Path.of(path))) {
            throw new DeviceCredentialsException("device '" + deviceId + "' has no readable key store at " + path
                + " (" + IotHubConnectionConfig.X509_KEYSTORE_LOCATION_CONFIG + ")");
        }
        return context(path);
    }

    private String keystorePath(String deviceId) {
        return settings.x509KeystoreLocation().replace(DEVICE_ID_VARIABLE, deviceId);
    }

    private SSLContext context(String keystore) {
        String truststore = settings.truststoreLocation().isEmpty() ? null : settings.truststoreLocation();
        SslSettings ssl = new SslSettings(truststore, settings.truststoreType(), settings.truststorePassword(),
            keystore, settings.x509KeystoreType(), settings.x509KeystorePassword(), settings.x509KeyPassword(), "TLS",
            ENABLED_PROTOCOLS, "https");
        try {
            return NoDelaySslContext.wrap(SslContextFactory.context(ssl));
        } catch (SslConfigException e) {
            // The factory names the MQTT connectors' keys; these are the same settings under iothub.* names.
            throw new DeviceCredentialsException(e.getMessage()
                .replace("mqtt.ssl.truststore", "iothub.ssl.truststore")
                .replace("mqtt.ssl.keystore", "iothub.x509.keystore")
                .replace("mqtt.ssl.key.password", IotHubConnectionConfig.X509_KEY_PASSWORD_CONFIG), e);
        }
    }

    /** Why a device id is not one IoT Hub accepts, or null. */
    static String deviceIdProblem(String deviceId) {
        if (deviceId == null || deviceId.isEmpty()) {
            return "it is empty";
        }
        if (!deviceId.matches(DEVICE_ID_PATTERN)) {
            return "device ids are up to 128 ASCII letters, digits and - . % _ * ? ! ( ) , : = @ $ '";
        }
        return null;
    }

    /** A device's key derived from an enrollment group key, as DPS derives it. */
    static String deriveKey(String groupKey, String deviceId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(groupKey), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(deviceId.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** Why a symmetric key is unusable, as a predicate ("is not base64 ..."), or null. */
    static String keyProblem(String key) {
        try {
            byte[] bytes = Base64.getDecoder().decode(key.trim());
            return bytes.length < 16 ? "is too short: a symmetric key has 16 to 64 bytes, this one " + bytes.length
                : null;
        } catch (IllegalArgumentException e) {
            return "is not a base64 symmetric key";
        }
    }

    /**
     * Parses comma-separated connection strings, by device id.
     *
     * @throws IllegalArgumentException naming the faulty string by its position and device, never its secrets
     */
    static Map<String, ConnectionString> parseConnectionStrings(String text) {
        Map<String, ConnectionString> result = new LinkedHashMap<>();
        int position = 0;
        for (String raw : text.split(",")) {
            position++;
            if (raw.isBlank()) {
                continue;
            }
            Map<String, String> fields = new LinkedHashMap<>();
            for (String part : raw.trim().split(";")) {
                int eq = part.indexOf('=');
                if (part.isBlank()) {
                    continue;
                }
                if (eq <= 0) {
                    throw new IllegalArgumentException("connection string " + position + " has a part without "
                        + "NAME=VALUE");
                }
                fields.put(part.substring(0, eq).trim().toLowerCase(Locale.ROOT), part.substring(eq + 1).trim());
            }
            String where = "connection string " + position;
            String host = fields.get("hostname");
            String device = fields.get("deviceid");
            if (host == null || host.isEmpty() || !host.contains(".")) {
                throw new IllegalArgumentException(where + " needs a HostName with a dot, e.g. "
                    + "HostName=myhub.azure-devices.net");
            }
            if (device == null || deviceIdProblem(device) != null) {
                throw new IllegalArgumentException(where + " needs a valid DeviceId");
            }
            if (fields.containsKey("moduleid")) {
                throw new IllegalArgumentException(where + " (device '" + device + "') names a module: module "
                    + "identities are not supported");
            }
            String key = fields.get("sharedaccesskey");
            String token = fields.get("sharedaccesssignature");
            if ((key == null) == (token == null)) {
                throw new IllegalArgumentException(where + " (device '" + device + "') needs exactly one of "
                    + "SharedAccessKey or SharedAccessSignature");
            }
            if (key != null && keyProblem(key) != null) {
                throw new IllegalArgumentException(where + " (device '" + device + "'): the SharedAccessKey "
                    + keyProblem(key));
            }
            if (token != null && (!token.startsWith("SharedAccessSignature ") || tokenExpiry(token) == null)) {
                throw new IllegalArgumentException(where + " (device '" + device + "'): the SharedAccessSignature "
                    + "must be a SAS token, SharedAccessSignature sr=...&sig=...&se=...");
            }
            if (result.put(device, new ConnectionString(host, device, key, token, fields.get("gatewayhostname")))
                != null) {
                throw new IllegalArgumentException("device '" + device + "' has more than one connection string");
            }
        }
        if (result.isEmpty()) {
            throw new IllegalArgumentException("no connection string given");
        }
        return result;
    }

    /**
     * Parses comma-separated {@code DEVICE=KEY} pairs (a key's base64 padding may contain '=': the first one splits).
     *
     * @throws IllegalArgumentException naming the faulty pair by its device, never its key
     */
    static Map<String, String> parseDeviceKeys(String text) {
        Map<String, String> result = new LinkedHashMap<>();
        int position = 0;
        for (String pair : text.split(",")) {
            position++;
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("entry " + position + " is not DEVICE_ID=KEY");
            }
            String device = pair.substring(0, eq).trim();
            String key = pair.substring(eq + 1).trim();
            if (deviceIdProblem(device) != null) {
                throw new IllegalArgumentException("entry " + position + ": '" + printable(device) + "' is not a "
                    + "valid device id");
            }
            String problem = keyProblem(key);
            if (problem != null) {
                throw new IllegalArgumentException("the key of device '" + device + "' " + problem);
            }
            if (result.put(device, key) != null) {
                throw new IllegalArgumentException("device '" + device + "' has more than one key");
            }
        }
        if (result.isEmpty()) {
            throw new IllegalArgumentException("no DEVICE_ID=KEY pair given");
        }
        return result;
    }

    static String printable(String text) {
        if (text == null) {
            return "null";
        }
        String clean = text.replaceAll("\\p{Cntrl}", "?");
        return clean.length() <= 60 ? clean : clean.substring(0, 60) + "...";
    }
}
