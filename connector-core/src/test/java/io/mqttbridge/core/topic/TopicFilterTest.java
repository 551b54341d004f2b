package io.mqttbridge.core.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TopicFilterTest {

    private static boolean matches(String filter, String topic) {
        return TopicFilter.parse(filter).matches(topic);
    }

    private static String invalid(String filter) {
        return assertThrows(IllegalArgumentException.class, () -> TopicFilter.parse(filter)).getMessage();
    }

    // MQTT 5 section 4.7.1.2, multi-level wildcard
    @Test
    void specMultiLevelWildcardExamples() {
        assertTrue(matches("sport/tennis/player1/#", "sport/tennis/player1"));
        assertTrue(matches("sport/tennis/player1/#", "sport/tennis/player1/ranking"));
        assertTrue(matches("sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon"));
        assertTrue(matches("sport/#", "sport"));
        assertTrue(matches("#", "sport/tennis/player1"));
        assertTrue(matches("sport/tennis/#", "sport/tennis/player2"));
        assertFalse(matches("sport/tennis/player1/#", "sport/tennis/player2"));
        assertFalse(matches("sport/tennis/player1/#", "sport/tennis"));
    }

    // MQTT 5 section 4.7.1.3, single-level wildcard
    @Test
    void specSingleLevelWildcardExamples() {
        assertTrue(matches("sport/tennis/+", "sport/tennis/player1"));
        assertTrue(matches("sport/tennis/+", "sport/tennis/player2"));
        assertFalse(matches("sport/tennis/+", "sport/tennis/player1/ranking"));
        assertFalse(matches("sport/+", "sport"));
        assertTrue(matches("sport/+", "sport/"));
        assertTrue(matches("+", "finance"));
        assertTrue(matches("+/+", "/finance"));
        assertTrue(matches("/+", "/finance"));
        assertFalse(matches("+", "/finance"));
        assertTrue(matches("+/tennis/#", "sport/tennis/player1"));
        assertTrue(matches("sport/+/player1", "sport/tennis/player1"));
        assertFalse(matches("sport/+/player1", "sport/tennis/player2"));
    }

    // MQTT 5 section 4.7.2, topics beginning with $
    @Test
    void specDollarTopicExamples() {
        assertFalse(matches("#", "$SYS/broker/clients"));
        assertFalse(matches("#", "$SYS"));
        assertFalse(matches("+/monitor/Clients", "$SYS/monitor/Clients"));
        assertFalse(matches("+", "$SYS"));
        assertTrue(matches("$SYS/#", "$SYS/monitor/Clients"));
        assertTrue(matches("$SYS/#", "$SYS"));
        assertTrue(matches("$SYS/monitor/+", "$SYS/monitor/Clients"));
        // only the first level is special
        assertTrue(matches("a/#", "a/$b"));
        assertTrue(matches("a/+", "a/$b"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"#", "+", "sport/tennis/#", "+/tennis/#", "sport/+/player1", "/", "//", "a//b", "/+", "+/+",
        "$SYS/#", "sport/tennis/player1", "\u00e9t\u00e9/\uD83D\uDE00"})
    void validFilters(String filter) {
        assertEquals(filter, TopicFilter.parse(filter).filter());
    }

    @Test
    void invalidFiltersSayWhatIsWrong() {
        assertTrue(invalid("sport/tennis#").contains("'#' inside the level 'tennis#'"), invalid("sport/tennis#"));
        assertTrue(invalid("sport/tennis/#/ranking").contains("'#' must be the last level"));
        assertTrue(invalid("sport+").contains("'+' inside the level 'sport+'"));
        assertTrue(invalid("sport/+x/a").contains("'+' must take a whole level"));
        assertTrue(invalid("").contains("must not be empty"));
        assertTrue(invalid("#/#").contains("'#' must be the last level"));
        assertTrue(invalid("a\u0000b").contains("U+0000 at index 1"));
        assertTrue(invalid("a\uD800b").contains("unpaired surrogate at index 1"));
        assertTrue(invalid("a".repeat(65_536)).contains("65536 bytes long in UTF-8; MQTT allows at most 65535"));
        assertEquals(65_535, TopicFilter.parse("a".repeat(65_535)).filter().length());
        // three bytes each in UTF-8
        assertTrue(invalid("\u20ac".repeat(21_846)).contains("65538 bytes"));
    }

    @Test
    void invalidSharedSubscriptions() {
        assertTrue(invalid("$share/g/").contains("empty topic filter after the share name"), invalid("$share/g/"));
        assertTrue(invalid("$share/g").contains("has no topic filter"));
        assertTrue(invalid("$share//x").contains("share name in '$share//x' is empty"), invalid("$share//x"));
        assertTrue(invalid("$share/g+/x").contains("contains '+'"), invalid("$share/g+/x"));
        assertTrue(invalid("$share/g#/x").contains("contains '#'"));
        assertTrue(invalid("$share/g/a#").contains("'#' inside the level 'a#'"));
    }

    @Test
    void parsesSharedSubscription() {
        TopicFilter f = TopicFilter.parse("$share/workers/sensors/+/temp");
        assertTrue(f.isShared());
        assertEquals("workers", f.shareGroup());
        assertEquals("sensors/+/temp", f.filter());
        assertEquals("$share/workers/sensors/+/temp", f.subscriptionFilter());
        assertEquals("$share/workers/sensors/+/temp", f.toString());
        assertEquals(1, f.wildcardCount());
        assertTrue(f.matches("sensors/a/temp"));
        assertEquals(List.of("sensors", "+", "temp"), f.levels());
    }

    @Test
    void sharedFilterMatchesAsItsInnerFilter() {
        TopicFilter f = TopicFilter.parse("$share/g/#");
        assertTrue(f.matches("a/b"));
        assertFalse(f.matches("$SYS/x"));
    }

    @Test
    void plainFilterIsNotShared() {
        TopicFilter f = TopicFilter.parse("a/b");
        assertFalse(f.isShared());
        assertNull(f.shareGroup());
        assertEquals("a/b", f.subscriptionFilter());
        // '$share' without the slash is an ordinary first level
        assertNull(TopicFilter.parse("$share").shareGroup());
    }

    @Test
    void sharedCreatesAndReplacesGroup() {
        TopicFilter plain = TopicFilter.parse("a/+");
        TopicFilter shared = plain.shared("g1");
        assertEquals("$share/g1/a/+", shared.subscriptionFilter());
        assertEquals(TopicFilter.parse("$share/g1/a/+"), shared);
        assertEquals("$share/g2/a/+", shared.shared("g2").subscriptionFilter());
        assertEquals(plain, shared.unshared());
        assertNotEquals(plain, shared);
        assertThrows(IllegalArgumentException.class, () -> plain.shared(""));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> plain.shared("a/b")).getMessage()
                .contains("contains '/'"));
        assertThrows(IllegalArgumentException.class, () -> plain.shared("x+"));
        assertThrows(IllegalArgumentException.class, () -> plain.shared("x#"));
        assertThrows(IllegalArgumentException.class,
                () -> TopicFilter.parse("a".repeat(65_530)).shared("group"));
    }

    @Test
    void wildcardCount() {
        assertEquals(0, TopicFilter.parse("a/b").wildcardCount());
        assertFalse(TopicFilter.parse("a/b").hasWildcards());
        assertEquals(1, TopicFilter.parse("#").wildcardCount());
        assertEquals(3, TopicFilter.parse("+/x/+/#").wildcardCount());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "plant/+/temp     | plant/line1/temp        | line1",
        "+/+              | /finance                | ,finance",
        "+/+/#            | a/b/c/d                 | a,b,c/d",
        "a/#              | a                       | ''",
        "a/#              | a/                      | ''",
        "a/#              | a/b/c                   | b/c",
        "a/#              | a//c                    | /c",
        "#                | x/y                     | x/y",
        "+                | ''                      | ",
    })
    void capturesOnePerWildcard(String filter, String topic, String expected) {
        Optional<List<String>> captures = TopicFilter.parse(filter).match(topic);
        if (expected == null) {
            assertTrue(captures.isEmpty());
        } else {
            assertEquals(List.of(expected.split(",", -1)), captures.orElseThrow());
        }
    }

    @Test
    void matchWithoutWildcardsGivesEmptyCaptures() {
        TopicFilter f = TopicFilter.parse("a/b");
        assertEquals(Optional.of(List.of()), f.match("a/b"));
        assertEquals(Optional.empty(), f.match("a/c"));
        assertEquals(Optional.empty(), TopicFilter.parse("a/+").match("b/c"));
    }

    @Test
    void exactLevelsOnly() {
        assertFalse(matches("a/b", "a/bc"));
        assertFalse(matches("a/bc", "a/b"));
        assertFalse(matches("a/b", "a/b/"));
        assertFalse(matches("a/b", "a"));
        assertTrue(matches("a//b", "a//b"));
        assertFalse(matches("a/+/b", "a/b"));
        assertTrue(matches("a/+/b", "a//b"));
        assertFalse(matches("A/b", "a/b"));
    }

    @Test
    void invalidTopicNamesMatchNothing() {
        assertFalse(matches("#", ""));
        assertFalse(matches("a/+", "a/+"));
        assertFalse(matches("a/#", "a/#"));
    }
}
