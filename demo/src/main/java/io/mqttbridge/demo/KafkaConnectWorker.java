package io.mqttbridge.demo;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.connect.cli.ConnectDistributed;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Kafka (one KRaft broker) and a distributed Connect worker in this JVM, the worker's REST API on a port of the
 * user's choice (Kafka's embedded Connect cluster always picks a random one), so that {@code curl
 * localhost:8083/connectors} works as with a real deployment and the connectors' JMX metrics are in this JVM's
 * platform MBean server. Connectors on the class path are found through their service manifests; {@code pluginPath}
 * (when it exists) holds isolated plugins such as the JDBC sink.
 */
final class KafkaConnectWorker implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final EmbeddedKafkaCluster kafka;
    private final Connect<?> connect;
    private final URI rest;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private KafkaConnectWorker(EmbeddedKafkaCluster kafka, Connect<?> connect, URI rest) {
        this.kafka = kafka;
        this.connect = connect;
        this.rest = rest;
    }

    /** Starts Kafka, then the worker with REST on {@code 127.0.0.1:restPort}; returns once the REST API answers. */
    static KafkaConnectWorker start(int restPort, Path pluginPath) {
        Properties broker = new Properties();
        broker.put("transaction.state.log.replication.factor", "1");
        broker.put("transaction.state.log.min.isr", "1");
        EmbeddedKafkaCluster kafka = new EmbeddedKafkaCluster(1, broker);
        kafka.start();
        Map<String, String> worker = new HashMap<>();
        worker.put("bootstrap.servers", kafka.bootstrapServers());
        worker.put("listeners", "http://127.0.0.1:" + restPort);
        worker.put("group.id", "mqtt-cloud-bridge-demo");
        for (String store : List.of("config", "offset", "status")) {
            worker.put(store + ".storage.topic", "mqtt-cloud-bridge-demo-" + store + "s");
            worker.put(store + ".storage.replication.factor", "1");
        }
        worker.put("offset.flush.interval.ms", "1000");
        worker.put("key.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        worker.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        // Every plugin here ships META-INF/services manifests: a class path scan would cost seconds and 100s of MiB.
        worker.put("plugin.discovery", "service_load");
        worker.put("scheduled.rebalance.max.delay.ms", "1000");
        if (pluginPath != null && Files.isDirectory(pluginPath)) {
            worker.put("plugin.path", pluginPath.toAbsolutePath().toString());
        }
        Connect<?> connect;
        // The Connect CLI exits the JVM when the worker cannot start; the demo reports the cause and stops instead.
        Exit.setExitProcedure((code, message) -> {
            throw new IllegalStateException("The Connect worker could not start (exit " + code + "): " + message);
        });
        try {
            connect = new ConnectDistributed().startConnect(worker);
        } catch (RuntimeException e) {
            kafka.stop();
            throw e;
        } finally {
            Exit.resetExitProcedure();
        }
        KafkaConnectWorker started = new KafkaConnectWorker(kafka, connect, URI.create("http://127.0.0.1:" + restPort
            + "/"));
        try {
            Awaitility.await("Connect REST API on port " + restPort).atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> started.request("GET", "connectors", null).statusCode() == 200);
        } catch (ConditionTimeoutException e) {
            started.close();
            throw e;
        }
        return started;
    }

    String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    URI restUrl() {
        return rest;
    }

    EmbeddedKafkaCluster kafka() {
        return kafka;
    }

    boolean topicExists(String topic) {
        return kafka.describeTopics(topic).get(topic).isPresent();
    }

    /** {@code PUT /connectors/NAME/config}, as {@code curl -X PUT --data @config/FILE.json} would. */
    void putConnector(String name, Map<String, String> config) {
        HttpResponse<String> response = request("PUT", "connectors/" + encode(name) + "/config", config);
        if (response.statusCode() != 200 && response.statusCode() != 201) {
            throw new IllegalStateException("PUT connector " + name + " answered " + response.statusCode() + ": "
                + response.body());
        }
    }

    /** {@code GET /connectors/NAME/status}, parsed; empty when the connector does not exist. */
    Map<String, Object> status(String name) {
        HttpResponse<String> response = request("GET", "connectors/" + encode(name) + "/status", null);
        if (response.statusCode() != 200) {
            return Map.of();
        }
        try {
            return JSON.readValue(response.body(), new TypeReference<Map<String, Object>>() { });
        } catch (IOException e) {
            throw new IllegalStateException("Not JSON from the Connect REST API: " + response.body(), e);
        }
    }

    /** Waits until the connector and all its tasks (at least one) are RUNNING; fails with the last status. */
    void awaitRunning(String name, Duration timeout) {
        AtomicReference<Map<String, Object>> last = new AtomicReference<>(Map.of());
        try {
            Awaitility.await("connector " + name + " RUNNING").atMost(timeout).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions().until(() -> {
                    Map<String, Object> status = status(name);
                    last.set(status);
                    List<?> tasks = (List<?>) status.getOrDefault("tasks", List.of());
                    return "RUNNING".equals(state(status.get("connector"))) && !tasks.isEmpty()
                        && tasks.stream().allMatch(t -> "RUNNING".equals(state(t)));
                });
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("Connector " + name + " did not reach RUNNING within " + timeout
                + "; last status: " + last.get(), e);
        }
    }

    /** Stops the worker (its connectors first), then Kafka; never throws. */
    @Override
    public void close() {
        try {
            connect.stop();
            connect.awaitStop();
        } catch (RuntimeException e) {
            // best effort: Kafka must still stop
        }
        try {
            kafka.stop();
        } catch (RuntimeException e) {
            // best effort
        }
    }

    private HttpResponse<String> request(String method, String path, Object body) {
        try {
            HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body));
            HttpRequest request = HttpRequest.newBuilder(rest.resolve(path)).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .method(method, publisher).build();
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted during " + method + " " + path, e);
        }
    }

    private static Object state(Object status) {
        return status instanceof Map<?, ?> map ? map.get("state") : null;
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
