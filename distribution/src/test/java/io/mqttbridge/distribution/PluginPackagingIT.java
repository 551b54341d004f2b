package io.mqttbridge.distribution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mqttbridge.testkit.connect.WorkerProcess;
import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plugin zip as an operator uses it: unpacked into a directory on {@code plugin.path} of a real Connect worker
 * in its own JVM, whose class path holds Kafka's jars only, discovering plugins by their service manifests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PluginPackagingIT {
    private static final List<String> CONNECTORS = List.of("io.mqttbridge.source.MqttSourceConnector",
        "io.mqttbridge.sink.MqttSinkConnector", "io.mqttbridge.aws.ShadowSinkConnector",
        "io.mqttbridge.aws.ShadowSourceConnector", "io.mqttbridge.azure.TwinSinkConnector",
        "io.mqttbridge.azure.TwinSourceConnector");

    /** Under target/, so the worker's log stays for a look after a failure. */
    private Path dir;
    private EmbeddedKafkaCluster kafka;
    private WorkerProcess worker;
    private URI rest;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    void startKafkaAndWorker() throws Exception {
        dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "packaging-it-");
        Path pluginPath = dir.resolve("plugins");
        Path pluginDir = WorkerProcess.unpackPlugin(Path.of(System.getProperty("plugin.zip")), pluginPath);
        assertTrue(Files.isDirectory(pluginDir.resolve("lib")), "the zip holds one plugin directory with lib/");
        String classpath = Files.readString(Path.of(System.getProperty("worker.classpath.file"))).trim();
        assertFalse(classpath.contains("mqttbridge") || classpath.contains("paho"),
            "the worker's own class path must not hold the plugin: " + classpath);

        kafka = new EmbeddedKafkaCluster(1, new Properties());
        kafka.start();
        worker = WorkerProcess.start(dir.resolve("worker"), classpath, pluginPath, kafka.bootstrapServers(),
            Map.of(), List.of());
        rest = worker.restUrl();
    }

    @AfterAll
    void stop() {
        if (worker != null) {
            worker.close();
        }
        if (kafka != null) {
            kafka.stop();
        }
    }

    @Test
    void theZipHoldsNoKafkaJarsAndAComponentManifest() throws IOException {
        Set<String> jars = new TreeSet<>();
        boolean manifest = false;
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(Path.of(System.getProperty("plugin.zip"))))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                String name = e.getName();
                if (name.endsWith(".jar")) {
                    jars.add(name.substring(name.lastIndexOf('/') + 1));
                }
                if (name.endsWith("/manifest.json")) {
                    JsonNode m = json.readTree(zip.readAllBytes());
                    manifest = true;
                    assertEquals("mqtt-cloud-bridge", m.get("name").asText());
                    assertFalse(m.get("version").asText().contains("${"), "the version is filled in");
                    List<String> classes = new ArrayList<>();
                    m.get("connector_classes").forEach(c -> classes.add(c.asText()));
                    assertEquals(CONNECTORS, classes);
                    assertEquals("Apache License, Version 2.0", m.get("license").get(0).get("name").asText());
                }
            }
        }
        assertTrue(manifest, "manifest.json is in the zip");
        assertTrue(jars.stream().anyMatch(j -> j.startsWith("connector-source-")), jars.toString());
        assertTrue(jars.stream().anyMatch(j -> j.startsWith("connector-sink-")), jars.toString());
        assertTrue(jars.stream().anyMatch(j -> j.startsWith("org.eclipse.paho.mqttv5.client-")), jars.toString());
        assertTrue(jars.stream().noneMatch(j -> j.startsWith("kafka-") || j.startsWith("connect-api")
            || j.startsWith("slf4j-")), "the worker provides Kafka and slf4j: " + jars);
    }

    @Test
    void aWorkerListsEveryConnectorAndValidatesTheirConfigs() throws Exception {
        JsonNode plugins = awaitPlugins();
        Set<String> classes = new TreeSet<>();
        plugins.forEach(p -> classes.add(p.get("class").asText()));
        assertTrue(classes.containsAll(CONNECTORS), "GET /connector-plugins: " + classes);
        for (JsonNode p : plugins) {
            if (CONNECTORS.contains(p.get("class").asText())) {
                assertFalse(p.get("version").asText().isBlank(), "a version for " + p);
            }
        }

        JsonNode source = validate("MqttSourceConnector", "{\"connector.class\":\"io.mqttbridge.source."
            + "MqttSourceConnector\",\"name\":\"s\",\"mqtt.server.uris\":\"tcp://127.0.0.1:1883\",\"mqtt.topics\":"
            + "\"a/#\",\"mqtt.qos\":\"5\"}");
        assertEquals(1, source.get("error_count").asInt(), source.toPrettyString());
        assertTrue(keys(source).containsAll(List.of("mqtt.topics", "kafka.topic", "mqtt.ssl.truststore.location",
            "mqtt.persistence.dir")), keys(source).toString());
        assertTrue(errors(source, "mqtt.qos").contains("Value must be no more than 2"), source.toPrettyString());

        JsonNode sink = validate("MqttSinkConnector", "{\"connector.class\":\"io.mqttbridge.sink.MqttSinkConnector\","
            + "\"name\":\"k\",\"topics\":\"t\",\"mqtt.server.uris\":\"tcp://127.0.0.1:1883\",\"mqtt.topic\":"
            + "\"d/${nope}\"}");
        assertEquals(1, sink.get("error_count").asInt(), sink.toPrettyString());
        assertTrue(keys(sink).containsAll(List.of("mqtt.topic", "payload.format", "tombstone.behavior",
            "mqtt.retry.timeout.ms")), keys(sink).toString());
        assertTrue(errors(sink, "mqtt.topic").contains("${nope} is not a known variable"), sink.toPrettyString());
    }

    private JsonNode awaitPlugins() {
        return Awaitility.await("the plugins listed at " + rest).atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
            .until(() -> {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(rest.resolve("connector-plugins"))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
                return r.statusCode() == 200 ? json.readTree(r.body()) : null;
            }, n -> n != null);
    }

    private JsonNode validate(String connector, String config) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                rest.resolve("connector-plugins/" + connector + "/config/validate"))
            .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(config)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return json.readTree(r.body());
    }

    private static List<String> keys(JsonNode validation) {
        List<String> keys = new ArrayList<>();
        validation.get("configs").forEach(c -> keys.add(c.get("definition").get("name").asText()));
        return keys;
    }

    private static String errors(JsonNode validation, String key) {
        for (JsonNode c : validation.get("configs")) {
            if (key.equals(c.get("value").get("name").asText())) {
                return c.get("value").get("errors").toString();
            }
        }
        return "(no key " + key + ")";
    }
}
