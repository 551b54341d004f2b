package io.mqttbridge.azure;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Which Kafka offsets may be committed: per partition, the records handed to the task in offset order, each done
 * once IoT Hub acknowledged it (or it was dead-lettered or skipped). The committable offset of a partition is that
 * of its first record not yet done, so no offset passes an unacknowledged record, whatever order the devices'
 * acknowledgements arrive in.
 *
 * <p>Threading: {@link #register}, {@link #committable} and {@link #forget} run on the task thread;
 * {@link Entry#done()} may be called from any thread.
 */
final class OffsetTracker {

    /** One record's place in its partition. */
    static final class Entry {
        private final TopicPartition partition;
        private final long offset;
        private volatile boolean done;
        private volatile boolean forgotten;

        private Entry(TopicPartition partition, long offset) {
            this.partition = partition;
            this.offset = offset;
        }

        /** Marks the record as finished with: acknowledged, dead-lettered or skipped. */
        void done() {
            done = true;
        }

        boolean isDone() {
            return done;
        }

        /** Whether the partition was closed since (its records will be delivered again, to whoever owns it). */
        boolean isForgotten() {
            return forgotten;
        }

        TopicPartition partition() {
            return partition;
        }

        long offset() {
            return offset;
        }
    }

    private final Map<TopicPartition, ArrayDeque<Entry>> partitions = new HashMap<>();
    private int size;

    /** Registers the next record of a partition; records of one partition arrive in offset order. */
    Entry register(TopicPartition partition, long offset) {
        Entry entry = new Entry(partition, offset);
        partitions.computeIfAbsent(partition, p -> new ArrayDeque<>()).addLast(entry);
        size++;
        return entry;
    }

    /**
     * The offsets to commit: for each partition Connect offers, the offset of its first record not yet done, or
     * Connect's own offset (the one after the last record put) when every record is done. Partitions whose first
     * outstanding record is the one Connect offers nothing beyond are left as Connect offers them.
     */
    Map<TopicPartition, OffsetAndMetadata> committable(Map<TopicPartition, OffsetAndMetadata> offered) {
        Map<TopicPartition, OffsetAndMetadata> result = new HashMap<>(offered.size());
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offered.entrySet()) {
            Entry first = firstOutstanding(e.getKey());
            if (first == null) {
                result.put(e.getKey(), e.getValue());
            } else if (first.offset < e.getValue().offset()) {
                result.put(e.getKey(), new OffsetAndMetadata(first.offset));
            } else {
                result.put(e.getKey(), e.getValue());
            }
        }
        return result;
    }

    /** Drops the done head of a partition's queue and returns its first outstanding entry, or null. */
    private Entry firstOutstanding(TopicPartition partition) {
        ArrayDeque<Entry> entries = partitions.get(partition);
        if (entries == null) {
            return null;
        }
        while (!entries.isEmpty() && entries.peekFirst().done) {
            entries.pollFirst();
            size--;
        }
        if (entries.isEmpty()) {
            partitions.remove(partition);
            return null;
        }
        return entries.peekFirst();
    }

    /** Forgets closed partitions: their unfinished records will be consumed again from the committed offset. */
    void forget(Collection<TopicPartition> closed) {
        for (TopicPartition partition : closed) {
            ArrayDeque<Entry> entries = partitions.remove(partition);
            if (entries != null) {
                size -= entries.size();
                entries.forEach(entry -> entry.forgotten = true);
            }
        }
    }

    /** Records registered and not yet released by {@link #committable}: done ones included until then. */
    int size() {
        return size;
    }
}
