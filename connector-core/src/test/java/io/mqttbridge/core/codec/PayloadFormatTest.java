package io.mqttbridge.core.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PayloadFormatTest {

    @Test
    void configValuesRoundTrip() {
        for (PayloadFormat format : PayloadFormat.values()) {
            assertEquals(format, PayloadFormat.fromConfigValue(format.configValue()));
        }
        assertEquals("bytes", PayloadFormat.BYTES.configValue());
        assertEquals("avro", PayloadFormat.AVRO.configValue());
    }

    @Test
    void ignoresCaseAndSurroundingSpace() {
        assertEquals(PayloadFormat.JSON, PayloadFormat.fromConfigValue("JSON"));
        assertEquals(PayloadFormat.STRING, PayloadFormat.fromConfigValue(" String "));
    }

    @Test
    void unknownValueListsTheAcceptedOnes() {
        String message = assertThrows(IllegalArgumentException.class, () -> PayloadFormat.fromConfigValue("xml"))
                .getMessage();
        assertTrue(message.contains("'xml'"), message);
        assertTrue(message.contains("bytes, string, json, avro"), message);
    }
}
