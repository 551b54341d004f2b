package io.mqttbridge.source;

import io.mqttbridge.core.topic.KafkaTopicName;
import io.mqttbridge.core.topic.TopicFilter;
import io.mqttbridge.core.topic.TopicTemplate;

import java.util.ArrayList;
import java.util.List;

/**
 * What the source's templates ({@code kafka.topic}, {@code record.key}) may contain: literal text,
 * {@code ${mqtt.topic}}, and {@code ${1}}..{@code ${n}} where every configured filter has at least n wildcards.
 */
final class TemplateRules {

    private TemplateRules() {
    }

    /**
     * Checks a template against the configured filters.
     *
     * @param filters the parsed filters, or null if they are invalid (capture numbers are then not checked)
     * @param kafkaTopic whether the template names a Kafka topic, so its literal text must be legal in one
     * @return the problems found, each a complete sentence for the template's key; empty if none
     */
    static List<String> problems(String template, List<TopicFilter> filters, boolean kafkaTopic) {
        List<String> problems = new ArrayList<>();
        TopicTemplate parsed;
        try {
            parsed = TopicTemplate.parse(template);
        } catch (RuntimeException e) {
            problems.add("template '" + template + "' is not valid: " + e.getMessage());
            return problems;
        }
        for (String variable : parsed.variables()) {
            if (MqttSourceConfig.MQTT_TOPIC_VARIABLE.equals(variable)) {
                continue;
            }
            int capture = captureNumber(variable);
            if (capture < 1) {
                problems.add("unknown variable ${" + variable + "} in '" + template + "'; use ${"
                    + MqttSourceConfig.MQTT_TOPIC_VARIABLE + "} or ${1}..${n} for what the n-th wildcard matched");
                continue;
            }
            if (filters != null) {
                for (TopicFilter filter : filters) {
                    if (filter.wildcardCount() < capture) {
                        problems.add("${" + capture + "} in '" + template + "' refers to wildcard " + capture
                            + ", but filter '" + filter.filter() + "' has only " + filter.wildcardCount()
                            + " wildcard(s); every filter in " + MqttSourceConfig.TOPICS_CONFIG
                            + " must have at least " + capture);
                        break;
                    }
                }
            }
        }
        if (kafkaTopic && problems.isEmpty()) {
            // Variables are sanitized at run time, so only the literal text can make the name illegal.
            String sample = parsed.render(variable -> "x");
            try {
                KafkaTopicName.validate(sample);
            } catch (RuntimeException e) {
                problems.add("template '" + template + "' cannot make a legal Kafka topic name (" + e.getMessage()
                    + "); literal text may use only letters, digits, '.', '_' and '-'");
            }
        }
        return problems;
    }

    /** The capture number a variable names ({@code "2"} is 2), or -1 if it is not a positive number. */
    static int captureNumber(String variable) {
        if (variable.isEmpty() || variable.length() > 3 || !variable.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        int n = Integer.parseInt(variable);
        return n >= 1 ? n : -1;
    }
}
