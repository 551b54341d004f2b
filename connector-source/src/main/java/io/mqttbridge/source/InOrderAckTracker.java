package io.mqttbridge.source;

import io.mqttbridge.core.transport.InboundMessage;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Tracks the messages of one task's MQTT session from arrival until Kafka stored their records, and acknowledges
 * them to the broker in arrival order, as MQTT requires, although Kafka confirms records out of order.
 *
 * <p>Each message gets a sequence number on {@link #register}. {@link #committed} marks one stored; the tracker
 * then acks the longest prefix of stored messages, oldest first. QoS 0 messages need no ack and simply drop off.
 * At most {@code capacity} messages may be outstanding: {@code register} blocks until older ones are stored, which
 * stops the transport's reader thread and so applies backpressure to the broker.
 *
 * <p>Thread-safe: messages are registered on the transport's thread and committed on Connect's producer threads.
 * Acks are sent while holding the tracker's lock, which is what keeps them in order; the ack callback must
 * therefore never call back into the tracker.
 */
public final class InOrderAckTracker {

    private final int capacity;
    private final Consumer<InboundMessage> acker;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition spaceAvailable = lock.newCondition();
    /** Outstanding messages by sequence; the first entry is the oldest not yet acked. */
    private final TreeMap<Long, Entry> outstanding = new TreeMap<>();
    private long nextSequence;
    private long acked;
    private boolean closed;

    /**
     * @param capacity how many messages may be outstanding at once ({@code mqtt.max.inflight})
     * @param firstSequence the sequence number of the first registered message
     * @param acker sends the ack for one message, e.g. {@code transport::ack}; called in arrival order
     */
    public InOrderAckTracker(int capacity, long firstSequence, Consumer<InboundMessage> acker) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
        this.nextSequence = firstSequence;
        this.acker = acker;
    }

    /**
     * Registers an arrived message, waiting while {@code capacity} messages are outstanding.
     *
     * @return the message's sequence number
     * @throws InterruptedException if the waiting thread is interrupted
     * @throws IllegalStateException if the tracker is or becomes closed while waiting
     */
    public long register(InboundMessage message) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (!closed && outstanding.size() >= capacity) {
                spaceAvailable.await();
            }
            if (closed) {
                throw new IllegalStateException("ack tracker closed: task is stopping");
            }
            long sequence = nextSequence++;
            outstanding.put(sequence, new Entry(message));
            return sequence;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Marks the message with this sequence number stored in Kafka, and acks every message of the now stored
     * prefix. Unknown or repeated sequence numbers are ignored, and so is everything after {@link #close()}.
     */
    public void committed(long sequence) {
        lock.lock();
        try {
            Entry entry = outstanding.get(sequence);
            if (closed || entry == null) {
                return;
            }
            entry.committed = true;
            int released = 0;
            while (!outstanding.isEmpty() && outstanding.firstEntry().getValue().committed) {
                Map.Entry<Long, Entry> head = outstanding.pollFirstEntry();
                InboundMessage message = head.getValue().message;
                if (message.qos() > 0) {
                    acker.accept(message);
                    acked++;
                }
                released++;
            }
            if (released > 0) {
                spaceAvailable.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops tracking: wakes every thread blocked in {@link #register}, which then throws, and ignores later
     * commits. Nothing outstanding is acked, so the broker redelivers it to the next session.
     */
    public void close() {
        lock.lock();
        try {
            closed = true;
            spaceAvailable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** How many registered messages are not yet acked (or, for QoS 0, not yet stored). */
    public int outstanding() {
        lock.lock();
        try {
            return outstanding.size();
        } finally {
            lock.unlock();
        }
    }

    /** How many QoS 1/2 acks were sent so far. */
    public long ackedCount() {
        lock.lock();
        try {
            return acked;
        } finally {
            lock.unlock();
        }
    }

    /** The most messages that may be outstanding. */
    public int capacity() {
        return capacity;
    }

    private static final class Entry {
        final InboundMessage message;
        boolean committed;

        Entry(InboundMessage message) {
            this.message = message;
        }
    }
}
