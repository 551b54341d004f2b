package io.mqttbridge.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * What a benchmark run measures, read from system properties ({@code -Dbench.messages=50000}); an unset or empty
 * property takes the default below, a malformed one fails with the property's name.
 *
 * @param scenarios {@code bench.scenarios}: which scenarios run, comma-separated (default all of {@link #ALL})
 * @param messages {@code bench.messages}: messages per throughput run (default 20000)
 * @param warmupMessages {@code bench.warmup.messages}: messages of the unreported warm-up runs (raw, source and sink
 *     at MQTT 5 QoS 1) that let the JIT compile the worker's hot path first (default 20000, 0 = none)
 * @param qos {@code bench.qos}: the QoS levels of the raw, source and sink runs (default 0,1,2)
 * @param mqttVersions {@code bench.mqtt.versions}: 3 (3.1.1) and/or 5 (default 3,5); the latency, memory and
 *     scale-out runs use MQTT 5
 * @param payloadBytes {@code bench.payload.bytes}: payload size (default 200)
 * @param publisherInflight {@code bench.publisher.inflight}: the publisher's window of unacknowledged messages,
 *     the same for the raw ceiling and the connector runs (default 1000)
 * @param latencyRates {@code bench.latency.rates}: fixed publish rates in msg/s (default 1000,5000)
 * @param latencySeconds {@code bench.latency.seconds}: how long each rate is held (default 10)
 * @param backlogFactor {@code bench.memory.backlog.factor}: the memory run's backlog in multiples of
 *     {@code messages} (default 10)
 * @param cloudMessages {@code bench.cloud.messages}: records per shadow or twin run (default 2000)
 * @param cloudDevices {@code bench.cloud.devices}: things or devices they are spread over (default 20)
 * @param workerHeap {@code bench.worker.heap}: the worker JVM's {@code -Xmx} (default 512m)
 * @param workerJfr {@code bench.worker.jfr}: record the worker with JFR into {@code bench/target/worker.jfr}
 * @param timeoutSeconds {@code bench.timeout.seconds}: longest a single run may take (default 300)
 * @param sourceOverrides {@code bench.source.overrides}: extra source connector settings, {@code key=value} pairs
 *     separated by commas, e.g. {@code producer.override.batch.size=262144} (default none)
 * @param pluginZip {@code bench.plugin.zip}: the plugin zip built by {@code distribution}
 * @param workerClasspathFile {@code bench.worker.classpath.file}: the worker's class path (Kafka only)
 * @param output {@code bench.output}: where the JSON goes (default {@code bench/target/results.json})
 */
public record BenchOptions(Set<String> scenarios, int messages, int warmupMessages, List<Integer> qos,
                           List<Integer> mqttVersions,
                           int payloadBytes, int publisherInflight, List<Integer> latencyRates, int latencySeconds,
                           int backlogFactor, int cloudMessages, int cloudDevices, String workerHeap,
                           boolean workerJfr, int timeoutSeconds, Map<String, String> sourceOverrides,
                           Path pluginZip, Path workerClasspathFile,
                           Path output) {

    /** Every scenario, in the order they run. */
    public static final List<String> ALL = List.of("raw", "kafka", "source", "sink", "latency", "scaleout", "memory",
        "shadow", "twin");

    /** Reads the options from {@code properties} (normally {@link System#getProperties()}). */
    public static BenchOptions from(Map<?, ?> properties) {
        Function<String, String> get = key -> {
            Object value = properties.get(key);
            return value == null || value.toString().isBlank() ? null : value.toString().trim();
        };
        Set<String> scenarios = new LinkedHashSet<>();
        String chosen = get.apply("bench.scenarios");
        for (String s : chosen == null ? ALL : List.of(chosen.toLowerCase(Locale.ROOT).split("\\s*,\\s*"))) {
            if (!ALL.contains(s)) {
                throw new IllegalArgumentException("bench.scenarios: unknown scenario '" + s + "', expected some of "
                    + ALL);
            }
            scenarios.add(s);
        }
        List<Integer> qos = ints(get, "bench.qos", List.of(0, 1, 2));
        for (int q : qos) {
            check(q >= 0 && q <= 2, "bench.qos", "QoS must be 0, 1 or 2, was " + q);
        }
        List<Integer> versions = ints(get, "bench.mqtt.versions", List.of(3, 5));
        for (int v : versions) {
            check(v == 3 || v == 5, "bench.mqtt.versions", "3 (MQTT 3.1.1) or 5, was " + v);
        }
        int messages = positive(get, "bench.messages", 20_000);
        int payload = positive(get, "bench.payload.bytes", 200);
        check(payload >= SequencePayload.MIN_SIZE, "bench.payload.bytes", "at least " + SequencePayload.MIN_SIZE
            + " bytes (the sequence number and time stamp), was " + payload);
        int inflight = positive(get, "bench.publisher.inflight", 1000);
        check(inflight <= 65_535, "bench.publisher.inflight", "at most 65535, was " + inflight);
        List<Integer> rates = ints(get, "bench.latency.rates", List.of(1000, 5000));
        for (int r : rates) {
            check(r > 0, "bench.latency.rates", "rates must be positive, was " + r);
        }
        String heap = get.apply("bench.worker.heap");
        heap = heap == null ? "512m" : heap;
        check(heap.matches("\\d+[kKmMgG]?"), "bench.worker.heap", "a -Xmx size such as 512m, was " + heap);
        String zip = get.apply("bench.plugin.zip");
        String classpath = get.apply("bench.worker.classpath.file");
        check(zip != null, "bench.plugin.zip", "the plugin zip is required (built by the distribution module)");
        check(classpath != null, "bench.worker.classpath.file",
            "the worker class path file is required (built by the distribution module)");
        String output = get.apply("bench.output");
        String warmup = get.apply("bench.warmup.messages");
        int warmupMessages = warmup == null ? 20_000 : parse("bench.warmup.messages", warmup);
        check(warmupMessages >= 0, "bench.warmup.messages", "must be 0 or more, was " + warmupMessages);
        return new BenchOptions(scenarios, messages, warmupMessages, qos, versions, payload, inflight, rates,
            positive(get, "bench.latency.seconds", 10), positive(get, "bench.memory.backlog.factor", 10),
            positive(get, "bench.cloud.messages", 2000), positive(get, "bench.cloud.devices", 20), heap,
            Boolean.parseBoolean(get.apply("bench.worker.jfr")), positive(get, "bench.timeout.seconds", 300),
            pairs("bench.source.overrides", get.apply("bench.source.overrides")),
            Path.of(zip), Path.of(classpath), Path.of(output == null ? "bench/target/results.json" : output));
    }

    /** Whether {@code scenario} was asked for. */
    public boolean runs(String scenario) {
        return scenarios.contains(scenario);
    }

    private static int positive(Function<String, String> get, String key, int defaultValue) {
        String value = get.apply(key);
        if (value == null) {
            return defaultValue;
        }
        int parsed = parse(key, value);
        check(parsed > 0, key, "must be positive, was " + parsed);
        return parsed;
    }

    private static List<Integer> ints(Function<String, String> get, String key, List<Integer> defaultValue) {
        String value = get.apply(key);
        if (value == null) {
            return defaultValue;
        }
        List<Integer> parsed = new ArrayList<>();
        Arrays.stream(value.split("\\s*,\\s*")).forEach(v -> parsed.add(parse(key, v)));
        return List.copyOf(new LinkedHashSet<>(parsed));
    }

    private static Map<String, String> pairs(String key, String value) {
        Map<String, String> pairs = new java.util.LinkedHashMap<>();
        if (value != null) {
            for (String pair : value.split("\\s*,\\s*")) {
                int eq = pair.indexOf('=');
                check(eq > 0, key, "expected key=value pairs separated by commas, got '" + pair + "'");
                pairs.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            }
        }
        return Map.copyOf(pairs);
    }

    private static int parse(String key, String value) {
        try {
            return Integer.parseInt(value.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": not a whole number: '" + value + "'", e);
        }
    }

    private static void check(boolean ok, String key, String message) {
        if (!ok) {
            throw new IllegalArgumentException(key + ": " + message);
        }
    }
}
