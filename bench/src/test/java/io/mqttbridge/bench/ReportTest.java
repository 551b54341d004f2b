package io.mqttbridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportTest {

    private static Result rate(String scenario, String variant, double value, boolean complete) {
        return Result.of(scenario, variant, value, "msg/s", complete, Map.of("loadBefore", "1.00 1.00 1.00"));
    }

    @Test
    void targetsCompareTheRatioToTheCeilingOfTheSameRun() {
        Result raw = rate("raw", "MQTT 5 QoS 1", 10_000, true);
        Result pass = Benchmark.targets("source", 1, rate("source", "MQTT 5 QoS 1", 8_500, true).against(raw));
        assertEquals(0.85, pass.ratio(), 1e-9);
        assertEquals(">= 0.80x raw", pass.target());
        assertTrue(pass.pass());
        assertFalse(Benchmark.targets("source", 1, rate("source", "q1", 7_900, true).against(raw)).pass());
        assertFalse(Benchmark.targets("source", 0, rate("source", "q0", 8_500, true).against(raw)).pass(),
            "QoS 0 must reach 0.9x");
        assertFalse(Benchmark.targets("sink", 1, rate("sink", "q1", 9_000, false).against(raw)).pass(),
            "a run that lost messages never passes");
        assertNull(Benchmark.targets("sink", 0, rate("sink", "q0", 9_000, true).against(raw)).target(),
            "the issue sets no sink QoS 0 target");
        assertNull(rate("source", "q1", 1, true).against(null).ratio(), "no ceiling, no ratio");
        Result latency = Result.of("latency", "5k", 25, "ms p99", true, Map.of()).targetAtMost(20, "p99 <= 20 ms");
        assertFalse(latency.pass());
    }

    @Test
    void theTableAndTheJsonShowTheSameFigures(@TempDir Path dir) throws Exception {
        Report report = new Report(Map.of("broker", "mosquitto 2.0.11"));
        Result raw = rate("raw", "MQTT 5 QoS 1", 10_000, true);
        report.add(raw);
        report.add(Benchmark.targets("source", 1, rate("source", "MQTT 5 QoS 1", 4_000, true).against(raw)));
        report.error("twin", new IllegalStateException("hub down"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        report.print(new PrintStream(out, true, StandardCharsets.UTF_8));
        String table = out.toString(StandardCharsets.UTF_8);
        assertTrue(table.contains("0.40x") && table.contains("FAIL") && table.contains("10,000 msg/s"), table);
        assertTrue(table.contains("ERROR    twin: java.lang.IllegalStateException: hub down"), table);

        Path file = dir.resolve("out/results.json");
        report.write(file);
        JsonNode json = new ObjectMapper().readTree(file.toFile());
        assertEquals("mosquitto 2.0.11", json.get("environment").get("broker").asText());
        assertEquals(2, json.get("results").size());
        assertEquals(0.4, json.get("results").get(1).get("ratio").asDouble(), 1e-9);
        assertFalse(json.get("results").get(1).get("pass").asBoolean());
        assertEquals(1, json.get("errors").size());
    }
}
