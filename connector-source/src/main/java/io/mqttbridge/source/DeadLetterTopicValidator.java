package io.mqttbridge.source;

import io.mqttbridge.core.topic.KafkaTopicName;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** Validates {@code errors.deadletterqueue.topic.name}: empty, or a legal Kafka topic name. */
final class DeadLetterTopicValidator implements ConfigDef.Validator {

    @Override
    public void ensureValid(String name, Object value) {
        if (value == null || value.toString().isEmpty()) {
            return;
        }
        try {
            KafkaTopicName.validate(value.toString());
        } catch (RuntimeException e) {
            throw new ConfigException(name, value, "not a legal Kafka topic name: " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "legal Kafka topic name, or empty";
    }
}
