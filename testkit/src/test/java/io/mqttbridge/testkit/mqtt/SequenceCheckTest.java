package io.mqttbridge.testkit.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SequenceCheckTest {

  @Test
  void exactSequence() {
    SequenceCheck check = SequenceCheck.expecting(10, 5);
    for (int i = 10; i < 15; i++) {
      check.record(i);
    }
    assertTrue(check.isExact());
    assertTrue(check.isComplete());
    assertEquals(List.of(), check.missing());
    assertEquals(0, check.outOfOrder());
    assertEquals("expected 10..14 (5): received 5, distinct 5, missing 0 [], duplicates 0 [], unexpected 0 [],"
        + " out of order 0", check.report());
  }

  @Test
  void missingDuplicatesUnexpectedAndOrder() {
    SequenceCheck check = new SequenceCheck(0, 6);
    for (int seq : new int[] {0, 1, 3, 1, 1, 5, 9, 2}) {
      check.record(seq);
    }
    assertEquals(List.of(4), check.missing());
    assertEquals(Map.of(1, 2), check.duplicates());
    assertEquals(2, check.duplicateCount());
    assertEquals(List.of(9), check.unexpected());
    assertEquals(8, check.received());
    assertEquals(5, check.distinct());
    assertEquals(3, check.outOfOrder()); // 1 after 3, 1 after 3, 2 after 9
    assertFalse(check.isComplete());
    assertFalse(check.isExact());
    assertTrue(check.report().contains("missing 1 [4]"), check.report());
  }

  @Test
  void completeWithDuplicatesIsNotExact() {
    SequenceCheck check = new SequenceCheck(0, 2);
    check.record(0);
    check.record(1);
    check.record(1);
    assertTrue(check.isComplete());
    assertFalse(check.isExact());
  }

  @Test
  void reportListsOnlyTheFirstTwentyMissing() {
    SequenceCheck check = new SequenceCheck(0, 100);
    assertTrue(check.report().contains("missing 100 [0, 1,"), check.report());
    assertTrue(check.report().contains("... 80 more]"), check.report());
  }

  @Test
  void parsesSeqFromPayloads() {
    assertEquals(42, SequenceCheck.parseSeq("{\"ts\":1,\"seq\": 42,\"x\":\"y\"}"));
    SequenceCheck check = new SequenceCheck(0, 1);
    check.recordPayload("{\"seq\":0}".getBytes(StandardCharsets.UTF_8));
    assertTrue(check.isExact());
    assertThrows(IllegalArgumentException.class, () -> SequenceCheck.parseSeq("{\"sequence\":1}"));
  }
}
