package io.mqttbridge.core;

/** Names of the Kafka record headers that carry MQTT metadata, shared by the source and sink connectors. */
public final class MqttHeaders {
    /** The MQTT topic a message was published to. */
    public static final String TOPIC = "mqtt.topic";
    /** The QoS a message was delivered with (int8). */
    public static final String QOS = "mqtt.qos";
    /** Whether the broker delivered the message as retained (boolean). */
    public static final String RETAINED = "mqtt.retained";
    /** The DUP flag (boolean): the broker may have delivered the message before. */
    public static final String DUPLICATE = "mqtt.duplicate";
    /** The packet id (int32), unique only within one connection. */
    public static final String MESSAGE_ID = "mqtt.message.id";
    /** MQTT 5 content type (string). */
    public static final String CONTENT_TYPE = "mqtt.content.type";
    /** MQTT 5 response topic (string). */
    public static final String RESPONSE_TOPIC = "mqtt.response.topic";
    /** MQTT 5 correlation data (bytes). */
    public static final String CORRELATION_DATA = "mqtt.correlation.data";
    /** MQTT 5 message expiry interval in seconds (int64). */
    public static final String MESSAGE_EXPIRY = "mqtt.message.expiry.interval";
    /** Prefix of MQTT 5 user properties: user property {@code NAME} becomes header {@code mqtt.user.NAME}. */
    public static final String USER_PROPERTY_PREFIX = "mqtt.user.";

    /** Dead-letter header: the class of the exception that made the record undeliverable. */
    public static final String ERROR_CLASS = "mqtt.error.class";
    /** Dead-letter header: the message of the exception that made the record undeliverable. */
    public static final String ERROR_MESSAGE = "mqtt.error.message";
    /** Dead-letter header: the name of the connector that dead-lettered the record. */
    public static final String ERROR_CONNECTOR = "mqtt.error.connector";

    private MqttHeaders() {
    }
}
