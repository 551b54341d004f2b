package io.mqttbridge.bench;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The receiving end of the source runs: a plain Kafka consumer on its own thread that reads a topic from the
 * beginning (every partition, assigned, no group) and hands every record value to {@link Arrivals}.
 */
public final class KafkaCounter implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile RuntimeException failure;

    private KafkaCounter(String bootstrapServers, String topic, Arrivals arrivals) {
        consumer = new KafkaConsumer<>(Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000"),
            new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        if (partitions == null || partitions.isEmpty()) {
            consumer.close();
            throw new IllegalStateException("Kafka topic " + topic + " does not exist: create it first");
        }
        List<TopicPartition> assigned = partitions.stream()
            .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(assigned);
        consumer.seekToBeginning(assigned);
        thread = new Thread(() -> {
            try {
                while (running) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        arrivals.record(r.value() == null ? new byte[0] : r.value());
                    }
                }
            } catch (RuntimeException e) {
                if (running) {
                    failure = e;
                }
            } finally {
                consumer.close();
            }
        }, "bench-kafka-counter-" + topic);
        thread.setDaemon(true);
    }

    /** Starts counting the records of {@code topic}, which must exist. */
    public static KafkaCounter start(String bootstrapServers, String topic, Arrivals arrivals) {
        KafkaCounter counter = new KafkaCounter(bootstrapServers, topic, arrivals);
        counter.thread.start();
        return counter;
    }

    /** Throws what ended the poll loop, if anything did. */
    public void checkHealthy() {
        RuntimeException e = failure;
        if (e != null) {
            throw new IllegalStateException("The Kafka counter failed: " + e, e);
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
