package io.mqttbridge.core.sink;

import io.mqttbridge.core.topic.TopicTemplate;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A template rendered per sink record, e.g. an MQTT topic, a thing name or a device id. Variables:
 * {@code kafka.topic}, {@code kafka.partition}, {@code key}, {@code key.PATH}, {@code header.NAME} and
 * {@code value.PATH}, where PATH is a dot-separated field path into a {@code Struct} or {@code Map}. A variable
 * renders only from a non-empty string, number or boolean. Immutable and thread-safe.
 */
public final class RecordTemplate {
    static final String KAFKA_TOPIC = "kafka.topic";
    static final String KAFKA_PARTITION = "kafka.partition";
    static final String KEY = "key";
    static final String KEY_PREFIX = "key.";
    static final String HEADER_PREFIX = "header.";
    static final String VALUE_PREFIX = "value.";

    private final TopicTemplate template;

    private RecordTemplate(TopicTemplate template) {
        this.template = template;
    }

    /**
     * Parses and checks a template: syntax and known variables.
     *
     * @throws IllegalArgumentException naming the problem
     */
    public static RecordTemplate parse(String text) {
        TopicTemplate template = TopicTemplate.parse(text);
        for (String variable : template.variables()) {
            String problem = variableProblem(variable);
            if (problem != null) {
                throw new IllegalArgumentException("${" + variable + "} " + problem + "; use ${kafka.topic}, "
                    + "${kafka.partition}, ${key}, ${key.FIELD}, ${header.NAME} or ${value.FIELD.PATH}");
            }
        }
        return new RecordTemplate(template);
    }

    private static String variableProblem(String variable) {
        if (variable.equals(KAFKA_TOPIC) || variable.equals(KAFKA_PARTITION) || variable.equals(KEY)) {
            return null;
        }
        for (String prefix : List.of(KEY_PREFIX, VALUE_PREFIX)) {
            if (variable.startsWith(prefix)) {
                return pathProblem(variable.substring(prefix.length()));
            }
        }
        if (variable.startsWith(HEADER_PREFIX)) {
            return variable.length() > HEADER_PREFIX.length() ? null : "names no header";
        }
        return "is not a known variable";
    }

    private static String pathProblem(String path) {
        if (path.isEmpty() || path.startsWith(".") || path.endsWith(".") || path.contains("..")) {
            return "has an empty field name in its path";
        }
        return null;
    }

    /**
     * Renders the template for a record.
     *
     * @throws RecordTemplateException if a variable has no usable value for this record (no key, a missing header
     *     or field, a null, empty or non-primitive value), naming the variable and why
     */
    public String render(SinkRecord record) throws RecordTemplateException {
        try {
            return template.render(variable -> lookup(record, variable));
        } catch (Unresolved e) {
            throw new RecordTemplateException("template '" + template.template() + "': ${" + e.variable + "} "
                + e.getMessage());
        }
    }

    /** Whether the template has no variables. */
    public boolean isConstant() {
        return template.isConstant();
    }

    /** The text a template without variables renders to ({@code $$} unescaped). */
    public String constantText() {
        if (!template.isConstant()) {
            throw new IllegalStateException("template '" + template.template() + "' has variables");
        }
        return template.render(variable -> "");
    }

    /** The template text as configured. */
    public String template() {
        return template.template();
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
            return text(variable, field(variable, record.key(), variable.substring(KEY_PREFIX.length()), "key"),
                null);
        }
        if (variable.startsWith(VALUE_PREFIX)) {
            return text(variable, field(variable, record.value(), variable.substring(VALUE_PREFIX.length()),
                "value"), null);
        }
        String name = variable.substring(HEADER_PREFIX.length());
        Header header = record.headers().lastWithName(name);
        if (header == null) {
            throw new Unresolved(variable, "has no value: the record has no header '" + name + "'");
        }
        return text(variable, header.value(), null);
    }

    /** Walks a dot path through Structs and Maps. */
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
                    throw new Unresolved(variable, "has no value: " + String.join(".", walked)
                        + " has no field '" + name + "'");
                }
                current = struct.get(field);
            } else if (current instanceof Map<?, ?> map) {
                if (!map.containsKey(name)) {
                    throw new Unresolved(variable, "has no value: " + String.join(".", walked)
                        + " has no entry '" + name + "'");
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
        if (value instanceof String || value instanceof Number || value instanceof Boolean
            || value instanceof Character) {
            String text = value.toString();
            if (text.isEmpty()) {
                throw new Unresolved(variable, "is empty, which would leave an empty topic level");
            }
            return text;
        }
        throw new Unresolved(variable, "is a " + value.getClass().getSimpleName()
            + ", not a string, number or boolean");
    }

    /** A variable without a usable value; carries no stack trace since it is an expected outcome per record. */
    private static final class Unresolved extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String variable;

        Unresolved(String variable, String message) {
            super(message, null, false, false);
            this.variable = variable;
        }
    }

    @Override
    public String toString() {
        return template.template();
    }
}
