package io.mqttbridge.source;

import io.mqttbridge.core.transport.InboundMessage;
import io.mqttbridge.core.transport.MqttProperties;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InOrderAckTrackerTest {

    private final List<Integer> acks = new CopyOnWriteArrayList<>();

    private static InboundMessage message(int id, int qos) {
        return new InboundMessage("plant/1/telemetry", new byte[] {(byte) id}, qos, false, false, qos == 0 ? 0 : id,
            1, MqttProperties.EMPTY);
    }

    private InOrderAckTracker tracker(int capacity) {
        return new InOrderAckTracker(capacity, 0, m -> acks.add(m.messageId()));
    }

    @Test
    void inOrderCommitsAreAckedAtOnce() throws InterruptedException {
        InOrderAckTracker tracker = tracker(10);
        long first = tracker.register(message(1, 1));
        long second = tracker.register(message(2, 1));
        assertEquals(first + 1, second);
        tracker.committed(first);
        assertEquals(List.of(1), acks);
        tracker.committed(second);
        assertEquals(List.of(1, 2), acks);
        assertEquals(0, tracker.outstanding());
        assertEquals(2, tracker.ackedCount());
    }

    @Test
    void outOfOrderCommitsWaitForTheOldestAndThenAckThePrefixInOrder() throws InterruptedException {
        InOrderAckTracker tracker = tracker(10);
        long[] seq = new long[5];
        for (int i = 0; i < 5; i++) {
            seq[i] = tracker.register(message(i + 1, 1));
        }
        tracker.committed(seq[3]);
        tracker.committed(seq[1]);
        tracker.committed(seq[2]);
        assertEquals(List.of(), acks, "message 1 is not stored yet, so nothing may be acked");
        tracker.committed(seq[0]);
        assertEquals(List.of(1, 2, 3, 4), acks);
        assertEquals(1, tracker.outstanding());
        tracker.committed(seq[4]);
        assertEquals(List.of(1, 2, 3, 4, 5), acks);
    }

    @Test
    void sequencesStartWhereTheTaskSaysAndUnknownOrRepeatedCommitsAreIgnored() throws InterruptedException {
        InOrderAckTracker tracker = new InOrderAckTracker(4, 1000, m -> acks.add(m.messageId()));
        long seq = tracker.register(message(7, 2));
        assertEquals(1000, seq);
        tracker.committed(999);
        tracker.committed(5000);
        assertEquals(List.of(), acks);
        tracker.committed(seq);
        tracker.committed(seq);
        assertEquals(List.of(7), acks);
    }

    @Test
    void qos0MessagesDropOffWithoutAnAckButKeepTheirPlace() throws InterruptedException {
        InOrderAckTracker tracker = tracker(10);
        long a = tracker.register(message(1, 1));
        long b = tracker.register(message(0, 0));
        long c = tracker.register(message(3, 2));
        tracker.committed(c);
        tracker.committed(a);
        assertEquals(List.of(1), acks);
        assertEquals(2, tracker.outstanding());
        tracker.committed(b);
        assertEquals(List.of(1, 3), acks);
        assertEquals(0, tracker.outstanding());
        assertEquals(2, tracker.ackedCount());
    }

    @Test
    void registerBlocksAtCapacityUntilTheOldestIsStored() throws Exception {
        InOrderAckTracker tracker = tracker(2);
        long a = tracker.register(message(1, 1));
        long b = tracker.register(message(2, 1));
        CompletableFuture<Long> third = CompletableFuture.supplyAsync(() -> registerUnchecked(tracker, message(3, 1)));

        // A commit of the newer message frees nothing: the window is counted from the oldest unacked message.
        tracker.committed(b);
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> !third.isDone());
        assertEquals(2, tracker.outstanding());

        tracker.committed(a);
        long c = third.get(5, TimeUnit.SECONDS);
        assertEquals(b + 1, c);
        assertEquals(List.of(1, 2), acks);
        assertEquals(1, tracker.outstanding());
    }

    @Test
    void closeWakesABlockedRegisterAndLaterCommitsAckNothing() throws Exception {
        InOrderAckTracker tracker = tracker(1);
        long a = tracker.register(message(1, 1));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread blocked = new Thread(() -> {
            try {
                tracker.register(message(2, 1));
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        blocked.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> blocked.getState() == Thread.State.WAITING);
        tracker.close();
        blocked.join(5000);
        assertFalse(blocked.isAlive());
        assertInstanceOf(IllegalStateException.class, failure.get());
        tracker.committed(a);
        assertEquals(List.of(), acks, "after close nothing is acked: the broker must redeliver");
        assertThrows(IllegalStateException.class, () -> tracker.register(message(3, 1)));
    }

    @Test
    void aBlockedRegisterIsInterruptible() throws Exception {
        InOrderAckTracker tracker = tracker(1);
        tracker.register(message(1, 1));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread blocked = new Thread(() -> {
            try {
                tracker.register(message(2, 1));
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        blocked.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> blocked.getState() == Thread.State.WAITING);
        blocked.interrupt();
        blocked.join(5000);
        assertInstanceOf(InterruptedException.class, failure.get());
        assertEquals(1, tracker.outstanding());
    }

    @Test
    void concurrentCommitsInRandomOrderAckEveryMessageExactlyOnceInOrder() throws Exception {
        int n = 20_000;
        InOrderAckTracker tracker = tracker(n);
        List<Long> sequences = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            sequences.add(tracker.register(message(i, 1 + i % 2)));
        }
        Collections.shuffle(sequences, new Random(42));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                List<Long> slice = sequences.subList(t * n / 8, (t + 1) * n / 8);
                futures.add(pool.submit(() -> {
                    start.await();
                    slice.forEach(tracker::committed);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(IntStream.rangeClosed(1, n).boxed().toList(), acks);
        assertEquals(0, tracker.outstanding());
    }

    @Test
    void producerBlockedByASmallWindowMakesProgressAsCommitsArriveOutOfOrder() throws Exception {
        int n = 5_000;
        int capacity = 16;
        InOrderAckTracker tracker = tracker(capacity);
        LinkedBlockingQueue<Long> registered = new LinkedBlockingQueue<>();
        Thread producer = new Thread(() -> {
            try {
                for (int i = 1; i <= n; i++) {
                    registered.put(tracker.register(message(i, 1)));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        producer.start();
        ExecutorService committers = Executors.newFixedThreadPool(4);
        try {
            Random random = new Random(7);
            int received = 0;
            List<Long> window = new ArrayList<>();
            while (received < n) {
                Long seq = registered.poll(10, TimeUnit.SECONDS);
                assertTrue(seq != null, "producer stalled after " + received + " messages");
                received++;
                window.add(seq);
                assertTrue(tracker.outstanding() <= capacity);
                if (window.size() == 8 || received == n) {
                    Collections.shuffle(window, random);
                    List<Long> batch = List.copyOf(window);
                    window.clear();
                    batch.forEach(s -> committers.execute(() -> tracker.committed(s)));
                }
            }
        } finally {
            committers.shutdown();
            assertTrue(committers.awaitTermination(30, TimeUnit.SECONDS));
            producer.join(10_000);
        }
        assertEquals(IntStream.rangeClosed(1, n).boxed().toList(), acks);
        assertEquals(0, tracker.outstanding());
    }

    private static long registerUnchecked(InOrderAckTracker tracker, InboundMessage message) {
        try {
            return tracker.register(message);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
