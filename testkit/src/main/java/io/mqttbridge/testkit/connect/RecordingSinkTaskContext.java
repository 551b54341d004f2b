package io.mqttbridge.testkit.connect;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;

/**
 * A {@link SinkTaskContext} that records what a sink task asks of Connect (pauses, poll timeouts, records reported
 * as errant), for unit tests of a task's logic; its fields are public so tests read and set them directly.
 * Integration tests use the real worker instead.
 */
public final class RecordingSinkTaskContext implements SinkTaskContext {
  /** A record handed to the errant record reporter, with its error. */
  public record Reported(SinkRecord record, Throwable error) {
  }

  public final Set<TopicPartition> assignment = new HashSet<>();
  public final Set<TopicPartition> paused = new HashSet<>();
  public final List<Reported> reported = new CopyOnWriteArrayList<>();
  /** The last poll timeout the task asked for, or -1. */
  public volatile long timeout = -1;
  /** False makes {@link #errantRecordReporter()} return null, as a worker without a reporter does. */
  public volatile boolean withReporter = true;

  @Override
  public Map<String, String> configs() {
    return Map.of();
  }

  @Override
  public void offset(Map<TopicPartition, Long> offsets) {
  }

  @Override
  public void offset(TopicPartition tp, long offset) {
  }

  @Override
  public void timeout(long timeoutMs) {
    timeout = timeoutMs;
  }

  @Override
  public Set<TopicPartition> assignment() {
    return assignment;
  }

  @Override
  public void pause(TopicPartition... partitions) {
    paused.addAll(List.of(partitions));
  }

  @Override
  public void resume(TopicPartition... partitions) {
    List.of(partitions).forEach(paused::remove);
  }

  @Override
  public void requestCommit() {
  }

  @Override
  public ErrantRecordReporter errantRecordReporter() {
    if (!withReporter) {
      return null;
    }
    return (record, error) -> {
      reported.add(new Reported(record, error));
      return CompletableFuture.completedFuture(null);
    };
  }

  /** No plugin metrics: the task's counters count without being registered. */
  @Override
  public PluginMetrics pluginMetrics() {
    return null;
  }
}
