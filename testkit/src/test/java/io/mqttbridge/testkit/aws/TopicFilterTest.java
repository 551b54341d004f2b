package io.mqttbridge.testkit.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TopicFilterTest {

  @ParameterizedTest
  @CsvSource({
      "a/b/c, a/b/c, true",
      "a/+/c, a/b/c, true",
      "a/+/c, a/b/d, false",
      "a/+, a/b/c, false",
      "a/#, a, true",
      "a/#, a/b/c, true",
      "#, a/b, true",
      "+/+, a/b, true",
      "+, /, false",
      "+/+, /, true",
      "#, $aws/things/t/shadow/get, false",
      "+/things/#, $aws/things/t/shadow/get, false",
      "$aws/things/+/shadow/update/#, $aws/things/t/shadow/update/accepted, true",
      "$aws/things/+/shadow/update/#, $aws/things/t/shadow/name/n/update/accepted, false"})
  void matchesAsMqttDefinesIt(String filter, String topic, boolean matches) {
    assertEquals(matches, TopicFilter.parse(filter).matches(topic), filter + " vs " + topic);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a/#/b", "a/b#", "a+/b", "#/"})
  void rejectsInvalidFilters(String filter) {
    assertThrows(IllegalArgumentException.class, () -> TopicFilter.parse(filter));
  }

  @Test
  void knowsSharedSubscriptions() {
    assertTrue(TopicFilter.parse("$share/g/a/b").isShared());
    assertFalse(TopicFilter.parse("a/$share").isShared());
  }

  @Test
  void findsTheThingOfTopicsAndFilters() {
    assertEquals("t1", ShadowTopic.thingOf("$aws/things/t1/shadow/update"));
    assertNull(ShadowTopic.thingOf("things/t1/shadow/update"));
    assertEquals("t1", ShadowTopic.thingLevelOf(TopicFilter.parse("$aws/things/t1/shadow/#")));
    assertEquals("+", ShadowTopic.thingLevelOf(TopicFilter.parse("$aws/things/+/shadow/update/delta")));
    assertEquals("#", ShadowTopic.thingLevelOf(TopicFilter.parse("$aws/#")));
    assertEquals("#", ShadowTopic.thingLevelOf(TopicFilter.parse("$aws/+/#")));
    assertNull(ShadowTopic.thingLevelOf(TopicFilter.parse("#")), "'#' never matches $ topics");
    assertNull(ShadowTopic.thingLevelOf(TopicFilter.parse("$aws/events/#")));
  }

  @Test
  void parsesShadowRequestTopicsOnly() {
    assertEquals(new ShadowTopic("t", null, "update"), ShadowTopic.parseRequest("$aws/things/t/shadow/update"));
    assertEquals(new ShadowTopic("t", "n", "get"), ShadowTopic.parseRequest("$aws/things/t/shadow/name/n/get"));
    assertNull(ShadowTopic.parseRequest("$aws/things/t/shadow/update/accepted"));
    assertNull(ShadowTopic.parseRequest("$aws/things/t/shadow/name/n/list"));
    assertNull(ShadowTopic.parseRequest("$aws/things/t/jobs/get"));
    assertEquals("$aws/things/t/shadow/name/n/delete", new ShadowTopic("t", "n", "delete").topic());
  }
}
