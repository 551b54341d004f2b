package io.mqttbridge.azure;

import io.mqttbridge.core.topic.TopicTemplate;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code iothub.device.id} template, rendered per record into a device id. Variables: {@code kafka.topic},
 * {@code kafka.partition}, {@code key}, {@code key.PATH}, {@code header.NAME} and {@code value.PATH}, where PATH is a
 * dot-separated field path into a {@code Struct} or {@code Map}. Immutable and thread-safe.
 */
public final class DeviceIdTemplate {
    static final String KAFKA_TOPIC = "kafka.topic";
    static final String KAFKA_PARTITION = "kafka.partition";
    static final String KEY = "key";
    static final String KEY_PREFIX = "key.";
    static final String HEADER_PREFIX = "header.";
    static final String VALUE_PREFIX = "value.";

    private final TopicTemplate template;

    private DeviceIdTemplate(TopicTemplate template) {
        this.template = template;
    }

    /**
     * Parses and checks a template: syntax, known variables, and for a template without variables that it is a
     * valid device id.
     *
     * @throws IllegalArgumentException naming the problem
     */
    public static DeviceIdTemplate parse(String text) {
        TopicTemplate template = TopicTemplate.parse(text);
        for (String variable : template.variables()) {
            String problem = variableProblem(variable);
            if (problem != null) {
                throw new IllegalArgumentException("${" + variable + "} " + problem + "; use ${key}, ${key.FIELD}, "
                    + "${header.NAME}, ${value.FIELD.PATH}, ${kafka.topic} or ${kafka.partition}");
            }
        }
        if (template.isConstant()) {
            String problem = DeviceCredentials.deviceIdProblem(template.render(v -> ""));
            if (problem != null) {
                throw new IllegalArgumentException("the template is not a valid device id: " + problem);
            }
        }
        return new DeviceIdTemplate(template);
    }

    private static String variableProblem(String variable) {
        if (variable.equals(KAFKA_TOPIC) || variable.equals(KAFKA_PARTITION) || variable.equals(KEY)) {
            return null;
        }
        for (String prefix : List.of(KEY_PREFIX, VALUE_PREFIX)) {
            if (variable.startsWith(prefix)) {
                String path = variable.substring(prefix.length());
                return path.isEmpty() || path.startsWith(".") || path.endsWith(".") || path.contains("..")
                    ? "has an empty field name in its path" : null;
            }
        }
        if (variable.startsWith(HEADER_PREFIX)) {
            return variable.length() > HEADER_PREFIX.length() ? null : "names no header";
        }
        return "is not a known variable";
    }

    /**
     * The device id of a record.
     *
     * @throws UndeliverableRecordException if a variable has no usable value for this record or the result is not a
     *     valid device id
     */
    public String render(SinkRecord record) throws UndeliverableRecordException {
        String deviceId;
        try {
            deviceId = template.render(variable -> lookup(record, variable));
        } catch (Unresolved e) {
            throw new UndeliverableRecordException("iothub.device.id template '" + template.template() + "': ${"
                + e.variable + "} " + e.getMessage());
        }
        String problem = DeviceCredentials.deviceIdProblem(deviceId);
        if (problem != null) {
            throw new UndeliverableRecordException("iothub.device.id template '" + template.template()
                + "' gave '" + DeviceCredentials.printable(deviceId) + "', not a valid device id: " + problem);
        }
        return deviceId;
    }

    private static String lookup(SinkRecord record, String variable) {
        if (variable.equals(KAFKA_TOPIC)) {
            return record.topic();
        }
        if (variable.equals(KAFKA_PARTITION)) {
            return String.valueOf(record.kafkaPartition());
        }
        if (variable.equals(KEY)) {
            return text(variable, record.key(), "the record has no key");
        }
        if (variable.startsWith(KEY_PREFIX)) {
            return text(variable, field(variable, record.key(), variable.substring(KEY_PREFIX.length()), "key"), null);
        }
        if (variable.startsWith(VALUE_PREFIX)) {
            return text(variable, field(variable, record.value(), variable.substring(VALUE_PREFIX.length()), "value"),
                null);
        }
        String name = variable.substring(HEADER_PREFIX.length());
        Header header = record.headers().lastWithName(name);
        if (header == null) {
            throw new Unresolved(variable, "has no value: the record has no header '" + name + "'");
        }
        return text(variable, header.value(), null);
    }

    private static Object field(String variable, Object root, String path, String rootName) {
        Object current = root;
        List<String> walked = new ArrayList<>();
        walked.add(rootName);
        for (String name : path.split("\\.")) {
            if (current == null) {
                throw new Unresolved(variable, "has no value: " + String.join(".", walked) + " is null");
            }
            if (current instanceof Struct struct) {
                Field field = struct.schema().field(name);
                if (field == null) {
                    throw new Unresolved(variable, "has no value: " + String.join(".", walked) + " has no field '"
                        + name + "'");
                }
                current = struct.get(field);
            } else if (current instanceof Map<?, ?> map) {
                if (!map.containsKey(name)) {
                    throw new Unresolved(variable, "has no value: " + String.join(".", walked) + " has no entry '"
                        + name + "'");
                }
                current = map.get(name);
            } else {
                throw new Unresolved(variable, "has no value: " + String.join(".", walked) + " is a "
                    + current.getClass().getSimpleName() + ", not a Struct or Map");
            }
            walked.add(name);
        }
        return current;
    }

    private static String text(String variable, Object value, String whenNull) {
        if (value == null) {
            throw new Unresolved(variable, whenNull != null ? "has no value: " + whenNull : "is null");
        }
        if (value instanceof byte[] bytes) {
            value = new String(bytes, StandardCharsets.UTF_8);
        }
        if (value instanceof String || value instanceof Number || value instanceof Boolean
            || value instanceof Character) {
            String text = value.toString();
            if (text.isEmpty()) {
                throw new Unresolved(variable, "is empty");
            }
            return text;
        }
        throw new Unresolved(variable, "is a " + value.getClass().getSimpleName()
            + ", not a string, number or boolean");
    }

    /** A variable without a usable value; no stack trace, since it is an expected outcome per record. */
    private static final class Unresolved extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String variable;

        Unresolved(String variable, String message) {
            super(message, null, false, false);
            this.variable = variable;
        }
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
