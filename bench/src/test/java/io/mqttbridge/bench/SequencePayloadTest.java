package io.mqttbridge.bench;

import io.mqttbridge.testkit.mqtt.SequenceCheck;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SequencePayloadTest {

    @Test
    void aPayloadHasTheAskedSizeAndGivesBackItsNumberAndStamp() {
        byte[] p = SequencePayload.of(123_456, 987_654_321_012L, 200);
        assertEquals(200, p.length);
        assertEquals(123_456, SequencePayload.seq(p));
        assertEquals(987_654_321_012L, SequencePayload.stamp(p));
        assertEquals(123_456, SequenceCheck.parseSeq(p), "the testkit's parser reads it too");
        assertTrue(new String(p, StandardCharsets.US_ASCII).endsWith("xx\"}"), "valid JSON, padded");
    }

    @Test
    void negativeStampsAndTheSmallestSizeWork() {
        byte[] p = SequencePayload.of(Integer.MAX_VALUE, Long.MIN_VALUE + 1, SequencePayload.MIN_SIZE);
        assertEquals(Integer.MAX_VALUE, SequencePayload.seq(p));
        assertEquals(Long.MIN_VALUE + 1, SequencePayload.stamp(p));
    }

    @Test
    void foreignPayloadsAreRefusedWithWhatTheyHeld() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> SequencePayload.seq("warm-up".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("warm-up"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
            () -> SequencePayload.stamp("{\"seq\":1}".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IllegalArgumentException.class,
            () -> SequencePayload.seq("{\"seq\":x,\"t\":1}".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IllegalArgumentException.class, () -> SequencePayload.of(1, 1, 20));
    }
}
