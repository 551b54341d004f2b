package io.mqttbridge.testkit.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ConnectClusterIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static ConnectCluster connect;

  @BeforeAll
  static void startCluster() {
    connect = ConnectCluster.start();
  }

  @AfterAll
  static void stopCluster() {
    if (connect != null) {
      connect.close();
    }
  }

  @Test
  void connectorRunsProducesAndResumesAfterWorkerRestart() {
    connect.createTopic("counted", 1);
    connect.putConnector("counter", Map.of(
        "connector.class", CountingSourceConnector.class.getName(),
        "tasks.max", "1",
        "topic", "counted",
        "count", "50"));
    connect.awaitRunning("counter", 1, TIMEOUT);
    assertEquals(Set.of(sequence(50)), Set.of(seqs(connect.consume("counted", 50, TIMEOUT))));

    // raise the count, then restart the worker: the task resumes from its committed offset
    connect.putConnector("counter", Map.of(
        "connector.class", CountingSourceConnector.class.getName(),
        "tasks.max", "1",
        "topic", "counted",
        "count", "80"));
    connect.restartWorker();
    connect.awaitRunning("counter", 1, TIMEOUT);
    List<ConsumerRecord<byte[], byte[]>> all =
        connect.consumeUntilQuiet("counted", Duration.ofSeconds(3), TIMEOUT);
    assertEquals(sequence(80), seqs(all), "every sequence number 0..79 present");

    connect.restartConnector("counter");
    connect.awaitRunning("counter", 1, TIMEOUT);
    connect.deleteConnector("counter");
    org.awaitility.Awaitility.await().atMost(TIMEOUT).until(() -> connect.status("counter").isEmpty());
  }

  @Test
  void failedTaskTraceAndValidation() {
    connect.createTopic("failing", 1);
    connect.putConnector("failing", Map.of(
        "connector.class", CountingSourceConnector.class.getName(),
        "tasks.max", "1",
        "topic", "failing",
        "fail.at", "3"));
    String trace = connect.awaitTaskFailed("failing", 0, TIMEOUT);
    assertTrue(trace.contains("failing on purpose at seq 3"), trace);
    connect.deleteConnector("failing");

    Map<String, Object> result = connect.validate(CountingSourceConnector.class.getName(),
        Map.of("name", "v", "topic", "x", "count", "-5"));
    assertEquals(1, ((Number) result.get("error_count")).intValue(), "one error expected, for count");
    assertTrue(result.toString().contains("Invalid value -5 for configuration count"));
  }

  private static TreeSet<Integer> seqs(List<ConsumerRecord<byte[], byte[]>> records) {
    TreeSet<Integer> seqs = new TreeSet<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      String value = new String(r.value(), StandardCharsets.UTF_8);
      seqs.add(Integer.parseInt(value.replaceAll("\\D", "")));
    }
    return seqs;
  }

  private static TreeSet<Integer> sequence(int count) {
    TreeSet<Integer> all = new TreeSet<>();
    for (int i = 0; i < count; i++) {
      all.add(i);
    }
    return all;
  }
}
