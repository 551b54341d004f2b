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

  private final EmbeddedConnectCluster cluster;
  private final ConnectRestClient rest = new ConnectRestClient(this::restUrl);
  private final KafkaTopicReader topics = new KafkaTopicReader(this::bootstrapServers);

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
    rest.putConnector(name, config);
  }

  /** See {@link ConnectRestClient#validate}. */
  public Map<String, Object> validate(String connectorClass, Map<String, String> config) {
    return rest.validate(connectorClass, config);
  }

  /** {@code DELETE /connectors/NAME}; returns once the worker no longer lists the connector. */
  public void deleteConnector(String name) {
    rest.deleteConnector(name);
  }

  /** {@code GET /connectors/NAME/status}, parsed; empty map when the connector does not exist. */
  public Map<String, Object> status(String name) {
    return rest.status(name);
  }

  /** Waits until the connector and {@code tasks} tasks are RUNNING; fails with the last status otherwise. */
  public void awaitRunning(String name, int tasks, Duration timeout) {
    rest.awaitRunning(name, tasks, timeout);
  }

  /** Waits until task {@code task} of the connector is FAILED and returns its trace. */
  public String awaitTaskFailed(String name, int task, Duration timeout) {
    return rest.awaitTaskFailed(name, task, timeout);
  }

  /** {@code POST /connectors/NAME/restart?includeTasks=true}. */
  public void restartConnector(String name) {
    rest.restartConnector(name);
  }

  /** The REST client of the (current) worker. */
  public ConnectRestClient rest() {
    return rest;
  }

  /** Stops the worker and starts a new one (same Kafka, same group); returns once its REST API answers. */
  public void restartWorker() {
    cluster.removeWorker();
    cluster.addWorker();
    awaitWorkerUp();
  }

  /** Reads {@code topic} from the beginning until at least {@code atLeast} records arrived; fails on timeout. */
  public List<ConsumerRecord<byte[], byte[]>> consume(String topic, int atLeast, Duration timeout) {
    return topics.consume(topic, atLeast, timeout);
  }

  /** Reads {@code topic} from the beginning until no record arrived for {@code quiet} (or {@code max} passed). */
  public List<ConsumerRecord<byte[], byte[]>> consumeUntilQuiet(String topic, Duration quiet, Duration max) {
    return topics.consumeUntilQuiet(topic, quiet, max);
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

  private WorkerHandle worker() {
    return cluster.workers().stream().findFirst()
        .orElseThrow(() -> new IllegalStateException("The Connect cluster has no worker"));
  }

  private void awaitWorkerUp() {
    rest.awaitUp(WORKER_START_TIMEOUT);
  }
}
