package io.mqttbridge.sink;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a record with a null value does; the {@code tombstone.behavior} setting. */
public enum TombstoneBehavior {
    /** Publish nothing; the offset advances. */
    SKIP("skip"),
    /** Publish an empty retained message, which deletes the topic's retained message on the broker. */
    CLEAR_RETAINED("clear.retained"),
    /** Treat the record as an error: to the dead-letter queue, or a failed task without one. */
    FAIL("fail");

    private final String configValue;

    TombstoneBehavior(String configValue) {
        this.configValue = configValue;
    }

    public String configValue() {
        return configValue;
    }

    /** Parses a config value, ignoring case and surrounding white space. */
    public static TombstoneBehavior fromConfigValue(String value) {
        String wanted = value.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(b -> b.configValue.equals(wanted)).findFirst()
            .orElseThrow(() -> new IllegalArgumentException("unknown tombstone behavior '" + value + "'; expected "
                + Arrays.stream(values()).map(TombstoneBehavior::configValue).collect(Collectors.joining(", "))));
    }
}
