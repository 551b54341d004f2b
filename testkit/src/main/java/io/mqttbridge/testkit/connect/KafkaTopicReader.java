package io.mqttbridge.testkit.connect;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;

/** Reads whole topics from the beginning (every partition, committed data only), for assertions. */
public final class KafkaTopicReader {

  private final Supplier<String> bootstrapServers;

  /** A reader of the Kafka cluster at {@code bootstrapServers}. */
  public KafkaTopicReader(Supplier<String> bootstrapServers) {
    this.bootstrapServers = bootstrapServers;
  }

  /** Reads {@code topic} from the beginning until at least {@code atLeast} records arrived; fails on timeout. */
  public List<ConsumerRecord<byte[], byte[]>> consume(String topic, int atLeast, Duration timeout) {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = consumerFromBeginning(topic)) {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (records.size() < atLeast && System.nanoTime() < deadline) {
        ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(200));
        batch.forEach(records::add);
      }
    }
    if (records.size() < atLeast) {
      throw new AssertionError("Expected at least " + atLeast + " records in " + topic + " within " + timeout
          + ", got " + records.size());
    }
    return records;
  }

  /** Reads {@code topic} from the beginning until no record arrived for {@code quiet} (or {@code max} passed). */
  public List<ConsumerRecord<byte[], byte[]>> consumeUntilQuiet(String topic, Duration quiet, Duration max) {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = consumerFromBeginning(topic)) {
      long deadline = System.nanoTime() + max.toNanos();
      long lastArrival = System.nanoTime();
      while (System.nanoTime() < deadline && System.nanoTime() - lastArrival < quiet.toNanos()) {
        ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(100));
        if (!batch.isEmpty()) {
          batch.forEach(records::add);
          lastArrival = System.nanoTime();
        }
      }
    }
    return records;
  }

  private KafkaConsumer<byte[], byte[]> consumerFromBeginning(String topic) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers.get());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    // assign, not subscribe: no group rebalance, all partitions from offset 0
    List<TopicPartition> partitions = new ArrayList<>();
    Awaitility.await("topic " + topic + " exists").atMost(Duration.ofSeconds(30)).ignoreExceptions()
        .until(() -> {
          List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
          if (infos == null || infos.isEmpty()) {
            return false;
          }
          infos.forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
          return true;
        });
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return consumer;
  }

}
