package io.mqttbridge.core.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.types.Password;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Renders a connector's {@link ConfigDef} as a Markdown reference: one table per group, keys in their defined
 * order, with type, default, valid values, importance and documentation. Each connector module has a test that
 * compares its committed reference under {@code docs/} with this rendering, so the documentation cannot drift.
 */
public final class ConfigReference {
    private ConfigReference() {
    }

    /** The reference of {@code def}, headed {@code title}, with {@code intro} below the heading. */
    public static String markdown(String title, String intro, ConfigDef def) {
        Map<String, List<ConfigDef.ConfigKey>> byGroup = new LinkedHashMap<>();
        List<ConfigDef.ConfigKey> keys = new ArrayList<>(def.configKeys().values());
        for (String group : def.groups()) {
            byGroup.put(group, new ArrayList<>());
        }
        for (ConfigDef.ConfigKey key : keys) {
            byGroup.computeIfAbsent(key.group == null ? "Other" : key.group, g -> new ArrayList<>()).add(key);
        }
        StringBuilder out = new StringBuilder();
        out.append("# ").append(title).append("\n\n").append(intro).append("\n\n");
        out.append("<!-- Generated from the connector's ConfigDef by ").append(ConfigReference.class.getName())
            .append("; edit the ConfigDef, not this file. -->\n");
        for (Map.Entry<String, List<ConfigDef.ConfigKey>> group : byGroup.entrySet()) {
            if (group.getValue().isEmpty()) {
                continue;
            }
            group.getValue().sort((a, b) -> Integer.compare(a.orderInGroup, b.orderInGroup));
            out.append("\n## ").append(group.getKey()).append("\n\n");
            out.append("| key | type | default | valid values | importance | description |\n");
            out.append("|---|---|---|---|---|---|\n");
            for (ConfigDef.ConfigKey key : group.getValue()) {
                out.append("| `").append(key.name).append("` | ").append(key.type.name().toLowerCase(Locale.ROOT))
                    .append(" | ").append(defaultValue(key)).append(" | ")
                    .append(validValues(key.validator)).append(" | ")
                    .append(key.importance.name().toLowerCase(Locale.ROOT)).append(" | ")
                    .append(cell(Objects.toString(key.documentation, ""))).append(" |\n");
            }
        }
        return out.toString();
    }

    private static String defaultValue(ConfigDef.ConfigKey key) {
        if (!key.hasDefault()) {
            return "(required)";
        }
        Object value = key.defaultValue;
        if (value == null) {
            return "(none)";
        }
        if (value instanceof Password) {
            return "(hidden)";
        }
        String text = value instanceof List<?> list ? String.join(",", list.stream().map(String::valueOf).toList())
            : String.valueOf(value);
        if (text.startsWith(System.getProperty("java.io.tmpdir"))) {
            // Machine-specific: the reference shows where it comes from instead.
            text = "${java.io.tmpdir}" + text.substring(System.getProperty("java.io.tmpdir").length());
        }
        return text.isEmpty() ? "\"\"" : "`" + text.replace("|", "\\|") + "`";
    }

    /** A validator's own description; one without ({@code Object.toString}) renders empty, not as an address. */
    private static String validValues(ConfigDef.Validator validator) {
        if (validator == null) {
            return "";
        }
        try {
            if (validator.getClass().getMethod("toString").getDeclaringClass() == Object.class) {
                return "";
            }
        } catch (NoSuchMethodException e) {
            return "";
        }
        return cell(validator.toString());
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
