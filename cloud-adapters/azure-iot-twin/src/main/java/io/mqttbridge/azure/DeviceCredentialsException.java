package io.mqttbridge.azure;

/** There are no usable credentials for a device: no key or connection string, or unreadable TLS material. */
final class DeviceCredentialsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DeviceCredentialsException(String message) {
        super(message);
    }

    DeviceCredentialsException(String message, Throwable cause) {
        super(message, cause);
    }
}
