package io.mqttbridge.core.topic;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TopicNameTest {

    private static String invalid(String topic) {
        return assertThrows(IllegalArgumentException.class, () -> TopicName.validate(topic)).getMessage();
    }

    @Test
    void acceptsOrdinaryTopics() {
        assertDoesNotThrow(() -> TopicName.validate("sport/tennis/player1"));
        assertDoesNotThrow(() -> TopicName.validate("/"));
        assertDoesNotThrow(() -> TopicName.validate("$aws/things/t1/shadow/update"));
        assertDoesNotThrow(() -> TopicName.validate("a".repeat(65_535)));
        assertTrue(TopicName.isValid("\u00e9/\uD83D\uDE00"));
    }

    @Test
    void rejectsWhatMqttForbids() {
        assertTrue(invalid("").contains("must not be empty"));
        assertTrue(invalid("a/+/b").contains("wildcard '+' at index 2"));
        assertTrue(invalid("a/#").contains("wildcard '#' at index 2"));
        assertTrue(invalid("a\u0000").contains("U+0000"));
        assertTrue(invalid("\uDC00").contains("unpaired surrogate"));
        assertTrue(invalid("\u00e9".repeat(32_768)).contains("65536 bytes"));
        assertFalse(TopicName.isValid(null));
        assertFalse(TopicName.isValid("#"));
    }
}
