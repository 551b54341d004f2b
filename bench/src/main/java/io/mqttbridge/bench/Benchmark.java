package io.mqttbridge.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * The benchmark: starts Mosquitto, Kafka and a Connect worker in its own JVM with the plugin zip, runs the chosen
 * scenarios ({@link BenchOptions}), prints a table and writes {@code results.json}. Each connector figure is set
 * beside the ceiling measured in the same run on the same broker, with the target as PASS or FAIL; a missed
 * target does not fail the run, a scenario that cannot finish does (exit code 1).
 *
 * <p>Targets: source QoS 1 at least 0.8x raw, QoS 0 at least 0.9x raw; sink QoS 1 at least 0.8x raw; p99 at most
 * 20 ms at 5,000 msg/s; two tasks at least 1.6x one task.
 */
public final class Benchmark {

    private Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        BenchOptions options = BenchOptions.from(System.getProperties());
        Report report = run(options);
        System.exit(report.errors().isEmpty() ? 0 : 1);
    }

    /** Runs the scenarios of {@code options}, prints the table, writes the JSON and returns the report. */
    public static Report run(BenchOptions options) throws Exception {
        // A fresh directory per run: the worker's log, the broker's files and any JFR recording stay for a look.
        Path dir = Files.createTempDirectory(Files.createDirectories(options.output().toAbsolutePath().getParent()),
            "bench-run-");
        System.out.println("Benchmark: " + options);
        System.out.println("Load average before start: " + LoadAverage.now());
        try (BenchEnvironment env = BenchEnvironment.start(options, dir)) {
            Report report = new Report(env.describe(options));
            report.environment().put("loadBeforeStart", LoadAverage.now());
            BenchContext ctx = new BenchContext(env, options, report);
            ThroughputScenarios throughput = new ThroughputScenarios(ctx);
            if (options.warmupMessages() > 0) {
                long start = System.nanoTime();
                for (Result r : throughput.warmUp(options.warmupMessages())) {
                    System.out.printf(Locale.ROOT, "  warm-up  %-8s %,.0f %s%n", r.scenario(), r.value(), r.unit());
                }
                report.environment().put("warmUp", options.warmupMessages() + " messages through raw, source and "
                    + "sink (MQTT 5 QoS 1) in " + (System.nanoTime() - start) / 1_000_000 + " ms, not reported");
            }
            if (options.runs("raw")) {
                for (int v : options.mqttVersions()) {
                    for (int q : options.qos()) {
                        measure(report, "raw", () -> throughput.raw(v, q));
                    }
                }
            }
            if (options.runs("kafka")) {
                measure(report, "kafka", throughput::kafka);
            }
            if (options.runs("source")) {
                for (int v : options.mqttVersions()) {
                    for (int q : options.qos()) {
                        measure(report, "source", () -> withKafkaRatio(report,
                            targets("source", q, throughput.source(v, q).against(
                                report.find("raw", BenchContext.variant(v, q))))));
                    }
                }
            }
            if (options.runs("sink")) {
                for (int v : options.mqttVersions()) {
                    for (int q : options.qos()) {
                        measure(report, "sink", () -> targets("sink", q, throughput.sink(v, q).against(
                            report.find("raw", BenchContext.variant(v, q)))));
                    }
                }
            }
            if (options.runs("latency")) {
                LatencyScenario latency = new LatencyScenario(ctx);
                for (int rate : options.latencyRates()) {
                    measure(report, "latency", () -> latency.raw(rate));
                    measure(report, "latency", () -> latency.kafka(rate));
                    measure(report, "latency", () -> {
                        Result r = latency.source(rate).against(
                            report.find("latency", "raw MQTT 5 QoS 1 @ " + rate + " msg/s"));
                        return rate == 5000 ? r.targetAtMost(20, "p99 <= 20 ms") : r;
                    });
                }
            }
            if (options.runs("scaleout")) {
                measure(report, "scaleout", () -> throughput.scaleOut(1));
                measure(report, "scaleout", () -> throughput.scaleOut(2)
                    .against(report.find("scaleout", "tasks.max=1, MQTT 5 QoS 1 shared"))
                    .targetRatio(1.6, "one task"));
            }
            if (options.runs("memory")) {
                measure(report, "memory", () -> new MemoryScenario(ctx).run());
            }
            CloudScenarios cloud = new CloudScenarios(ctx);
            if (options.runs("shadow")) {
                measure(report, "shadow", cloud::shadow);
            }
            if (options.runs("twin")) {
                measure(report, "twin", cloud::twin);
            }
            report.print(System.out);
            report.write(options.output());
            System.out.println("Results: " + options.output().toAbsolutePath() + "; worker log: " + env.worker().log());
            return report;
        }
    }

    /** The throughput targets: source QoS 0 >= 0.9x raw, source and sink QoS 1 >= 0.8x raw. */
    static Result targets(String scenario, int qos, Result r) {
        if (qos == 1) {
            return r.targetRatio(0.8, "raw");
        }
        if (qos == 0 && scenario.equals("source")) {
            return r.targetRatio(0.9, "raw");
        }
        return r;
    }

    private static Result withKafkaRatio(Report report, Result r) {
        Result kafka = report.find("kafka", "KafkaProducer, worker settings");
        if (kafka != null && kafka.value() > 0) {
            r.details().put("ratioToKafkaProducer", Math.round(r.value() / kafka.value() * 100) / 100.0);
        }
        return r;
    }

    private static void measure(Report report, String scenario, Callable<Result> run) {
        try {
            Result r = run.call();
            report.add(r);
            System.out.printf(Locale.ROOT, "  %-8s %-34s %,14.2f %s%s%n", r.scenario(), r.variant(), r.value(),
                r.unit(), r.complete() ? "" : " (INCOMPLETE: " + r.details() + ")");
        } catch (Exception | AssertionError e) {
            System.out.println("  " + scenario + " failed: " + e);
            e.printStackTrace(System.out);
            report.error(scenario, e);
        }
    }
}
