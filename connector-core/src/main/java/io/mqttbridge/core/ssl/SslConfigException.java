package io.mqttbridge.core.ssl;

/**
 * TLS settings that cannot be turned into a working TLS client: a missing or unreadable store, a wrong store
 * password, a disallowed protocol. The message names the file and the configuration key, never a password.
 */
public class SslConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SslConfigException(String message) {
        super(message);
    }

    public SslConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
