package io.mqttbridge.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The results of one benchmark run: a table for people, JSON for tools and for comparing runs. */
public final class Report {

    private final Map<String, Object> environment;
    private final List<Result> results = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private final Instant started = Instant.now();

    /** A report of a run in {@code environment} (broker, worker, machine; see {@link BenchEnvironment#describe}). */
    public Report(Map<String, Object> environment) {
        this.environment = new LinkedHashMap<>(environment);
    }

    /** The environment description, open for additions such as the load average at start. */
    public synchronized Map<String, Object> environment() {
        return environment;
    }

    /** Adds a figure. */
    public synchronized void add(Result result) {
        results.add(result);
    }

    /** Records a scenario that could not finish, so the report says so instead of leaving it out. */
    public synchronized void error(String scenario, Throwable cause) {
        errors.add(scenario + ": " + cause);
    }

    /** The figures so far. */
    public synchronized List<Result> results() {
        return List.copyOf(results);
    }

    /** The scenarios that failed to finish. */
    public synchronized List<String> errors() {
        return List.copyOf(errors);
    }

    /** The first figure of {@code scenario} with {@code variant}, or null. */
    public synchronized Result find(String scenario, String variant) {
        return results.stream().filter(r -> r.scenario().equals(scenario) && r.variant().equals(variant))
            .findFirst().orElse(null);
    }

    /** Prints the table. */
    public synchronized void print(PrintStream out) {
        String format = "%-8s %-34s %14s %8s  %-26s %-7s %s%n";
        out.println();
        out.printf(Locale.ROOT, format, "scenario", "variant", "figure", "ratio", "target", "verdict", "notes");
        for (Result r : results) {
            out.printf(Locale.ROOT, format, r.scenario(), r.variant(), figure(r),
                r.ratio() == null ? "" : String.format(Locale.ROOT, "%.2fx", r.ratio()),
                r.target() == null ? "" : r.target(), r.pass() == null ? "" : r.pass() ? "PASS" : "FAIL",
                notes(r));
        }
        for (String e : errors) {
            out.println("ERROR    " + e);
        }
        out.println();
    }

    /** Writes the JSON (environment, figures, errors) to {@code file}, creating its directory. */
    public synchronized void write(Path file) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("started", started.toString());
        json.put("finished", Instant.now().toString());
        json.put("environment", environment);
        json.put("results", results);
        json.put("errors", errors);
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
    }

    private static String figure(Result r) {
        String number = r.value() >= 100 ? String.format(Locale.ROOT, "%,.0f", r.value())
            : String.format(Locale.ROOT, "%.2f", r.value());
        return number + " " + r.unit();
    }

    private static String notes(Result r) {
        List<String> notes = new ArrayList<>();
        if (!r.complete()) {
            notes.add("INCOMPLETE");
        }
        Object note = r.details().get("note");
        if (note != null) {
            notes.add(note.toString());
        }
        if (r.ratioTo() != null) {
            notes.add("vs " + r.ratioTo());
        }
        Object load = r.details().get("loadBefore");
        if (load != null) {
            notes.add("load " + load);
        }
        return String.join("; ", notes);
    }
}
