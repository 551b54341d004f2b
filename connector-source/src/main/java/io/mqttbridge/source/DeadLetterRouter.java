package io.mqttbridge.source;

import io.mqttbridge.core.MqttHeaders;
import io.mqttbridge.core.transport.InboundMessage;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Optional;

/**
 * Decides what happens to a message that could not become a record:
 * <ul>
 *   <li>with {@code errors.deadletterqueue.topic.name} set: a record to that topic with the raw payload, the MQTT
 *       topic as key and error headers; it is acknowledged to the broker once Kafka stored it, like any record;</li>
 *   <li>else with {@code errors.tolerance=all}: a WARN (topic and error, never the payload); the caller acks it;</li>
 *   <li>else: the task fails with a {@link ConnectException} naming the topic and the error.</li>
 * </ul>
 */
public final class DeadLetterRouter {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterRouter.class);

    private final String deadLetterTopic;
    private final boolean tolerateAll;
    private final String connectorName;

    /**
     * @param deadLetterTopic the dead-letter topic, or null for none
     * @param tolerateAll whether {@code errors.tolerance} is {@code all}
     * @param connectorName written into {@link MqttHeaders#ERROR_CONNECTOR}
     */
    public DeadLetterRouter(String deadLetterTopic, boolean tolerateAll, String connectorName) {
        this.deadLetterTopic = deadLetterTopic;
        this.tolerateAll = tolerateAll;
        this.connectorName = connectorName;
    }

    /**
     * Routes a failed message.
     *
     * @return the dead-letter record to send, or empty if the message is to be skipped (and acked by the caller)
     * @throws ConnectException if there is no dead-letter topic and errors are not tolerated
     */
    public Optional<SourceRecord> route(InboundMessage message, Map<String, ?> sourcePartition,
                                        Map<String, ?> sourceOffset, long arrivalMillis,
                                        RecordMappingException error) {
        if (deadLetterTopic != null) {
            ConnectHeaders headers = new ConnectHeaders();
            headers.addString(MqttHeaders.TOPIC, message.topic());
            headers.addByte(MqttHeaders.QOS, (byte) message.qos());
            Throwable cause = error.getCause() != null ? error.getCause() : error;
            headers.addString(MqttHeaders.ERROR_CLASS, cause.getClass().getName());
            headers.addString(MqttHeaders.ERROR_MESSAGE, String.valueOf(error.getMessage()));
            headers.addString(MqttHeaders.ERROR_CONNECTOR, connectorName);
            return Optional.of(new SourceRecord(sourcePartition, sourceOffset, deadLetterTopic, null,
                Schema.STRING_SCHEMA, message.topic(), Schema.BYTES_SCHEMA, message.payload(), arrivalMillis,
                headers));
        }
        if (tolerateAll) {
            log.warn("Skipping MQTT message on topic '{}' (errors.tolerance=all, no dead-letter topic): {}",
                message.topic(), error.getMessage());
            return Optional.empty();
        }
        throw new ConnectException(error.getMessage() + ". Set " + MqttSourceConfig.DLQ_TOPIC_CONFIG
            + " to send such messages to a dead-letter topic, or errors.tolerance=all to skip them.", error);
    }
}
