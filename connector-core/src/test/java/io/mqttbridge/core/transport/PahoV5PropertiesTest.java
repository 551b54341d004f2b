package io.mqttbridge.core.transport;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PahoV5PropertiesTest {
    @Test
    void mapsEveryPropertyBothWays() {
        MqttProperties p = new MqttProperties("application/json", "replies/1", new byte[] {1, 2, 3},
            List.of(Map.entry("a", "1"), Map.entry("a", "2"), Map.entry("b", "x")), 60L, true);
        MqttProperties back = PahoV5Transport.fromPaho(PahoV5Transport.toPaho(p));
        assertEquals("application/json", back.contentType());
        assertEquals("replies/1", back.responseTopic());
        assertArrayEquals(new byte[] {1, 2, 3}, back.correlationData());
        assertEquals(p.userProperties(), back.userProperties());
        assertEquals(60L, back.messageExpiryIntervalSeconds());
        assertEquals(Boolean.TRUE, back.payloadFormatIndicator());
    }

    @Test
    void emptyStaysEmpty() {
        MqttProperties back = PahoV5Transport.fromPaho(PahoV5Transport.toPaho(MqttProperties.EMPTY));
        assertTrue(back.isEmpty(), back.toString());
        assertNull(PahoV5Transport.fromPaho(null).contentType());
    }
}
