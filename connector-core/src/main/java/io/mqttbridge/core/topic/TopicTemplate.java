package io.mqttbridge.core.topic;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * A template of literal text and {@code ${NAME}} placeholders, such as {@code mqtt.${1}.readings} or
 * {@code devices/${key}/state}. Immutable and thread-safe.
 *
 * <p>Syntax: {@code ${NAME}} is replaced by the value of {@code NAME}; NAME is any non-empty text without
 * {@code $}, <code>{</code>, <code>}</code> and without leading or trailing whitespace. {@code $$} stands for one
 * literal {@code $}. A {@code $} followed by anything but <code>{</code> or {@code $} is literal, so MQTT topics
 * such as {@code $aws/things/${key}/shadow/update} need no escaping; write {@code $${x}} for a literal
 * {@code ${x}}.
 */
public final class TopicTemplate {
    private final String template;
    /** Alternating parts: a String is literal text, a {@link Variable} a placeholder. */
    private final List<Object> parts;
    private final Set<String> variables;

    private record Variable(String name) {
    }

    private TopicTemplate(String template, List<Object> parts, Set<String> variables) {
        this.template = template;
        this.parts = parts;
        this.variables = variables;
    }

    /**
     * Parses a template.
     *
     * @throws IllegalArgumentException on a syntax error: an unclosed <code>${</code>, an empty or malformed
     *     variable name; the message gives the position
     */
    public static TopicTemplate parse(String template) {
        Objects.requireNonNull(template, "template");
        List<Object> parts = new ArrayList<>();
        Set<String> variables = new LinkedHashSet<>();
        StringBuilder literal = new StringBuilder();
        int n = template.length();
        int i = 0;
        while (i < n) {
            char c = template.charAt(i);
            char next = i + 1 < n ? template.charAt(i + 1) : 0;
            if (c == '$' && next == '$') {
                literal.append('$');
                i += 2;
            } else if (c == '$' && next == '{') {
                int close = template.indexOf('}', i + 2);
                if (close < 0) {
                    throw syntax(template, i, "'${' is never closed with '}'; write '$$' for a literal '$'");
                }
                String name = template.substring(i + 2, close);
                checkName(template, i, name);
                if (literal.length() > 0) {
                    parts.add(literal.toString());
                    literal.setLength(0);
                }
                parts.add(new Variable(name));
                variables.add(name);
                i = close + 1;
            } else {
                literal.append(c);
                i++;
            }
        }
        if (literal.length() > 0) {
            parts.add(literal.toString());
        }
        return new TopicTemplate(template, List.copyOf(parts), Collections.unmodifiableSet(variables));
    }

    private static void checkName(String template, int at, String name) {
        if (name.isEmpty()) {
            throw syntax(template, at, "'${}' has an empty variable name; expected e.g. '${mqtt.topic}'");
        }
        int bad = indexOfAny(name, "${");
        if (bad >= 0) {
            throw syntax(template, at, "the variable name '" + name + "' contains '" + name.charAt(bad)
                    + "'; placeholders cannot nest and names cannot contain '$', '{' or '}'");
        }
        if (Character.isWhitespace(name.charAt(0)) || Character.isWhitespace(name.charAt(name.length() - 1))) {
            throw syntax(template, at, "the variable name '" + name
                    + "' starts or ends with whitespace; write '${" + name.strip() + "}'");
        }
    }

    private static int indexOfAny(String text, String chars) {
        for (int i = 0; i < text.length(); i++) {
            if (chars.indexOf(text.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    private static IllegalArgumentException syntax(String template, int at, String problem) {
        return new IllegalArgumentException("invalid template " + MqttStrings.quote(template) + " at index " + at
                + ": " + problem);
    }

    /** The names of the variables the template uses, in order of first use, e.g. {@code mqtt.topic}, {@code 1}. */
    public Set<String> variables() {
        return variables;
    }

    /** Whether the template has no placeholders (renders to the same text every time). */
    public boolean isConstant() {
        return variables.isEmpty();
    }

    /**
     * Renders the template, asking {@code lookup} for the value of each placeholder (once per occurrence).
     *
     * @throws TemplateException if {@code lookup} returns {@code null} for a variable, naming the variable
     */
    public String render(Function<String, String> lookup) {
        StringBuilder out = new StringBuilder(template.length() + 32);
        for (Object part : parts) {
            if (part instanceof Variable variable) {
                String value = lookup.apply(variable.name());
                if (value == null) {
                    throw new TemplateException("no value for ${" + variable.name() + "} in template "
                            + MqttStrings.quote(template), variable.name());
                }
                out.append(value);
            } else {
                out.append((String) part);
            }
        }
        return out.toString();
    }

    /** The template text as given to {@link #parse}. */
    public String template() {
        return template;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TopicTemplate other && template.equals(other.template);
    }

    @Override
    public int hashCode() {
        return template.hashCode();
    }

    @Override
    public String toString() {
        return template;
    }
}
