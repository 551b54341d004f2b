package io.mqttbridge.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InteropTableTest {

    @TempDir
    Path tmp;

    private static BrokerResults broker(String id, String name, String mqtt, Map<Feature, Outcome> outcomes) {
        return new BrokerResults(id, name, mqtt, new EnumMap<>(outcomes));
    }

    @Test
    void rowsPerBrokerColumnsPerFeatureAndSharedNotesNumberedOnce() {
        String limit = "grants QoS 1 for QoS 2";
        String table = InteropTable.render(List.of(
            broker("1-a", "alpha 1.0", "5", Map.of(Feature.QOS0, Outcome.pass(), Feature.QOS2, Outcome.pass())),
            broker("2-b", "beta 2.1", "3.1.1", Map.of(Feature.QOS0, Outcome.pass(),
                Feature.QOS2, Outcome.limited(limit), Feature.SHARED_SUBSCRIPTIONS, Outcome.unsupported("no MQTT 5"),
                Feature.TLS, Outcome.fail(limit)))));
        List<String> lines = table.lines().toList();
        assertTrue(lines.get(0).startsWith("| Broker | MQTT | QoS 0 | QoS 1 | QoS 2 |"), lines.get(0));
        assertEquals(Feature.values().length + 2, lines.get(1).split("\\|", -1).length - 2, lines.get(1));
        assertTrue(lines.get(2).startsWith("| alpha 1.0 | 5 | yes | not run | yes |"), lines.get(2));
        assertTrue(lines.get(3).startsWith("| beta 2.1 | 3.1.1 | yes | not run | limited (1) |"), lines.get(3));
        assertTrue(lines.get(3).contains("| no (2) |"), lines.get(3));
        assertTrue(lines.get(3).contains("| FAILED (1) |"), lines.get(3));
        assertEquals("1. " + limit, lines.get(5));
        assertEquals("2. no MQTT 5", lines.get(6));
    }

    @Test
    void resultsSurviveTheirJsonFilesAndComeBackSortedById() {
        BrokerResults b = broker("2-b", "beta 2.1", "3.1.1", Map.of(Feature.RETAINED, Outcome.limited("only exact")));
        BrokerResults a = broker("1-a", "alpha 1.0", "5", Map.of(Feature.QOS1, Outcome.pass()));
        b.write(tmp);
        a.write(tmp);
        assertEquals(List.of(a, b), BrokerResults.readAll(tmp));
        assertEquals(List.of(), BrokerResults.readAll(tmp.resolve("absent")));
    }

    @Test
    void onlyTheSectionBetweenTheMarkersIsReplaced() {
        String readme = "intro\n" + InteropTable.BEGIN + "\nold table\n" + InteropTable.END + "\nafter\n";
        String replaced = InteropTable.replaceSection(readme, "new\n");
        assertEquals("intro\n" + InteropTable.BEGIN + "\nnew\n" + InteropTable.END + "\nafter\n", replaced);
        assertEquals("new\n", InteropTable.section(replaced));
        assertThrows(IllegalArgumentException.class, () -> InteropTable.replaceSection("no markers", "x"));
    }
}
