package io.mqttbridge.core.transport;

/** Creates the transport for the configured MQTT version. */
public final class MqttTransports {
    private MqttTransports() {
    }

    /**
     * A transport for the settings, not yet connected.
     *
     * @throws IllegalArgumentException if the settings cannot make a client (bad URI)
     * @throws io.mqttbridge.core.ssl.SslConfigException if the TLS settings are unusable
     */
    public static MqttTransport create(MqttConnectionSettings settings, MqttTransportListener listener) {
        return switch (settings.version()) {
            case V3_1_1 -> new PahoV3Transport(settings, listener);
            case V5 -> new PahoV5Transport(settings, listener);
        };
    }
}
