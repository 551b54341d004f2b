package io.mqttbridge.core.transport;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReconnectBackoffTest {
    @Test
    void doublesUpToTheMaximumWithoutJitterAtTheMidpoint() {
        ReconnectBackoff b = new ReconnectBackoff(Duration.ofMillis(100), Duration.ofMillis(1000), () -> 0.5);
        assertEquals(100, b.delay(1).toMillis());
        assertEquals(200, b.delay(2).toMillis());
        assertEquals(400, b.delay(3).toMillis());
        assertEquals(800, b.delay(4).toMillis());
        assertEquals(1000, b.delay(5).toMillis());
        assertEquals(1000, b.delay(500).toMillis());
    }

    @Test
    void jitterStaysWithinTwentyPercentAndUnderTheMaximum() {
        ReconnectBackoff low = new ReconnectBackoff(Duration.ofMillis(100), Duration.ofMillis(1000), () -> 0.0);
        ReconnectBackoff high = new ReconnectBackoff(Duration.ofMillis(100), Duration.ofMillis(1000), () -> 0.999999);
        assertEquals(80, low.delay(1).toMillis());
        assertEquals(120, high.delay(1).toMillis());
        assertEquals(1000, high.delay(10).toMillis());
        ReconnectBackoff real = new ReconnectBackoff(Duration.ofMillis(100), Duration.ofMillis(1000));
        for (int i = 1; i < 50; i++) {
            long d = real.delay(i).toMillis();
            assertTrue(d >= 80 && d <= 1000, "delay " + d);
        }
    }
}
