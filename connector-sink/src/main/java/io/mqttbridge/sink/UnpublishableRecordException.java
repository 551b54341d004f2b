package io.mqttbridge.sink;

/**
 * A record that cannot become an MQTT message, or that the broker refused: its topic template does not resolve,
 * its value does not encode, a header override is malformed. The record goes to Connect's errant record reporter
 * (the dead-letter queue) with this message. Never carries the payload.
 */
public class UnpublishableRecordException extends Exception {
    private static final long serialVersionUID = 1L;

    public UnpublishableRecordException(String message) {
        super(message);
    }

    public UnpublishableRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
