package io.mqttbridge.source;

import io.mqttbridge.core.MqttHeaders;
import io.mqttbridge.core.codec.PayloadDecoder;
import io.mqttbridge.core.topic.KafkaTopicName;
import io.mqttbridge.core.topic.TopicFilter;
import io.mqttbridge.core.topic.TopicTemplate;
import io.mqttbridge.core.transport.InboundMessage;
import io.mqttbridge.core.transport.MqttProperties;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.source.SourceRecord;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Turns an {@link InboundMessage} into a {@link SourceRecord}: topic and key from their templates (with the
 * captures of the first configured filter that matches the message's topic), value from the payload decoder,
 * MQTT metadata as headers, and the task's source partition and the message's sequence as offset.
 */
public final class MqttRecordMapper {

    /** Source partition key: the client id whose session the message came from. */
    public static final String PARTITION_CLIENT_ID = "mqtt.client.id";
    /** Source offset key: the message's sequence number within the task (see {@link InOrderAckTracker}). */
    public static final String OFFSET_SEQUENCE = "sequence";

    private final List<TopicFilter> filters;
    private final TopicTemplate kafkaTopic;
    private final TopicTemplate recordKey;
    private final PayloadDecoder decoder;
    private final Map<String, String> sourcePartition;

    /**
     * @param filters the task's filters, in configured order; {@code $share/GROUP/} prefixes are ignored
     * @param kafkaTopic the {@code kafka.topic} template
     * @param recordKey the {@code record.key} template, or null for records without a key
     * @param decoder decodes payloads into record values
     * @param clientId the task's MQTT client id, which names its source partition
     */
    public MqttRecordMapper(List<TopicFilter> filters, TopicTemplate kafkaTopic, TopicTemplate recordKey,
                            PayloadDecoder decoder, String clientId) {
        this.filters = filters.stream().map(TopicFilter::unshared).toList();
        this.kafkaTopic = kafkaTopic;
        this.recordKey = recordKey;
        this.decoder = decoder;
        this.sourcePartition = sourcePartition(clientId);
    }

    /** The source partition of a task with this client id. */
    public static Map<String, String> sourcePartition(String clientId) {
        return Map.of(PARTITION_CLIENT_ID, clientId);
    }

    /** The source partition of every record this mapper makes. */
    public Map<String, String> sourcePartition() {
        return sourcePartition;
    }

    /** The source offset of the message with this sequence number. */
    public static Map<String, Long> sourceOffset(long sequence) {
        return Map.of(OFFSET_SEQUENCE, sequence);
    }

    /** The sequence number in a record's source offset, or -1 if it has none. */
    public static long sequenceOf(SourceRecord record) {
        Map<String, ?> offset = record.sourceOffset();
        return offset != null && offset.get(OFFSET_SEQUENCE) instanceof Number n ? n.longValue() : -1L;
    }

    /**
     * Maps one message.
     *
     * @param sequence the message's sequence number in the task's tracker
     * @param arrivalMillis when the message arrived (the record's timestamp)
     * @throws RecordMappingException if the payload does not decode or a template cannot be resolved
     */
    public SourceRecord map(InboundMessage message, long sequence, long arrivalMillis) throws RecordMappingException {
        String mqttTopic = message.topic();
        List<String> captures = captures(mqttTopic);
        String topic;
        String key;
        try {
            topic = kafkaTopic.render(variables(mqttTopic, captures, KafkaTopicName::sanitize));
            KafkaTopicName.validate(topic);
            key = recordKey == null ? null : recordKey.render(variables(mqttTopic, captures, Function.identity()));
        } catch (RuntimeException e) {
            throw new RecordMappingException(mqttTopic, "cannot build the Kafka topic or key for MQTT topic '"
                + mqttTopic + "': " + e.getMessage(), e);
        }
        SchemaAndValue value;
        try {
            value = decoder.decode(mqttTopic, message.payload());
        } catch (Exception e) {
            throw new RecordMappingException(mqttTopic, "cannot decode the payload of the message on MQTT topic '"
                + mqttTopic + "': " + e.getMessage(), e);
        }
        return new SourceRecord(sourcePartition, sourceOffset(sequence), topic, null,
            key == null ? null : Schema.OPTIONAL_STRING_SCHEMA, key, value.schema(), value.value(), arrivalMillis,
            headers(message));
    }

    private List<String> captures(String mqttTopic) {
        for (TopicFilter filter : filters) {
            Optional<List<String>> match = filter.match(mqttTopic);
            if (match.isPresent()) {
                return match.get();
            }
        }
        return List.of();
    }

    private static Function<String, String> variables(String mqttTopic, List<String> captures,
                                                      Function<String, String> transform) {
        return variable -> {
            if (MqttSourceConfig.MQTT_TOPIC_VARIABLE.equals(variable)) {
                return transform.apply(mqttTopic);
            }
            int n = TemplateRules.captureNumber(variable);
            return n >= 1 && n <= captures.size() ? transform.apply(captures.get(n - 1)) : null;
        };
    }

    /** The MQTT metadata headers of a message (see {@link MqttHeaders}). */
    public static Headers headers(InboundMessage message) {
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString(MqttHeaders.TOPIC, message.topic());
        headers.addByte(MqttHeaders.QOS, (byte) message.qos());
        headers.addBoolean(MqttHeaders.RETAINED, message.retained());
        headers.addBoolean(MqttHeaders.DUPLICATE, message.duplicate());
        headers.addInt(MqttHeaders.MESSAGE_ID, message.messageId());
        MqttProperties props = message.properties();
        if (props.contentType() != null) {
            headers.addString(MqttHeaders.CONTENT_TYPE, props.contentType());
        }
        if (props.responseTopic() != null) {
            headers.addString(MqttHeaders.RESPONSE_TOPIC, props.responseTopic());
        }
        if (props.correlationData() != null) {
            headers.addBytes(MqttHeaders.CORRELATION_DATA, props.correlationData());
        }
        if (props.messageExpiryIntervalSeconds() != null) {
            headers.addLong(MqttHeaders.MESSAGE_EXPIRY, props.messageExpiryIntervalSeconds());
        }
        for (Map.Entry<String, String> property : props.userProperties()) {
            headers.addString(MqttHeaders.USER_PROPERTY_PREFIX + property.getKey(), property.getValue());
        }
        return headers;
    }
}
