package io.mqttbridge.azure;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A bounded pool of device sessions, at most one per device and {@code maxSessions} in all (opening and closing ones
 * included, so the number of connections and SDK clients never exceeds it). When a device needs a session and the
 * pool is full, the least recently used idle session (nothing in flight, no work queued for its device) is closed
 * for it, on the same background thread that then opens the new one. Sessions idle for longer than the idle timeout
 * are closed as well. At most {@code openConcurrency} sessions open or close at the same time.
 *
 * <p>Threading: every method runs on the owning task's thread. Opening and closing run on the pool's own threads,
 * which report back by handing a {@link Runnable} to {@code taskThread}; the owner runs those on its thread.
 */
final class DeviceSessionPool implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeviceSessionPool.class);

    /** What the owner learns about sessions. */
    interface Events {
        /** The device's session is open: its work can be sent. */
        void opened(String deviceId);

        /** The device's session could not be opened. */
        void openFailed(String deviceId, Exception cause);
    }

    private enum State { OPENING, OPEN }

    private static final class Slot {
        final String deviceId;
        State state = State.OPENING;
        DeviceSession session;
        boolean busy;
        long lastUsedNanos;

        Slot(String deviceId, long now) {
            this.deviceId = deviceId;
            this.lastUsedNanos = now;
        }
    }

    private final int maxSessions;
    private final long idleTimeoutNanos;
    private final DeviceSessionFactory factory;
    private final DeviceSessionListener listener;
    private final Executor taskThread;
    private final Events events;
    private final Predicate<String> hasWork;
    private final ExecutorService workers;
    /** Access-ordered: the first idle slot met is the least recently used one. */
    private final LinkedHashMap<String, Slot> slots = new LinkedHashMap<>(16, 0.75f, true);
    /** Sessions being closed outside a slot (timeouts, lost connections); they count against the bound. */
    private int closing;
    private volatile boolean closed;
    private long opened;
    private long evicted;

    DeviceSessionPool(int maxSessions, int openConcurrency, long idleTimeoutMs, DeviceSessionFactory factory,
                      DeviceSessionListener listener, Executor taskThread, Events events, Predicate<String> hasWork,
                      String threadPrefix) {
        this.maxSessions = maxSessions;
        this.idleTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(idleTimeoutMs);
        this.factory = factory;
        this.listener = listener;
        this.taskThread = taskThread;
        this.events = events;
        this.hasWork = hasWork;
        AtomicInteger threads = new AtomicInteger();
        int size = Math.min(openConcurrency, maxSessions);
        this.workers = new ThreadPoolExecutor(size, size, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, threadPrefix + "-sessions-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** The device's open session (marking it used), or null. Never starts anything. */
    DeviceSession openSession(String deviceId, long now) {
        Slot slot = slots.get(deviceId);
        if (slot == null || slot.state != State.OPEN) {
            return null;
        }
        slot.lastUsedNanos = now;
        return slot.session;
    }

    /** Whether the device has a slot, open or opening. */
    boolean has(String deviceId) {
        return slots.containsKey(deviceId);
    }

    /**
     * Starts opening a session for a device without one, if the pool has room or an idle session to give up.
     *
     * @return false if the pool is full of busy or opening sessions: nothing was started
     */
    boolean requestOpen(String deviceId, long now) {
        if (slots.containsKey(deviceId)) {
            return true;
        }
        DeviceSession victim = null;
        if (slots.size() + closing >= maxSessions) {
            Slot idle = leastRecentlyUsedIdle();
            if (idle == null) {
                return false;
            }
            slots.remove(idle.deviceId);
            victim = idle.session;
            evicted++;
        }
        slots.put(deviceId, new Slot(deviceId, now));
        DeviceSession toClose = victim;
        workers.execute(() -> {
            if (toClose != null) {
                toClose.close();
            }
            open(deviceId);
        });
        return true;
    }

    private Slot leastRecentlyUsedIdle() {
        for (Slot slot : slots.values()) {
            if (slot.state == State.OPEN && !slot.busy && !hasWork.test(slot.deviceId)) {
                return slot;
            }
        }
        return null;
    }

    private void open(String deviceId) {
        DeviceSession session;
        try {
            session = factory.open(deviceId, listener);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            taskThread.execute(() -> failed(deviceId, e));
            return;
        } catch (Exception e) {
            taskThread.execute(() -> failed(deviceId, e));
            return;
        }
        if (closed) {
            session.close(); // the owner stopped while this one opened: nobody will use or close it
            return;
        }
        taskThread.execute(() -> ready(deviceId, session));
    }

    private void ready(String deviceId, DeviceSession session) {
        Slot slot = slots.get(deviceId);
        if (slot == null || slot.state != State.OPENING) {
            closeInBackground(session); // dropped meanwhile (pool closing, device forgotten)
            return;
        }
        slot.state = State.OPEN;
        slot.session = session;
        opened++;
        events.opened(deviceId);
    }

    private void failed(String deviceId, Exception cause) {
        Slot slot = slots.get(deviceId);
        if (slot != null && slot.state == State.OPENING) {
            slots.remove(deviceId);
        }
        events.openFailed(deviceId, cause);
    }

    /** Marks whether the device's session has a request in flight (busy sessions are never evicted). */
    void busy(String deviceId, boolean busy, long now) {
        Slot slot = slots.get(deviceId);
        if (slot != null) {
            slot.busy = busy;
            slot.lastUsedNanos = now;
        }
    }

    /**
     * Closes the device's connection in the background, even if another task shares it, e.g. after a request timed
     * out (so the SDK cannot send it late) or the SDK gave the connection up. It counts against the bound until it
     * is closed.
     */
    void discard(String deviceId) {
        Slot slot = slots.get(deviceId);
        if (slot == null || slot.state != State.OPEN) {
            return;
        }
        slots.remove(deviceId);
        closeInBackground(slot.session, true);
    }

    private void closeInBackground(DeviceSession session) {
        closeInBackground(session, false);
    }

    private void closeInBackground(DeviceSession session, boolean abandon) {
        closing++;
        workers.execute(() -> {
            try {
                if (abandon) {
                    session.abandon();
                } else {
                    session.close();
                }
            } finally {
                taskThread.execute(() -> closing--);
            }
        });
    }

    /** Closes open sessions that had nothing to do for longer than the idle timeout. */
    void closeIdle(long now) {
        Iterator<Slot> it = slots.values().iterator();
        List<DeviceSession> idle = new ArrayList<>();
        while (it.hasNext()) {
            Slot slot = it.next();
            if (slot.state == State.OPEN && !slot.busy && now - slot.lastUsedNanos > idleTimeoutNanos
                && !hasWork.test(slot.deviceId)) {
                it.remove();
                idle.add(slot.session);
            }
        }
        idle.forEach(this::closeInBackground);
    }

    /** Open sessions. */
    int openCount() {
        return (int) slots.values().stream().filter(s -> s.state == State.OPEN).count();
    }

    /** Sessions held: open, opening and closing. */
    int size() {
        return slots.size() + closing;
    }

    long openedTotal() {
        return opened;
    }

    long evictedTotal() {
        return evicted;
    }

    /** Closes every session, in parallel, waiting up to {@code timeoutMs} for them. */
    void closeAll(long timeoutMs) {
        List<Future<?>> closes = new ArrayList<>();
        for (Slot slot : slots.values()) {
            if (slot.session != null) {
                DeviceSession session = slot.session;
                closes.add(workers.submit(session::close));
            }
        }
        slots.clear();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        for (Future<?> close : closes) {
            try {
                close.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                log.debug("A device session did not close cleanly: {}", e.toString());
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        closeAll(30_000);
        workers.shutdown();
        try {
            // Opens under way finish and, seeing the pool closed, close their sessions themselves.
            if (!workers.awaitTermination(30, TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** For logs: how many sessions are in which state. */
    @Override
    public String toString() {
        Map<State, Integer> counts = new LinkedHashMap<>();
        slots.values().forEach(s -> counts.merge(s.state, 1, Integer::sum));
        return "DeviceSessionPool[" + counts + ", closing=" + closing + ", max=" + maxSessions + "]";
    }
}
