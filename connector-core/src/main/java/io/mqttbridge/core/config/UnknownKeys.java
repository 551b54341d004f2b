package io.mqttbridge.core.config;

import org.apache.kafka.common.config.ConfigDef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds connector config keys that neither the connector nor Kafka Connect reads, and warns about them with the
 * nearest known key: a typo such as {@code mqtt.topic} for {@code mqtt.topics} would otherwise fall back to a
 * default without a word. Values are never logged, as a misspelt key may hold a secret.
 */
public final class UnknownKeys {
    private static final Logger log = LoggerFactory.getLogger(UnknownKeys.class);

    /** Keys Kafka Connect itself reads from a connector's config (ConnectorConfig and its source/sink forms). */
    static final Set<String> FRAMEWORK_KEYS = Set.of("name", "connector.class", "connector.plugin.version",
        "tasks.max", "tasks.max.enforce", "key.converter", "value.converter", "header.converter", "transforms",
        "predicates", "config.action.reload", "topics", "topics.regex", "exactly.once.support",
        "transaction.boundary", "transaction.boundary.interval.ms", "offsets.storage.topic");

    /** Prefixes of keys Kafka Connect reads or hands to converters, transforms and clients. */
    static final List<String> FRAMEWORK_PREFIXES = List.of("key.converter.", "value.converter.",
        "header.converter.", "transforms.", "predicates.", "errors.", "producer.override.", "consumer.override.",
        "admin.override.", "topic.creation.");

    private static final int MAX_SUGGESTION_DISTANCE = 3;

    private UnknownKeys() {
    }

    /** One message per unknown key, in key order, with a suggestion where a known key is close. */
    public static List<String> find(ConfigDef definition, Map<String, String> props) {
        List<String> messages = new ArrayList<>();
        for (String key : new TreeSet<>(props.keySet())) {
            if (definition.names().contains(key) || FRAMEWORK_KEYS.contains(key)
                || FRAMEWORK_PREFIXES.stream().anyMatch(key::startsWith)) {
                continue;
            }
            String nearest = nearest(key, definition.names());
            messages.add("Unknown config key '" + key + "' is ignored"
                + (nearest == null ? "" : " (did you mean '" + nearest + "'?)"));
        }
        return messages;
    }

    /** Logs {@link #find} at WARN, naming the connector. */
    public static void warn(String connectorName, ConfigDef definition, Map<String, String> props) {
        for (String message : find(definition, props)) {
            log.warn("Connector {}: {}", connectorName, message);
        }
    }

    private static String nearest(String key, Set<String> known) {
        String best = null;
        int bestDistance = MAX_SUGGESTION_DISTANCE + 1;
        for (String candidate : new TreeSet<>(known)) {
            int d = distance(key, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return best;
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
