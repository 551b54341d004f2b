package io.mqttbridge.azure;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DesiredVersionTrackerTest {

    @Test
    void aFirstStartEmitsTheTwinThenEachNextPatch() {
        DesiredVersionTracker versions = new DesiredVersionTracker(0);
        assertTrue(versions.twinArrived(3));
        assertTrue(versions.patchArrived(4));
        assertFalse(versions.patchArrived(4), "a repeated patch is dropped");
        assertFalse(versions.twinArrived(4), "a GET of what was emitted is dropped");
        assertFalse(versions.behind());
        assertEquals(4, versions.emitted());
    }

    @Test
    void aGapAsksForTheTwinWhichStandsInForTheMissedPatches() {
        DesiredVersionTracker versions = new DesiredVersionTracker(5);
        assertFalse(versions.patchArrived(8));
        assertTrue(versions.behind());
        assertTrue(versions.twinArrived(7), "a GET answered before patch 8 was applied still brings 6 and 7");
        assertTrue(versions.behind(), "8 is still missing: GET again");
        assertTrue(versions.twinArrived(8));
        assertFalse(versions.behind());
        assertTrue(versions.patchArrived(9));
    }

    @Test
    void aRestoredVersionIsNeitherRepeatedNorSkipped() {
        DesiredVersionTracker versions = new DesiredVersionTracker(6);
        assertFalse(versions.twinArrived(6), "nothing changed while stopped");
        assertTrue(versions.patchArrived(7));
        DesiredVersionTracker later = new DesiredVersionTracker(7);
        assertTrue(later.twinArrived(9), "changes made while stopped arrive as the full document");
    }

    @Test
    void aPatchArrivingBeforeTheFirstGetAnswerIsKeptInOrder() {
        DesiredVersionTracker versions = new DesiredVersionTracker(4);
        assertTrue(versions.patchArrived(5));
        assertFalse(versions.twinArrived(4));
        assertFalse(versions.twinArrived(5));
    }
}
