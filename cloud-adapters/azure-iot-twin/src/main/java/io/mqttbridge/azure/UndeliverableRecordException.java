package io.mqttbridge.azure;

/**
 * A record that cannot be delivered to IoT Hub for what it is (no device id, not a JSON object, refused by the hub
 * with a 4xx): retrying cannot help, so it goes to the errant record reporter with this message.
 */
public final class UndeliverableRecordException extends Exception {
    private static final long serialVersionUID = 1L;

    public UndeliverableRecordException(String message) {
        super(message);
    }

    public UndeliverableRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
