package io.mqttbridge.azure;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How devices authenticate to IoT Hub: the {@code iothub.auth.mode} setting. */
public enum AuthMode {
    /** A device connection string per device, with a SharedAccessKey or a ready SharedAccessSignature. */
    CONNECTION_STRING("connection.string"),
    /** A symmetric key per device. */
    DEVICE_KEY("device.key"),
    /** Keys derived from a DPS enrollment group key. */
    GROUP_KEY("group.key"),
    /** A client certificate per device. */
    X509("x509");

    private final String configValue;

    AuthMode(String configValue) {
        this.configValue = configValue;
    }

    /** The value as written in a connector config. */
    public String configValue() {
        return configValue;
    }

    /**
     * The mode for a config value, ignoring case and surrounding whitespace.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static AuthMode fromConfigValue(String value) {
        String wanted = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        for (AuthMode mode : values()) {
            if (mode.configValue.equals(wanted)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown authentication mode '" + value + "'; expected one of "
            + Arrays.stream(values()).map(AuthMode::configValue).collect(Collectors.joining(", ")));
    }
}
