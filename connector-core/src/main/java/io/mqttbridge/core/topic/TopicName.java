package io.mqttbridge.core.topic;

import java.util.Objects;

/** Checks on MQTT topic names (what a PUBLISH carries, as opposed to filters). */
public final class TopicName {
    private TopicName() {
    }

    /**
     * Checks that {@code topic} may be published to: not empty, no {@code +} or {@code #}, no U+0000, well-formed
     * UTF-8 of at most 65,535 bytes.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static void validate(String topic) {
        Objects.requireNonNull(topic, "topic");
        if (topic.isEmpty()) {
            throw new IllegalArgumentException("an MQTT topic name must not be empty");
        }
        String what = "topic name " + MqttStrings.quote(topic);
        for (int i = 0; i < topic.length(); i++) {
            char c = topic.charAt(i);
            if (c == '+' || c == '#') {
                throw new IllegalArgumentException(what + " contains the wildcard '" + c + "' at index " + i
                        + "; wildcards are allowed only in subscription filters, not in topic names");
            }
        }
        MqttStrings.check(what, topic);
    }

    /** Whether {@link #validate} would accept {@code topic}. */
    public static boolean isValid(String topic) {
        try {
            validate(topic);
            return true;
        } catch (IllegalArgumentException | NullPointerException e) {
            return false;
        }
    }
}
