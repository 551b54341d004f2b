package io.mqttbridge.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PacedScheduleTest {

    @Test
    void messagesFallDueAtTheRateFromTheStart() {
        PacedSchedule s = new PacedSchedule(1000); // one per millisecond
        s.start(5_000_000);
        assertEquals(0, s.dueBy(4_999_999, 100), "nothing before the start");
        assertEquals(1, s.dueBy(5_000_000, 100), "message 0 at the start");
        assertEquals(1, s.dueBy(5_999_999, 100));
        assertEquals(2, s.dueBy(6_000_000, 100));
        assertEquals(100, s.dueBy(1_000_000_000, 100), "never more than the total");
        assertEquals(5_000_000 + 42 * 1_000_000L, s.intendedNanos(42));
    }

    @Test
    void aRateMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new PacedSchedule(0));
    }
}
