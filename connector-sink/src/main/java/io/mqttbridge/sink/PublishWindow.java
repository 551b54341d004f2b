package io.mqttbridge.sink;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The publish window learnt from early connection losses, and how it grows back.
 *
 * <p>An MQTT 3.1.1 broker announces no receive maximum; one that allows fewer publishes in flight than configured
 * (Mosquitto: max_inflight_messages) drops the connection instead. So an early loss with {@code n} publishes cut
 * off halves the window to {@code n / 2}. A plain network fault looks the same, so the window is tried larger
 * again: after a <em>probation</em> (stable connection, window filled, no loss) it doubles, up to the maximum.
 *
 * <p>The probation needs all of: {@link #PROBATION} of connection without loss since it started (it restarts on
 * every loss and every change of size), so a flapping link does not regrow between flaps; the window filled at
 * least once, as a window never filled proved nothing about the broker's limit (and an idle sink needs no larger
 * one); and a window's worth of confirmations, so the broker released what it held rather than sitting on it.
 *
 * <p>Early losses are remembered by the in-flight count the broker cut off, with a strike count. Growing to a size
 * at or above a remembered one needs a probation of {@code PROBATION * 2^(strikes - 1)} (at most
 * {@link #PROBATION_MAX}); a loss there again adds a strike. So a real broker limit costs one reconnect per
 * ever longer probation, while a network fault at a size below every earlier loss size records one strike at its
 * own size and delays regrowth back to the earlier size by the base probation only. A size that passed its
 * probation forgets the losses remembered at or below it.
 *
 * <p>Task thread only, except {@link #size(int)}, which metrics read.
 */
final class PublishWindow {
    private static final Logger log = LoggerFactory.getLogger(PublishWindow.class);
    /** Stable, full use of the window this long (at least) before it grows. */
    static final Duration PROBATION = Duration.ofSeconds(30);
    /** The longest probation, however often a size failed: a changed broker limit is still found. */
    static final Duration PROBATION_MAX = Duration.ofHours(1);
    /** Enough for PROBATION_MAX; bounds the shift and the loss memory. */
    private static final int STRIKES_MAX = 16;

    private final String clientId;
    /** The learnt limit, or {@link Integer#MAX_VALUE} while none holds. */
    private volatile int learnt = Integer.MAX_VALUE;
    /**
     * In-flight counts an early loss cut off, with their strikes. Kept as a staircase (strikes grow with size), so
     * the floor entry of a size holds the most strikes of any size at or below it.
     */
    private final NavigableMap<Integer, Integer> lossStrikes = new TreeMap<>();
    private long probationSinceNanos;
    private boolean filled;
    private long confirmed;

    PublishWindow(String clientId, long nowNanos) {
        this.clientId = clientId;
        this.probationSinceNanos = nowNanos;
    }

    /** The window in force under {@code max}, the transport's window and {@code mqtt.max.inflight}. */
    int size(int max) {
        return Math.min(max, learnt);
    }

    /** A connection loss, early or not: the probation starts again. */
    void interrupted(long nowNanos) {
        probationSinceNanos = nowNanos;
        filled = false;
        confirmed = 0;
    }

    /**
     * An early loss cut off {@code refused} publishes (at most the window in force): the window becomes half of
     * them, and the size is remembered with one strike more than the most any size at or below it has.
     *
     * @return the new window
     */
    int earlyLoss(int refused, long nowNanos) {
        int strikes = Math.min(STRIKES_MAX, strikesAt(refused) + 1);
        lossStrikes.put(refused, strikes);
        lossStrikes.tailMap(refused, false).values().removeIf(s -> s <= strikes);
        learnt = Math.max(1, refused / 2);
        interrupted(nowNanos);
        return learnt;
    }

    /** The task had the whole window in flight. */
    void filled() {
        filled = true;
    }

    /** The broker confirmed a publish. */
    void confirmed() {
        confirmed++;
    }

    /** How long the window must be used without loss before it grows to {@code target}. */
    Duration probationFor(int target) {
        int shift = Math.max(0, strikesAt(target) - 1);
        Duration probation = PROBATION.multipliedBy(1L << shift);
        return probation.compareTo(PROBATION_MAX) > 0 ? PROBATION_MAX : probation;
    }

    /**
     * Doubles the window (at most to {@code max}) once its probation passed on the connection up since
     * {@code connectedSinceNanos}; logged.
     *
     * @return the new window, or 0 if it did not grow
     */
    int growIfProven(int max, long connectedSinceNanos, long nowNanos) {
        int current = learnt;
        if (current >= max || !filled || confirmed < current) {
            return 0;
        }
        long since = connectedSinceNanos - probationSinceNanos > 0 ? connectedSinceNanos : probationSinceNanos;
        int target = (int) Math.min(2L * current, max);
        Duration probation = probationFor(target);
        long stableNanos = nowNanos - since;
        if (stableNanos < probation.toNanos()) {
            return 0;
        }
        lossStrikes.headMap(current, true).clear();
        learnt = target >= max ? Integer.MAX_VALUE : target;
        interrupted(nowNanos);
        log.info("MQTT client '{}' used a full publish window of {} without loss for {} s; the window is now {}{}",
            clientId, current, Duration.ofNanos(stableNanos).toSeconds(), target, target >= max ? ", its maximum" : "");
        return target;
    }

    /** The most strikes of any remembered size at or below {@code size}. */
    private int strikesAt(int size) {
        Map.Entry<Integer, Integer> floor = lossStrikes.floorEntry(size);
        return floor == null ? 0 : floor.getValue();
    }
}
