package io.mqttbridge.sink;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.mqttbridge.sink.PublishWindow.PROBATION;
import static io.mqttbridge.sink.PublishWindow.PROBATION_MAX;
import static org.junit.jupiter.api.Assertions.assertEquals;

class PublishWindowTest {
    private static final int MAX = 1000;

    private long now = 7_000_000_000L;
    private final long connectedSince = now;
    private final PublishWindow window = new PublishWindow("unit", now);

    /** Fills the window, has a window's worth confirmed, lets {@code time} pass and asks it to grow. */
    private int useFullyFor(Duration time) {
        window.filled();
        for (int i = 0; i < window.size(MAX); i++) {
            window.confirmed();
        }
        now += time.toNanos();
        return window.growIfProven(MAX, connectedSince, now);
    }

    @Test
    void anEarlyLossHalvesWhatTheBrokerCutOff() {
        assertEquals(MAX, window.size(MAX), "nothing learnt: the maximum");
        assertEquals(20, window.earlyLoss(40, now));
        assertEquals(20, window.size(MAX));
        assertEquals(8, window.size(8), "the maximum still bounds it");
        assertEquals(10, window.earlyLoss(20, now));
        assertEquals(1, window.earlyLoss(3, now));
        assertEquals(1, window.earlyLoss(2, now), "never below 1");
    }

    @Test
    void theWindowDoublesOnlyAfterAProbationOfFullUseWithConfirmations() {
        window.earlyLoss(40, now);
        now += PROBATION.toNanos();
        for (int i = 0; i < 20; i++) {
            window.confirmed();
        }
        assertEquals(0, window.growIfProven(MAX, connectedSince, now), "never filled: nothing proven");
        window.interrupted(now); // counting anew
        window.filled();
        for (int i = 0; i < 19; i++) {
            window.confirmed();
        }
        now += PROBATION.toNanos();
        assertEquals(0, window.growIfProven(MAX, connectedSince, now), "19 confirmations are less than the window");
        window.confirmed();
        assertEquals(40, window.growIfProven(MAX, connectedSince, now));
        assertEquals(40, window.size(MAX));

        assertEquals(0, useFullyFor(PROBATION.minusNanos(1)), "each size serves its own probation");
        assertEquals(80, useFullyFor(Duration.ofNanos(1)));
    }

    @Test
    void theProbationCountsFromTheLaterOfTheLastChangeAndTheConnection() {
        window.earlyLoss(40, now);
        long reconnected = now + PROBATION.toNanos() / 2;
        window.filled();
        for (int i = 0; i < 20; i++) {
            window.confirmed();
        }
        now += PROBATION.toNanos();
        assertEquals(0, window.growIfProven(MAX, reconnected, now));
        now = reconnected + PROBATION.toNanos();
        assertEquals(40, window.growIfProven(MAX, reconnected, now));
    }

    @Test
    void aLossRestartsTheProbation() {
        window.earlyLoss(40, now);
        now += PROBATION.toNanos() / 2;
        window.interrupted(now);
        assertEquals(0, useFullyFor(PROBATION.dividedBy(2)));
        assertEquals(40, useFullyFor(PROBATION.dividedBy(2)));
    }

    @Test
    void eachRepeatedLossAtAKnownBadSizeDoublesItsProbationUpToTheMaximum() {
        for (int losses = 1; losses <= 12; losses++) {
            window.earlyLoss(40, now);
            Duration expected = PROBATION.multipliedBy(1L << (losses - 1));
            assertEquals(expected.compareTo(PROBATION_MAX) > 0 ? PROBATION_MAX : expected, window.probationFor(40),
                "after " + losses + " losses at 40");
        }
        assertEquals(PROBATION_MAX, window.probationFor(MAX), "every size at or above a bad one");
        assertEquals(PROBATION, window.probationFor(39), "sizes below every loss size: the base probation");
    }

    @Test
    void aLossAboveAKnownBadSizeCountsAsARepeat() {
        window.earlyLoss(40, now);
        window.earlyLoss(64, now);
        assertEquals(PROBATION, window.probationFor(50));
        assertEquals(PROBATION.multipliedBy(2), window.probationFor(64));
    }

    @Test
    void aFaultFarBelowEarlierLossSizesDelaysRegrowthToThemOnlyByTheBaseProbation() {
        for (int i = 0; i < 4; i++) {
            window.earlyLoss(40, now); // a broker limit below 40, found four times
        }
        assertEquals(PROBATION.multipliedBy(8), window.probationFor(40));
        assertEquals(5, window.earlyLoss(10, now), "a network fault while at 20 with few in flight");
        assertEquals(10, useFullyFor(PROBATION));
        assertEquals(20, useFullyFor(PROBATION));
        assertEquals(PROBATION.multipliedBy(8), window.probationFor(40), "the limit is still remembered");
    }

    @Test
    void aSizeThatPassedItsProbationForgetsTheLossesAtOrBelowIt() {
        window.earlyLoss(20, now);
        window.earlyLoss(20, now);
        assertEquals(PROBATION.multipliedBy(2), window.probationFor(20));
        assertEquals(0, useFullyFor(PROBATION));
        assertEquals(20, useFullyFor(PROBATION), "two probations in all");
        assertEquals(PROBATION.multipliedBy(2), window.probationFor(40), "20 itself not yet proven");
        assertEquals(40, useFullyFor(PROBATION.multipliedBy(2)));
        assertEquals(PROBATION, window.probationFor(20), "20 was proven: its losses were network faults");
        assertEquals(PROBATION, window.probationFor(80));
    }

    @Test
    void theWindowNeverGrowsBeyondTheMaximum() {
        window.earlyLoss(30, now);
        window.filled();
        for (int i = 0; i < 15; i++) {
            window.confirmed();
        }
        now += PROBATION.toNanos();
        assertEquals(24, window.growIfProven(24, connectedSince, now));
        assertEquals(24, window.size(24));
        window.filled();
        for (int i = 0; i < 24; i++) {
            window.confirmed();
        }
        now += PROBATION_MAX.toNanos();
        assertEquals(0, window.growIfProven(24, connectedSince, now));
        assertEquals(24, window.size(24));
        assertEquals(MAX, window.size(MAX), "back at the maximum, nothing learnt limits it any more");
    }
}
