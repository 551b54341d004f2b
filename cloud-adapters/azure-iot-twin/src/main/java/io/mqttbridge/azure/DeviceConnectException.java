package io.mqttbridge.azure;

/** A device could not connect or lost its connection for a reason that may pass: network, hub busy. */
final class DeviceConnectException extends Exception {
    private static final long serialVersionUID = 1L;

    DeviceConnectException(String message, Throwable cause) {
        super(message, cause);
    }
}
