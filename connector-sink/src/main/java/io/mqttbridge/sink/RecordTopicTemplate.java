package io.mqttbridge.sink;

import io.mqttbridge.core.sink.RecordTemplate;
import io.mqttbridge.core.sink.RecordTemplateException;
import io.mqttbridge.core.topic.TopicName;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * The {@code mqtt.topic} template: a {@link RecordTemplate} whose result must be a legal MQTT topic name. Immutable
 * and thread-safe.
 */
public final class RecordTopicTemplate {
    private final RecordTemplate template;

    private RecordTopicTemplate(RecordTemplate template) {
        this.template = template;
    }

    /**
     * Parses and checks a template: syntax, known variables, and for a template without variables that it is a
     * legal topic name.
     *
     * @throws IllegalArgumentException naming the problem
     */
    public static RecordTopicTemplate parse(String text) {
        RecordTemplate template = RecordTemplate.parse(text);
        if (template.isConstant()) {
            try {
                TopicName.validate(template.constantText());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the template is not a legal MQTT topic: " + e.getMessage(), e);
            }
        }
        return new RecordTopicTemplate(template);
    }

    /**
     * The MQTT topic for a record.
     *
     * @throws UnpublishableRecordException if a variable has no usable value for this record or the result is not a
     *     legal topic name
     */
    public String render(SinkRecord record) throws UnpublishableRecordException {
        String topic;
        try {
            topic = template.render(record);
        } catch (RecordTemplateException e) {
            throw new UnpublishableRecordException("mqtt.topic " + e.getMessage());
        }
        try {
            TopicName.validate(topic);
        } catch (IllegalArgumentException e) {
            throw new UnpublishableRecordException("mqtt.topic template '" + template.template()
                + "' resolved to an illegal MQTT topic: " + e.getMessage());
        }
        return topic;
    }

    /** The template text as configured. */
    public String template() {
        return template.template();
    }

    @Override
    public String toString() {
        return template.template();
    }
}
