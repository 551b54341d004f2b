package io.mqttbridge.testkit.connect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.apache.kafka.connect.util.clusters.WorkerHandle;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Kafka's {@link EmbeddedConnectCluster} (KRaft, one broker, one worker) with REST helpers that talk JSON over HTTP
 * the way a user does.
 *
 * <p>Worker defaults: {@code offset.flush.interval.ms=1000}, {@code ByteArrayConverter} for keys and values and
 * {@code plugin.discovery=service_load}: connectors are found on the test class path through their
 * {@code META-INF/services/org.apache.kafka.connect.source.SourceConnector} (or {@code .sink.SinkConnector})
 * manifests, which is seconds faster and hundreds of MiB lighter than a reflective scan of the whole class path.
 * A test connector without a manifest stays invisible: add one under {@code src/test/resources} or pass
 * {@code plugin.discovery=hybrid_warn}. Every default can be overridden through {@code extraWorkerProps}.
 */
public final class ConnectCluster implements AutoCloseable {

  /** Worker properties applied unless {@code extraWorkerProps} overrides them. */
  public static final Map<String, String> DEFAULT_WORKER_PROPS = Map.of(
      "offset.flush.interval.ms", "1000",
      "key.converter", "org.apache.kafka.connect.converters.ByteArrayConverter",
      "value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter",
      "plugin.discovery", "service_load",
      // a restarted worker rejoins faster
      "scheduled.rebalance.max.delay.ms", "1000");

  private static final Duration WORKER_START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private final EmbeddedConnectCluster cluster;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final ObjectMapper json = new ObjectMapper();

  private ConnectCluster(EmbeddedConnectCluster cluster) {
    this.cluster = cluster;
  }

  /** One broker, one worker, the default worker properties. */
  public static ConnectCluster start() {
    return start(Map.of());
  }

  /** One broker, one worker, the default worker properties overridden/extended by {@code extraWorkerProps}. */
  public static ConnectCluster start(Map<String, String> extraWorkerProps) {
    return start(extraWorkerProps, new Properties());
  }

  /**
   * Like {@link #start(Map)} with extra broker properties (e.g. {@code transaction.state.log.replication.factor=1}
   * and {@code transaction.state.log.min.isr=1}, which exactly-once source support needs).
   */
  public static ConnectCluster start(Map<String, String> extraWorkerProps, Properties brokerProps) {
    Map<String, String> workerProps = new HashMap<>(DEFAULT_WORKER_PROPS);
    workerProps.putAll(extraWorkerProps);
    Properties broker = new Properties();
    broker.put("transaction.state.log.replication.factor", "1");
    broker.put("transaction.state.log.min.isr", "1");
    broker.putAll(brokerProps);
    EmbeddedConnectCluster cluster = new EmbeddedConnectCluster.Builder()
        .name("connect-" + UUID.randomUUID().toString().substring(0, 8))
        .numWorkers(1)
        .numBrokers(1)
        .workerProps(workerProps)
        .brokerProps(broker)
        .maskExitProcedures(true)
        .build();
    ConnectCluster connect = new ConnectCluster(cluster);
    try {
      cluster.start();
      connect.awaitWorkerUp();
    } catch (RuntimeException e) {
      connect.close();
      throw e;
    }
    return connect;
  }

  /** The Kafka cluster's bootstrap servers. */
  public String bootstrapServers() {
    return cluster.kafka().bootstrapServers();
  }

  /** The underlying Kafka test cluster, for what these helpers do not cover. */
  public EmbeddedConnectCluster embedded() {
    return cluster;
  }

  /** Base REST URL of the (current) worker, e.g. {@code http://localhost:PORT/}. */
  public URI restUrl() {
    return worker().url();
  }

  /** Creates a topic with replication factor 1. */
  public void createTopic(String topic, int partitions) {
    cluster.kafka().createTopic(topic, partitions);
  }

  /** {@code PUT /connectors/NAME/config} with the config as JSON; creates or updates the connector. */
  public void putConnector(String name, Map<String, String> config) {
    send("PUT", "connectors/" + encode(name) + "/config", config, 200, 201);
  }

  /**
   * {@code PUT /connector-plugins/CLASS/config/validate}: the parsed JSON answer ({@code error_count}, {@code configs}
   * with each key's {@code value.errors}).
   */
  public Map<String, Object> validate(String connectorClass, Map<String, String> config) {
    Map<String, String> body = new LinkedHashMap<>(config);
    body.putIfAbsent("connector.class", connectorClass);
    return parse(send("PUT", "connector-plugins/" + encode(connectorClass) + "/config/validate", body, 200));
  }

  /** {@code DELETE /connectors/NAME}; returns once the worker no longer lists the connector. */
  public void deleteConnector(String name) {
    send("DELETE", "connectors/" + encode(name), null, 200, 204);
    Awaitility.await("connector " + name + " deleted").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100)).ignoreExceptions()
        .until(() -> request("GET", "connectors/" + encode(name), null).statusCode() == 404);
  }

  /** {@code GET /connectors/NAME/status}, parsed; empty map when the connector does not exist. */
  public Map<String, Object> status(String name) {
    HttpResponse<String> response = request("GET", "connectors/" + encode(name) + "/status", null);
    return response.statusCode() == 200 ? parse(response.body()) : Map.of();
  }

  /** Waits until the connector and {@code tasks} tasks are RUNNING; fails with the last status otherwise. */
  public void awaitRunning(String name, int tasks, Duration timeout) {
    AtomicReference<Map<String, Object>> last = new AtomicReference<>(Map.of());
    try {
      Awaitility.await("connector " + name + " and " + tasks + " tasks RUNNING")
          .atMost(timeout).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
          .until(() -> {
            Map<String, Object> status = status(name);
            last.set(status);
            if (!"RUNNING".equals(state(status.get("connector")))) {
              return false;
            }
            List<?> taskStates = (List<?>) status.getOrDefault("tasks", List.of());
            return taskStates.size() == tasks && taskStates.stream().allMatch(t -> "RUNNING".equals(state(t)));
          });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("Connector " + name + " did not reach RUNNING with " + tasks + " tasks within "
          + timeout + "; last status: " + last.get(), e);
    }
  }

  /** Waits until task {@code task} of the connector is FAILED and returns its trace. */
  public String awaitTaskFailed(String name, int task, Duration timeout) {
    AtomicReference<Map<String, Object>> last = new AtomicReference<>(Map.of());
    AtomicReference<String> trace = new AtomicReference<>();
    try {
      Awaitility.await("task " + name + "-" + task + " FAILED")
          .atMost(timeout).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
          .until(() -> {
            Map<String, Object> status = status(name);
            last.set(status);
            for (Object t : (List<?>) status.getOrDefault("tasks", List.of())) {
              Map<?, ?> taskStatus = (Map<?, ?>) t;
              if (((Number) taskStatus.get("id")).intValue() == task && "FAILED".equals(taskStatus.get("state"))) {
                Object text = taskStatus.get("trace");
                trace.set(text == null ? "" : text.toString());
                return true;
              }
            }
            return false;
          });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("Task " + task + " of " + name + " did not fail within " + timeout
          + "; last status: " + last.get(), e);
    }
    return trace.get();
  }

  /** {@code POST /connectors/NAME/restart?includeTasks=true}. */
  public void restartConnector(String name) {
    send("POST", "connectors/" + encode(name) + "/restart?includeTasks=true", null, 200, 202, 204);
  }

  /** Stops the worker and starts a new one (same Kafka, same group); returns once its REST API answers. */
  public void restartWorker() {
    cluster.removeWorker();
    cluster.addWorker();
    awaitWorkerUp();
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

  /** Stops the worker and Kafka; never throws. */
  @Override
  public void close() {
    try {
      cluster.stop();
    } catch (RuntimeException e) {
      // best effort: a failing shutdown must not hide the test's result
    }
  }

  private KafkaConsumer<byte[], byte[]> consumerFromBeginning(String topic) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
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

  private WorkerHandle worker() {
    return cluster.workers().stream().findFirst()
        .orElseThrow(() -> new IllegalStateException("The Connect cluster has no worker"));
  }

  private void awaitWorkerUp() {
    Awaitility.await("Connect worker REST API up").atMost(WORKER_START_TIMEOUT)
        .pollInterval(Duration.ofMillis(200)).ignoreExceptions()
        .until(() -> request("GET", "connectors", null).statusCode() == 200);
  }

  private String send(String method, String path, Object body, int... expected) {
    HttpResponse<String> response = request(method, path, body);
    for (int code : expected) {
      if (response.statusCode() == code) {
        return response.body();
      }
    }
    throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": "
        + response.body());
  }

  private HttpResponse<String> request(String method, String path, Object body) {
    try {
      HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
          : HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body));
      HttpRequest request = HttpRequest.newBuilder(restUrl().resolve(path))
          .timeout(REQUEST_TIMEOUT)
          .header("Content-Type", "application/json")
          .header("Accept", "application/json")
          .method(method, publisher)
          .build();
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted during " + method + " " + path, e);
    }
  }

  private Map<String, Object> parse(String body) {
    try {
      return json.readValue(body, new TypeReference<Map<String, Object>>() { });
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Not a JSON object from the Connect REST API: " + body, e);
    }
  }

  private static Object state(Object status) {
    return status instanceof Map<?, ?> map ? map.get("state") : null;
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
