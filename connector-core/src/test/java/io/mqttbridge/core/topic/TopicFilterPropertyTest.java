package io.mqttbridge.core.topic;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Property tests of the topic matcher against a plain reading of MQTT 5 sections 4.7.1 and 4.7.2, on topics and
 * filters from a small alphabet (so wildcards, empty levels and {@code $} collide often) and on arbitrary strings.
 * Seeds are fixed so a run is reproducible; cases found once stay as examples below.
 */
class TopicFilterPropertyTest {

    @Property(tries = 3000, seed = "20261204")
    void agreesWithTheSpecification(@ForAll("filters") String filter, @ForAll("topics") String topic) {
        TopicFilter parsed = TopicFilter.parse(filter);
        assertEquals(reference(filter, topic), parsed.matches(topic), () -> filter + " on " + topic);
        assertEquals(parsed.matches(topic), parsed.match(topic).isPresent(), () -> filter + " on " + topic);
    }

    @Property(tries = 1000, seed = "20261205")
    void aTopicAsFilterMatchesItself(@ForAll("topics") String topic) {
        assertTrue(TopicFilter.parse(topic).matches(topic), topic);
    }

    /** Each {@code +} captures its own level and {@code #} the rest of the topic ({@code ""} on the parent). */
    @Property(tries = 2000, seed = "20261206")
    void capturesAreWhatTheWildcardsStoodFor(@ForAll("topics") String topic,
                                            @ForAll("wildcardPicks") List<Integer> plusAt,
                                            @ForAll @IntRange(min = 0, max = 6) int hashAt) {
        String[] levels = topic.split("/", -1);
        int hash = Math.min(hashAt, levels.length);
        List<String> filter = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < hash; i++) {
            filter.add(plusAt.contains(i) ? "+" : levels[i]);
            if (plusAt.contains(i)) {
                expected.add(levels[i]);
            }
        }
        filter.add("#");
        expected.add(String.join("/", Arrays.asList(levels).subList(hash, levels.length)));
        String filterText = String.join("/", filter);
        boolean dollarExcluded = topic.startsWith("$") && (filter.get(0).equals("+") || filter.get(0).equals("#"));
        assertEquals(dollarExcluded ? Optional.empty() : Optional.of(expected), TopicFilter.parse(filterText)
            .match(topic), filterText + " on " + topic);
    }

    /** Whatever the input, parsing either works or says what is wrong; matching never throws. */
    @Property(tries = 3000, seed = "20261207")
    void arbitraryStringsNeverBreakTheMatcher(@ForAll String filter, @ForAll String topic) {
        TopicFilter parsed;
        try {
            parsed = TopicFilter.parse(filter);
        } catch (IllegalArgumentException e) {
            assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "a message for " + filter);
            return;
        }
        parsed.matches(topic);
        parsed.match(topic);
    }

    @Example
    void hashMatchesTheParentLevelButNotDollarTopics() {
        assertTrue(TopicFilter.parse("a/#").matches("a"));
        assertEquals(Optional.of(List.of("")), TopicFilter.parse("a/#").match("a/"));
        assertFalse(TopicFilter.parse("#").matches("$SYS/x"));
        assertFalse(TopicFilter.parse("+/x").matches("$a/x"));
        assertTrue(TopicFilter.parse("$a/+").matches("$a/"));
    }

    @Provide
    Arbitrary<String> topics() {
        return Arbitraries.of("a", "b", "", "$", "$a", "é", " ").list().ofMinSize(1).ofMaxSize(5)
            .map(levels -> String.join("/", levels)).filter(t -> !t.isEmpty());
    }

    @Provide
    Arbitrary<String> filters() {
        Arbitrary<List<String>> body = Arbitraries.of("a", "b", "", "$a", "+", "é").list().ofMinSize(1)
            .ofMaxSize(5);
        return Combinators.combine(body, Arbitraries.of(true, false)).as((levels, hash) -> {
            List<String> all = new ArrayList<>(levels);
            if (hash) {
                all.add("#");
            }
            return String.join("/", all);
        }).filter(f -> !f.isEmpty());
    }

    @Provide
    Arbitrary<List<Integer>> wildcardPicks() {
        return Arbitraries.integers().between(0, 6).list().ofMaxSize(3);
    }

    /** MQTT 5 4.7: level by level; {@code #} also matches the parent; wildcards first never match {@code $}. */
    static boolean reference(String filter, String topic) {
        if (topic.isEmpty() || topic.contains("+") || topic.contains("#")) {
            return false;
        }
        String[] f = filter.split("/", -1);
        String[] t = topic.split("/", -1);
        if (topic.startsWith("$") && (f[0].equals("+") || f[0].equals("#"))) {
            return false;
        }
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals("#")) {
                return true;
            }
            if (i >= t.length) {
                return false;
            }
            if (!f[i].equals("+") && !f[i].equals(t[i])) {
                return false;
            }
        }
        return f.length == t.length;
    }
}
