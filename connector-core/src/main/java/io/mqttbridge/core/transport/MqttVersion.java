package io.mqttbridge.core.transport;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The protocol version a transport speaks, as written in {@code mqtt.version}. */
public enum MqttVersion {
    V3_1_1("3.1.1"),
    V5("5");

    private final String configValue;

    MqttVersion(String configValue) {
        this.configValue = configValue;
    }

    /** The value users write in configuration. */
    public String configValue() {
        return configValue;
    }

    /** Parses a configuration value ({@code 3.1.1} or {@code 5}). */
    public static MqttVersion fromConfigValue(String value) {
        for (MqttVersion v : values()) {
            if (v.configValue.equals(value)) {
                return v;
            }
        }
        throw new IllegalArgumentException("Unknown MQTT version '" + value + "', expected one of " + allowed());
    }

    /** The accepted configuration values, comma separated. */
    public static String allowed() {
        return Arrays.stream(values()).map(MqttVersion::configValue).collect(Collectors.joining(", "));
    }
}
