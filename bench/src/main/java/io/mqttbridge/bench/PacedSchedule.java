package io.mqttbridge.bench;

/**
 * A fixed publish rate: message {@code seq} is due at {@code start + seq / rate}. Latency is measured from that
 * intended time, not from when the publisher got round to it, so a publisher that falls behind shows up in the
 * figures instead of hiding them (coordinated omission).
 */
public final class PacedSchedule {

    private final long intervalNanos;
    private long startNanos;

    /** A schedule of {@code ratePerSecond} messages per second. */
    public PacedSchedule(int ratePerSecond) {
        if (ratePerSecond <= 0) {
            throw new IllegalArgumentException("rate must be positive, was " + ratePerSecond);
        }
        this.intervalNanos = 1_000_000_000L / ratePerSecond;
    }

    /** Starts the clock: message 0 is due at {@code nowNanos}. */
    public synchronized void start(long nowNanos) {
        startNanos = nowNanos;
    }

    /** When message {@code seq} is due ({@link System#nanoTime()} scale). */
    public synchronized long intendedNanos(int seq) {
        return startNanos + seq * intervalNanos;
    }

    /** How many of {@code total} messages are due at {@code nowNanos}: all with an intended time not after it. */
    public synchronized int dueBy(long nowNanos, int total) {
        if (nowNanos < startNanos) {
            return 0;
        }
        long due = (nowNanos - startNanos) / intervalNanos + 1;
        return (int) Math.min(total, due);
    }
}
