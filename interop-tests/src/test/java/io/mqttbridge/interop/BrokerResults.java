package io.mqttbridge.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The outcomes of one broker's suite run, written as {@code <id>.json} into the results directory so that the
 * README table can be generated from what was actually run.
 *
 * @param id a stable file name and sort key, e.g. {@code 1-mosquitto}
 * @param broker the broker and its exact version, e.g. {@code mosquitto 2.0.11}
 * @param mqttVersion the protocol the connectors spoke to it
 * @param outcomes per scenario
 */
record BrokerResults(String id, String broker, String mqttVersion, Map<Feature, Outcome> outcomes) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Writes {@code dir/<id>.json}. */
    void write(Path dir) {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", id);
        root.put("broker", broker);
        root.put("mqttVersion", mqttVersion);
        ObjectNode results = root.putObject("results");
        outcomes.forEach((feature, outcome) -> {
            ObjectNode node = results.putObject(feature.name());
            node.put("status", outcome.status().name().toLowerCase(java.util.Locale.ROOT));
            node.put("note", outcome.note());
        });
        try {
            Files.createDirectories(dir);
            JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(id + ".json").toFile(), root);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the interop results of " + broker + " to " + dir, e);
        }
    }

    /** Every {@code *.json} in {@code dir}, sorted by id; empty when the directory does not exist. */
    static List<BrokerResults> readAll(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<BrokerResults> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                all.add(read(JSON.readTree(file.toFile())));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the interop results in " + dir, e);
        }
        return all;
    }

    private static BrokerResults read(JsonNode root) {
        Map<Feature, Outcome> outcomes = new EnumMap<>(Feature.class);
        Iterator<Map.Entry<String, JsonNode>> fields = root.path("results").fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            outcomes.put(Feature.valueOf(e.getKey()), new Outcome(Outcome.Status.parse(e.getValue().path("status")
                .asText()), e.getValue().path("note").asText("")));
        }
        return new BrokerResults(root.path("id").asText(), root.path("broker").asText(),
            root.path("mqttVersion").asText(), outcomes);
    }
}
