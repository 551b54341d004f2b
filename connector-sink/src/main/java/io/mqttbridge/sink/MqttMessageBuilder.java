package io.mqttbridge.sink;

import io.mqttbridge.core.MqttHeaders;
import io.mqttbridge.core.codec.PayloadEncoder;
import io.mqttbridge.core.codec.PayloadEncodingException;
import io.mqttbridge.core.topic.TopicName;
import io.mqttbridge.core.transport.MqttProperties;
import io.mqttbridge.core.transport.OutboundMessage;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a sink record into the MQTT message to publish: topic from the template, payload from the encoder, QoS
 * and retain flag from the connector or per record from headers, and MQTT 5 properties from headers. Stateless
 * and thread-safe.
 */
public final class MqttMessageBuilder {
    private static final byte[] EMPTY = new byte[0];
    private static final long MAX_EXPIRY_SECONDS = 0xFFFF_FFFFL;

    private final RecordTopicTemplate topicTemplate;
    private final PayloadEncoder encoder;
    private final int qos;
    private final boolean retain;
    private final String qosHeader;
    private final String retainHeader;
    private final boolean propertiesFromHeaders;
    private final TombstoneBehavior tombstones;

    public MqttMessageBuilder(RecordTopicTemplate topicTemplate, PayloadEncoder encoder, int qos, boolean retain,
                              String qosHeader, String retainHeader, boolean propertiesFromHeaders,
                              TombstoneBehavior tombstones) {
        this.topicTemplate = topicTemplate;
        this.encoder = encoder;
        this.qos = qos;
        this.retain = retain;
        this.qosHeader = qosHeader;
        this.retainHeader = retainHeader;
        this.propertiesFromHeaders = propertiesFromHeaders;
        this.tombstones = tombstones;
    }

    /**
     * The message for a record.
     *
     * @return the message, or null for a tombstone that {@code tombstone.behavior=skip} drops
     * @throws UnpublishableRecordException if the record cannot become a message, saying why
     */
    public OutboundMessage build(SinkRecord record) throws UnpublishableRecordException {
        if (record.value() == null) {
            switch (tombstones) {
                case SKIP:
                    return null;
                case FAIL:
                    throw new UnpublishableRecordException("the record is a tombstone (null value) and "
                        + MqttSinkConfig.TOMBSTONE_BEHAVIOR_CONFIG + "=fail");
                default:
                    return new OutboundMessage(topicTemplate.render(record), EMPTY, qos(record), true,
                        properties(record));
            }
        }
        String topic = topicTemplate.render(record);
        byte[] payload;
        try {
            payload = encoder.encode(record.valueSchema(), record.value());
        } catch (PayloadEncodingException e) {
            throw new UnpublishableRecordException("the value cannot be encoded: "
                + e.getMessage(), e);
        }
        return new OutboundMessage(topic, payload, qos(record), retain(record), properties(record));
    }

    private int qos(SinkRecord record) throws UnpublishableRecordException {
        Object value = headerValue(record, qosHeader);
        if (value == null) {
            return qos;
        }
        String text = value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : value.toString();
        switch (text.trim()) {
            case "0":
                return 0;
            case "1":
                return 1;
            case "2":
                return 2;
            default:
                throw new UnpublishableRecordException("header '" + qosHeader + "' must be a QoS of 0, 1 or 2, was '"
                    + abbreviate(text) + "'");
        }
    }

    private boolean retain(SinkRecord record) throws UnpublishableRecordException {
        Object value = headerValue(record, retainHeader);
        if (value == null) {
            return retain;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        String text = value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : value.toString();
        if (text.trim().equalsIgnoreCase("true")) {
            return true;
        }
        if (text.trim().equalsIgnoreCase("false")) {
            return false;
        }
        throw new UnpublishableRecordException("header '" + retainHeader + "' must be true or false, was '"
            + abbreviate(text) + "'");
    }

    private static Object headerValue(SinkRecord record, String name) {
        if (name == null) {
            return null;
        }
        Header header = record.headers().lastWithName(name);
        return header == null ? null : header.value();
    }

    private MqttProperties properties(SinkRecord record) throws UnpublishableRecordException {
        if (!propertiesFromHeaders || record.headers().isEmpty()) {
            return MqttProperties.EMPTY;
        }
        String contentType = null;
        String responseTopic = null;
        byte[] correlationData = null;
        Long expiry = null;
        List<Map.Entry<String, String>> userProperties = new ArrayList<>();
        for (Header header : record.headers()) {
            String key = header.key();
            Object value = header.value();
            if (value == null) {
                continue;
            }
            if (key.equals(MqttHeaders.CONTENT_TYPE)) {
                contentType = string(key, value);
            } else if (key.equals(MqttHeaders.RESPONSE_TOPIC)) {
                responseTopic = string(key, value);
                try {
                    TopicName.validate(responseTopic);
                } catch (IllegalArgumentException e) {
                    throw new UnpublishableRecordException("header '" + key + "' is not a legal response topic: "
                        + e.getMessage());
                }
            } else if (key.equals(MqttHeaders.CORRELATION_DATA)) {
                correlationData = bytes(value);
            } else if (key.equals(MqttHeaders.MESSAGE_EXPIRY)) {
                expiry = expiry(key, value);
            } else if (key.startsWith(MqttHeaders.USER_PROPERTY_PREFIX)
                && key.length() > MqttHeaders.USER_PROPERTY_PREFIX.length()) {
                userProperties.add(new AbstractMap.SimpleImmutableEntry<>(
                    key.substring(MqttHeaders.USER_PROPERTY_PREFIX.length()), string(key, value)));
            }
        }
        return new MqttProperties(contentType, responseTopic, correlationData, userProperties, expiry, null);
    }

    private static String string(String key, Object value) throws UnpublishableRecordException {
        if (value instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        throw new UnpublishableRecordException("header '" + key + "' must be text, was a "
            + value.getClass().getSimpleName());
    }

    private static byte[] bytes(Object value) {
        if (value instanceof byte[] bytes) {
            return bytes;
        }
        if (value instanceof ByteBuffer buffer) {
            byte[] copy = new byte[buffer.remaining()];
            buffer.duplicate().get(copy);
            return copy;
        }
        return value.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static Long expiry(String key, Object value) throws UnpublishableRecordException {
        long seconds;
        try {
            seconds = value instanceof Number n ? n.longValue() : Long.parseLong(string(key, value).trim());
        } catch (NumberFormatException e) {
            throw new UnpublishableRecordException("header '" + key + "' must be a number of seconds, was '"
                + abbreviate(value.toString()) + "'");
        }
        if (seconds < 0 || seconds > MAX_EXPIRY_SECONDS) {
            throw new UnpublishableRecordException("header '" + key + "' must be between 0 and " + MAX_EXPIRY_SECONDS
                + " seconds, was " + seconds);
        }
        return seconds;
    }

    /** Hostile header values stay out of full-length error messages and logs. */
    private static String abbreviate(String text) {
        String clean = text.replaceAll("\\p{Cntrl}", "?");
        return clean.length() <= 40 ? clean : clean.substring(0, 40) + "...";
    }
}
