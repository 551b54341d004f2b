package io.mqttbridge.source;

/**
 * An MQTT message could not become a Kafka record: its payload did not decode, or a template could not be
 * resolved for its topic. Never carries the payload.
 */
public class RecordMappingException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String mqttTopic;

    public RecordMappingException(String mqttTopic, String message, Throwable cause) {
        super(message, cause);
        this.mqttTopic = mqttTopic;
    }

    /** The MQTT topic of the message that failed. */
    public String mqttTopic() {
        return mqttTopic;
    }
}
