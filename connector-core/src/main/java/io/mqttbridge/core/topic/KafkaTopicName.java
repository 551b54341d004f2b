package io.mqttbridge.core.topic;

import java.util.Objects;

/**
 * Legal Kafka topic names: 1 to 249 characters from {@code [a-zA-Z0-9._-]}, and neither {@code .} nor
 * {@code ..} (the rules of Kafka's {@code org.apache.kafka.common.internals.Topic}).
 */
public final class KafkaTopicName {
    /** The longest legal Kafka topic name. */
    public static final int MAX_LENGTH = 249;

    private KafkaTopicName() {
    }

    /**
     * Turns any text, typically an MQTT topic, into a legal Kafka topic name:
     * <ol>
     *   <li>each {@code /} becomes {@code .} (so {@code plant/line1/temp} becomes {@code plant.line1.temp});</li>
     *   <li>every other character outside {@code [a-zA-Z0-9._-]} becomes {@code _}, one {@code _} per Unicode
     *       code point (so {@code $SYS/broker} becomes {@code _SYS.broker} and an emoji one {@code _});</li>
     *   <li>the result is cut to its first 249 characters;</li>
     *   <li>an empty result becomes {@code _}, and a result of {@code .} or {@code ..} (from {@code /} or
     *       {@code //}) has its dots replaced by {@code _}.</li>
     * </ol>
     * Different texts can give the same name ({@code a/b}, {@code a.b}, {@code a+b} and {@code a#b} become
     * {@code a.b}, {@code a.b}, {@code a_b}, {@code a_b}), and Kafka itself warns that {@code .} and {@code _}
     * collide in metric names.
     */
    public static String sanitize(String text) {
        Objects.requireNonNull(text, "text");
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_LENGTH));
        for (int i = 0; i < text.length() && out.length() < MAX_LENGTH; ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == '/') {
                out.append('.');
            } else if (isLegal(cp)) {
                out.append((char) cp);
            } else {
                out.append('_');
            }
        }
        String name = out.toString();
        if (name.isEmpty()) {
            return "_";
        }
        if (name.equals(".") || name.equals("..")) {
            return name.replace('.', '_');
        }
        return name;
    }

    /**
     * Checks that {@code name} is a legal Kafka topic name.
     *
     * @throws IllegalArgumentException saying which rule it breaks
     */
    public static void validate(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a Kafka topic name must not be empty");
        }
        if (name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("'" + name + "' is not a legal Kafka topic name");
        }
        if (name.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("Kafka topic name " + MqttStrings.quote(name) + " is "
                    + name.length() + " characters long; Kafka allows at most " + MAX_LENGTH);
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!isLegal(c)) {
                throw new IllegalArgumentException("Kafka topic name " + MqttStrings.quote(name)
                        + " contains the illegal character "
                        + (c > ' ' && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c)) + " at index " + i
                        + "; Kafka topic names may contain only ASCII letters, digits, '.', '_' and '-'");
            }
        }
    }

    /** Whether {@link #validate} would accept {@code name}. */
    public static boolean isLegal(String name) {
        try {
            validate(name);
            return true;
        } catch (IllegalArgumentException | NullPointerException e) {
            return false;
        }
    }

    private static boolean isLegal(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '_' || c == '-';
    }
}
