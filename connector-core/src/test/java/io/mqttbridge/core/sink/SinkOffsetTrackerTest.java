package io.mqttbridge.core.sink;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SinkOffsetTrackerTest {
    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);

    private final SinkOffsetTracker tracker = new SinkOffsetTracker();

    @Test
    void commitsOnlyUpToTheFirstUnconfirmedRecordWhateverOrderConfirmationsArriveIn() {
        SinkOffsetTracker.Entry a = tracker.register(P0, 10);
        SinkOffsetTracker.Entry b = tracker.register(P0, 11);
        SinkOffsetTracker.Entry c = tracker.register(P0, 12);
        Map<TopicPartition, OffsetAndMetadata> offered = Map.of(P0, new OffsetAndMetadata(13));

        c.done();
        assertEquals(10, tracker.committable(offered).get(P0).offset());
        a.done();
        assertEquals(11, tracker.committable(offered).get(P0).offset());
        b.done();
        assertEquals(13, tracker.committable(offered).get(P0).offset());
        assertEquals(0, tracker.size());
    }

    @Test
    void partitionsAreIndependent() {
        SinkOffsetTracker.Entry p0 = tracker.register(P0, 5);
        SinkOffsetTracker.Entry p1 = tracker.register(P1, 7);
        p1.done();
        Map<TopicPartition, OffsetAndMetadata> result = tracker.committable(
            Map.of(P0, new OffsetAndMetadata(6), P1, new OffsetAndMetadata(8)));
        assertEquals(5, result.get(P0).offset());
        assertEquals(8, result.get(P1).offset());
        assertEquals(1, tracker.size());
        p0.done();
    }

    @Test
    void aPartitionWithNothingTrackedCommitsWhatConnectOffers() {
        assertEquals(42, tracker.committable(Map.of(P0, new OffsetAndMetadata(42))).get(P0).offset());
    }

    @Test
    void forgottenPartitionsReleaseTheirRecordsAndMarkThem() {
        SinkOffsetTracker.Entry a = tracker.register(P0, 1);
        tracker.register(P1, 1);
        tracker.forget(List.of(P0));
        assertTrue(a.isForgotten());
        assertEquals(1, tracker.size());
        assertEquals(9, tracker.committable(Map.of(P0, new OffsetAndMetadata(9))).get(P0).offset());
    }
}
