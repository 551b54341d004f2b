package io.mqttbridge.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchOptionsTest {

    private static Map<String, String> required() {
        Map<String, String> p = new HashMap<>();
        p.put("bench.plugin.zip", "plugin.zip");
        p.put("bench.worker.classpath.file", "cp.txt");
        return p;
    }

    @Test
    void emptyValuesTakeTheDefaults() {
        Map<String, String> p = required();
        p.put("bench.messages", ""); // what the Maven profile passes for an option not given
        BenchOptions o = BenchOptions.from(p);
        assertEquals(20_000, o.messages());
        assertEquals(List.of(0, 1, 2), o.qos());
        assertEquals(List.of(3, 5), o.mqttVersions());
        assertEquals(200, o.payloadBytes());
        assertEquals(List.of(1000, 5000), o.latencyRates());
        assertEquals(10, o.backlogFactor());
        assertEquals(BenchOptions.ALL, List.copyOf(o.scenarios()));
        assertEquals(Path.of("bench/target/results.json"), o.output());
        assertTrue(o.sourceOverrides().isEmpty());
    }

    @Test
    void optionsAreParsed() {
        Map<String, String> p = required();
        p.put("bench.scenarios", "Source, sink");
        p.put("bench.messages", "50_000");
        p.put("bench.qos", "1");
        p.put("bench.source.overrides", "producer.override.linger.ms=0, mqtt.max.inflight=5000");
        BenchOptions o = BenchOptions.from(p);
        assertTrue(o.runs("source") && o.runs("sink"));
        assertFalse(o.runs("raw"));
        assertEquals(50_000, o.messages());
        assertEquals(List.of(1), o.qos());
        assertEquals(Map.of("producer.override.linger.ms", "0", "mqtt.max.inflight", "5000"), o.sourceOverrides());
    }

    @Test
    void badValuesNameTheirProperty() {
        assertError("bench.qos", "bench.qos", "3");
        assertError("bench.messages", "bench.messages", "many");
        assertError("bench.messages", "bench.messages", "-1");
        assertError("bench.scenarios", "bench.scenarios", "raw,fast");
        assertError("bench.mqtt.versions", "bench.mqtt.versions", "4");
        assertError("bench.payload.bytes", "bench.payload.bytes", "10");
        assertError("bench.worker.heap", "bench.worker.heap", "lots");
        assertError("bench.source.overrides", "bench.source.overrides", "linger");
        Map<String, String> p = required();
        p.remove("bench.plugin.zip");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BenchOptions.from(p));
        assertTrue(e.getMessage().startsWith("bench.plugin.zip"), e.getMessage());
    }

    private static void assertError(String expectedKey, String key, String value) {
        Map<String, String> p = required();
        p.put(key, value);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BenchOptions.from(p));
        assertTrue(e.getMessage().startsWith(expectedKey + ":"), e.getMessage());
    }
}
