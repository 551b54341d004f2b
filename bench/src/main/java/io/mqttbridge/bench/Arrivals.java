package io.mqttbridge.bench;

import io.mqttbridge.testkit.mqtt.SequenceCheck;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What arrived at the far end of a benchmark run, recorded on the receiving thread (an MQTT callback or a Kafka
 * poll loop): every sequence number into a {@link SequenceCheck}, the first and last arrival time and, when asked,
 * each message's latency from its payload stamp into an HdrHistogram (microseconds). A payload that is not a
 * benchmark payload is counted as foreign, never dropped silently.
 */
public final class Arrivals {

    /** Latencies up to a minute are recorded exactly to 3 significant digits. */
    private static final long MAX_LATENCY_MICROS = TimeUnit.MINUTES.toMicros(1);

    private final SequenceCheck check;
    private final Histogram latencyMicros;
    private final AtomicLong foreign = new AtomicLong();
    private volatile long armedNanos = System.nanoTime();
    private volatile long firstNanos;
    private volatile long lastNanos;

    private Arrivals(int count, boolean latency) {
        this.check = SequenceCheck.expecting(0, count);
        this.latencyMicros = latency ? new SynchronizedHistogram(MAX_LATENCY_MICROS, 3) : null;
    }

    /** Expects sequence numbers {@code 0..count-1}. */
    public static Arrivals expecting(int count) {
        return new Arrivals(count, false);
    }

    /** Expects {@code 0..count-1} and records each one's latency from the stamp in its payload. */
    public static Arrivals withLatency(int count) {
        return new Arrivals(count, true);
    }

    /** Marks the start of the run: the clock {@link #awaitComplete} measures a stall against. */
    public void arm() {
        armedNanos = System.nanoTime();
    }

    /** Records one arrival, now. */
    public void record(byte[] payload) {
        long now = System.nanoTime();
        int seq;
        try {
            seq = SequencePayload.seq(payload);
        } catch (IllegalArgumentException e) {
            foreign.incrementAndGet();
            return;
        }
        if (latencyMicros != null) {
            long micros = TimeUnit.NANOSECONDS.toMicros(now - SequencePayload.stamp(payload));
            latencyMicros.recordValue(Math.min(MAX_LATENCY_MICROS, Math.max(0, micros)));
        }
        check.record(seq);
        if (firstNanos == 0) {
            firstNanos = now;
        }
        lastNanos = now;
    }

    /**
     * Waits until every expected number arrived, or nothing arrived for {@code stall} (a QoS 0 loss), at most
     * {@code timeout}.
     *
     * @return whether every expected number arrived
     */
    public boolean awaitComplete(Duration timeout, Duration stall) {
        try {
            Awaitility.await("every sequence number").atMost(timeout).pollInterval(Duration.ofMillis(10))
                .until(() -> check.isComplete()
                    || System.nanoTime() - Math.max(armedNanos, lastNanos) > stall.toNanos());
        } catch (ConditionTimeoutException e) {
            return false;
        }
        return check.isComplete();
    }

    /** The sequence numbers seen so far. */
    public SequenceCheck check() {
        return check;
    }

    /** Payloads that were not benchmark payloads. */
    public long foreign() {
        return foreign.get();
    }

    /** {@link System#nanoTime()} of the first arrival; 0 before it. */
    public long firstNanos() {
        return firstNanos;
    }

    /** {@link System#nanoTime()} of the latest arrival; 0 before the first. */
    public long lastNanos() {
        return lastNanos;
    }

    /** Distinct numbers per second from {@code startNanos} to the last arrival. */
    public double rateSince(long startNanos) {
        long elapsed = lastNanos - startNanos;
        return elapsed <= 0 ? 0 : check.distinct() * 1e9 / elapsed;
    }

    /** Distinct numbers per second between the first and the last arrival (for runs with no clear start). */
    public double rateFirstToLast() {
        long elapsed = lastNanos - firstNanos;
        return elapsed <= 0 ? 0 : (check.distinct() - 1) * 1e9 / elapsed;
    }

    /** The latency histogram in microseconds; {@link IllegalStateException} unless made {@link #withLatency}. */
    public Histogram latencyMicros() {
        if (latencyMicros == null) {
            throw new IllegalStateException("these arrivals record no latency");
        }
        return latencyMicros.copy();
    }
}
