package io.mqttbridge.core.transport;

/** A connection, subscription or protocol failure, with a message that names the cause. */
public class MqttTransportException extends Exception {
    private static final long serialVersionUID = 1L;

    public MqttTransportException(String message) {
        super(message);
    }

    public MqttTransportException(String message, Throwable cause) {
        super(message, cause);
    }
}
