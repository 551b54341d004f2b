package io.mqttbridge.azure;

/** What a {@link DeviceSession} reports besides request answers; called on the device SDK's threads. */
interface DeviceSessionListener {

    /** A desired-properties patch arrived, as JSON without {@code $version}. */
    default void desiredChanged(String deviceId, long version, String patchJson) {
    }

    /** The connection dropped; the SDK reconnects on its own. */
    default void connectionLost(String deviceId, String reason) {
    }

    /**
     * The connection keeps being lost soon after it is made ({@code losses} times within a minute). IoT Hub keeps
     * one connection per device id and closes the older one, so another client probably connects as this device: a
     * twin connector for the same devices on another worker, or another program with the device's identity.
     */
    default void connectionContended(String deviceId, int losses) {
    }

    /** The connection is back after a loss: whatever was sent meanwhile may be missing. */
    default void reconnected(String deviceId) {
    }

    /**
     * The SDK gave up the connection for good (not by {@link DeviceSession#close()}).
     *
     * @param authentication whether the hub refused the credentials (an expired token, say), so that reconnecting
     *     with them cannot help
     */
    default void disconnected(String deviceId, String reason, boolean authentication) {
    }
}
