package io.mqttbridge.bench;

import io.mqttbridge.testkit.connect.WorkerProcess;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Samples the worker JVM's memory every 250 ms from outside: heap use from {@code jstat -gc} (one process for the
 * whole run, so sampling costs no JVM start per sample) and resident set size from {@code /proc} at each jstat line.
 */
final class WorkerMemorySampler implements AutoCloseable {

    /** One sample: heap used (young and old), old generation used, and RSS, in bytes. */
    record Sample(long heapUsed, long oldUsed, long rss) {
    }

    private final Process jstat;
    private final Thread reader;
    private final List<Sample> samples = new ArrayList<>();
    private final AtomicLong count = new AtomicLong();
    private final AtomicReference<String> problem = new AtomicReference<>();

    private WorkerMemorySampler(WorkerProcess worker) {
        Path binary = Path.of(System.getProperty("java.home"), "bin", "jstat");
        try {
            jstat = new ProcessBuilder(binary.toString(), "-gc", Long.toString(worker.pid()), "250")
                .redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + binary, e);
        }
        reader = new Thread(() -> read(worker), "bench-jstat");
        reader.setDaemon(true);
    }

    /** Starts sampling {@code worker}. */
    static WorkerMemorySampler start(WorkerProcess worker) {
        WorkerMemorySampler sampler = new WorkerMemorySampler(worker);
        sampler.reader.start();
        return sampler;
    }

    private void read(WorkerProcess worker) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(jstat.getInputStream(),
            StandardCharsets.US_ASCII))) {
            String[] header = null;
            for (String line; (line = in.readLine()) != null; ) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length > 0 && "S0C".equals(fields[0])) {
                    header = fields;
                } else if (header != null && fields.length == header.length) {
                    long young = kb(header, fields, "S0U") + kb(header, fields, "S1U") + kb(header, fields, "EU");
                    long old = kb(header, fields, "OU");
                    Sample s = new Sample((young + old) * 1024, old * 1024, worker.residentBytes());
                    synchronized (samples) {
                        samples.add(s);
                    }
                    count.incrementAndGet();
                } else if (!line.isBlank()) {
                    problem.set(line);
                }
            }
        } catch (IOException | RuntimeException e) {
            problem.compareAndSet(null, e.toString());
        }
    }

    private static long kb(String[] header, String[] fields, String column) {
        for (int i = 0; i < header.length; i++) {
            if (header[i].equals(column)) {
                return Math.round(Double.parseDouble(fields[i]));
            }
        }
        throw new IllegalStateException("jstat -gc printed no column " + column);
    }

    /** Samples taken so far. */
    long count() {
        return count.get();
    }

    /** The samples so far. */
    List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    /** What jstat said instead of a sample, if anything (e.g. it could not attach). */
    String problem() {
        return problem.get();
    }

    @Override
    public void close() {
        jstat.destroy();
        try {
            reader.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
