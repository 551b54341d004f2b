package io.mqttbridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The benchmark harness, every scenario with tiny counts, so it cannot rot: each scenario delivers every message
 * and reports a figure, and the JSON holds what the table showed. The figures themselves are not judged here (this
 * machine's load decides them); the benchmark proper runs with {@code -Pbench}.
 */
class BenchmarkSmokeIT {

    @Test
    void everyScenarioRunsToCompletionAndTheJsonHoldsItsFigures() throws Exception {
        Path output = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "smoke-")
            .resolve("results.json");
        Map<String, String> props = new HashMap<>();
        props.put("bench.plugin.zip", System.getProperty("bench.plugin.zip"));
        props.put("bench.worker.classpath.file", System.getProperty("bench.worker.classpath.file"));
        props.put("bench.output", output.toString());
        props.put("bench.messages", "500");
        props.put("bench.warmup.messages", "200");
        props.put("bench.qos", "1");
        props.put("bench.mqtt.versions", "5");
        props.put("bench.latency.rates", "500");
        props.put("bench.latency.seconds", "1");
        props.put("bench.memory.backlog.factor", "2");
        props.put("bench.cloud.messages", "20");
        props.put("bench.cloud.devices", "2");
        props.put("bench.timeout.seconds", "60");

        Report report = Benchmark.run(BenchOptions.from(props));

        assertEquals(0, report.errors().size(), "scenarios that could not finish: " + report.errors());
        Set<String> scenarios = new TreeSet<>();
        for (Result r : report.results()) {
            scenarios.add(r.scenario());
            assertTrue(r.complete(), "every message arrived: " + r);
            assertTrue(r.value() > 0, "a figure: " + r);
        }
        assertEquals(new TreeSet<>(BenchOptions.ALL), scenarios);
        Result source = report.find("source", "MQTT 5 QoS 1");
        assertEquals("raw MQTT 5 QoS 1", source.ratioTo(), "the source figure is set beside the raw ceiling");
        assertTrue(source.pass() != null && source.target().contains("0.80x"), source.toString());

        JsonNode json = new ObjectMapper().readTree(output.toFile());
        assertEquals(report.results().size(), json.get("results").size());
        assertTrue(json.get("environment").get("brokerConfig").asText().contains("max_queued_messages 0"),
            "the broker configuration is stated: " + json.get("environment"));
        assertTrue(json.get("results").get(0).get("details").has("loadBefore"), "the load of every run is stated");
    }
}
