package io.mqttbridge.core.topic;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KafkaTopicNameTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "plant/line1/temp   | plant.line1.temp",
        "$SYS/broker/load   | _SYS.broker.load",
        "a b+c#d            | a_b_c_d",
        "Already_ok-1.2     | Already_ok-1.2",
        "/leading           | .leading",
        "trailing/          | trailing.",
        "/                  | _",
        "//                 | __",
        "///                | ...",
        ".                  | _",
        "..                 | __",
        "...                | ...",
        "''                 | _",
        "caf\u00e9          | caf_",
        "\uD83D\uDE00/x     | _.x",
    })
    void sanitizes(String text, String expected) {
        String name = KafkaTopicName.sanitize(text);
        assertEquals(expected, name);
        assertDoesNotThrow(() -> KafkaTopicName.validate(name));
    }

    @Test
    void cutsTo249Characters() {
        assertEquals("a".repeat(249), KafkaTopicName.sanitize("a".repeat(300)));
        assertEquals("b".repeat(249), KafkaTopicName.sanitize("b".repeat(249)));
        assertEquals("_".repeat(249), KafkaTopicName.sanitize("\uD83D\uDE00".repeat(300)));
    }

    @Test
    void sanitizeOutputIsAlwaysLegal() {
        String[] samples = {"", "/", "//", "$", "\u0000", "a/b/c", "é/ü", "#", "+/+", " ", "a".repeat(1000),
            "./.", "../..", "..//"};
        for (String s : samples) {
            assertTrue(KafkaTopicName.isLegal(KafkaTopicName.sanitize(s)), s);
        }
    }

    @Test
    void validateSaysWhy() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> KafkaTopicName.validate(""))
                .getMessage().contains("must not be empty"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> KafkaTopicName.validate(".."))
                .getMessage().contains("'..' is not a legal"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> KafkaTopicName.validate("."))
                .getMessage().contains("'.' is not a legal"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> KafkaTopicName.validate("a".repeat(250)))
                .getMessage().contains("250 characters long; Kafka allows at most 249"));
        String slash = assertThrows(IllegalArgumentException.class, () -> KafkaTopicName.validate("a/b"))
                .getMessage();
        assertTrue(slash.contains("illegal character '/' at index 1"), slash);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> KafkaTopicName.validate("a\tb"))
                .getMessage().contains("U+0009 at index 1"));
        assertDoesNotThrow(() -> KafkaTopicName.validate("a".repeat(249)));
        assertDoesNotThrow(() -> KafkaTopicName.validate("..."));
        assertFalse(KafkaTopicName.isLegal("é"));
    }
}
