package io.mqttbridge.azure;

/** Opens {@link DeviceSession}s: the seam between the connectors and the device SDK. */
interface DeviceSessionFactory {

    /**
     * Connects a device and subscribes it to its desired properties; blocks until done.
     *
     * @throws DeviceAuthenticationException if the hub refused the credentials
     * @throws DeviceConnectException if the connection failed for a reason that may pass
     * @throws DeviceCredentialsException if this side has no usable credentials for the device
     * @throws InterruptedException if interrupted while connecting
     */
    DeviceSession open(String deviceId, DeviceSessionListener listener)
        throws DeviceAuthenticationException, DeviceConnectException, InterruptedException;
}
