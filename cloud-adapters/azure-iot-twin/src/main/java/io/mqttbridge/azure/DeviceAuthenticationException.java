package io.mqttbridge.azure;

/** The hub refused a device's credentials: retrying cannot help, the configuration must change. */
final class DeviceAuthenticationException extends Exception {
    private static final long serialVersionUID = 1L;

    DeviceAuthenticationException(String message, Throwable cause) {
        super(message, cause);
    }
}
