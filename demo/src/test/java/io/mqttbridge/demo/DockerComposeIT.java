package io.mqttbridge.demo;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Connector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code docker-compose.yml} and {@code demo/Dockerfile} as far as a machine without Docker can check them: the
 * compose file parses, every service has an image or a Dockerfile that exists, every path it mounts and every file
 * the Dockerfile copies exists (after {@code package}), named volumes are declared, and the emulators' entry point
 * starts both emulators and writes connector settings that make the example cloud configs validate.
 */
class DockerComposeIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theComposeFileParsesAndUsesOnlyWhatExists() throws IOException {
        JsonNode compose = new ObjectMapper(new YAMLFactory()).readTree(ROOT.resolve("docker-compose.yml").toFile());
        JsonNode services = compose.path("services");
        Set<String> names = new HashSet<>();
        services.fieldNames().forEachRemaining(names::add);
        assertTrue(names.containsAll(List.of("kafka", "connect", "cloud-emulators", "mosquitto", "postgres")),
            "services: " + names);
        Set<String> namedVolumes = new HashSet<>();
        compose.path("volumes").fieldNames().forEachRemaining(namedVolumes::add);
        Map<String, List<String>> missing = new TreeMap<>();
        services.fields().forEachRemaining(service -> {
            JsonNode spec = service.getValue();
            String name = service.getKey();
            if (spec.has("build")) {
                Path context = ROOT.resolve(spec.path("build").path("context").asText(".")).normalize();
                Path dockerfile = context.resolve(spec.path("build").path("dockerfile").asText("Dockerfile"));
                for (String source : copySources(dockerfile, missing, name)) {
                    if (!Files.exists(context.resolve(source))) {
                        missing.computeIfAbsent(name, k -> new ArrayList<>()).add("COPY " + source);
                    }
                }
            } else {
                assertFalse(spec.path("image").asText().isBlank(), name + " has an image or a build");
            }
            for (JsonNode volume : spec.path("volumes")) {
                String source = volume.asText().split(":")[0];
                boolean exists = source.startsWith(".") ? source.equals("./config/tls")
                    // config/make-tls.sh makes it (ConfigFilesIT runs the script); check the script instead
                    ? Files.isExecutable(ROOT.resolve("config/make-tls.sh"))
                    : Files.exists(ROOT.resolve(source).normalize()) : namedVolumes.contains(source);
                if (!exists) {
                    missing.computeIfAbsent(name, k -> new ArrayList<>()).add(source);
                }
            }
        });
        assertEquals(Map.of(), missing, "what the compose file and its Dockerfile use but does not exist");
        assertTrue(Files.exists(ROOT.resolve("demo/target/connect-plugins/debezium-connector-jdbc")
            .resolve("debezium-connector-jdbc-3.4.0.Final.jar")), "the JDBC sink plugin the worker mounts");
    }

    @Test
    void theEmulatorsEntryPointWritesSettingsThatTheCloudConfigsAccept(@TempDir Path state) throws Exception {
        try (CloudEmulators emulators = CloudEmulators.start(ROOT.resolve("config"), state, 0)) {
            Properties endpoints = new Properties();
            endpoints.load(new StringReader(Files.readString(emulators.endpointsFile())));
            assertEquals(Integer.toString(emulators.aws().port()), endpoints.getProperty("aws.iot.port"));
            assertEquals(emulators.azure().gatewayHost(), endpoints.getProperty("iothub.gateway.hostname"));
            for (String file : List.of("aws.iot.ca.path", "aws.iot.certificate.path", "aws.iot.private.key.path",
                "iothub.ssl.truststore.location")) {
                assertTrue(Files.isReadable(Path.of(endpoints.getProperty(file))), file + " exists");
            }
            for (String config : List.of("aws-shadow-sink.json", "aws-shadow-source.json", "azure-twin-sink.json",
                "azure-twin-source.json")) {
                Map<String, String> props = JSON.readValue(ROOT.resolve("config").resolve(config).toFile(),
                    new TypeReference<Map<String, String>>() { });
                String prefix = props.get("connector.class").startsWith("io.mqttbridge.aws.") ? "aws." : "iothub.";
                endpoints.stringPropertyNames().stream().filter(k -> k.startsWith(prefix))
                    .forEach(k -> props.put(k, endpoints.getProperty(k)));
                Connector connector = (Connector) Class.forName(props.get("connector.class"))
                    .getDeclaredConstructor().newInstance();
                List<String> errors = new ArrayList<>();
                for (ConfigValue value : connector.validate(props).configValues()) {
                    value.errorMessages().forEach(m -> errors.add(value.name() + ": " + m));
                }
                assertEquals(List.of(), errors, config + " with the emulators' settings");
            }
        }
    }

    /** The source paths of the Dockerfile's COPY lines. */
    private static List<String> copySources(Path dockerfile, Map<String, List<String>> missing, String service) {
        List<String> sources = new ArrayList<>();
        if (!Files.isRegularFile(dockerfile)) {
            missing.computeIfAbsent(service, k -> new ArrayList<>()).add("Dockerfile " + dockerfile);
            return sources;
        }
        try {
            for (String line : Files.readAllLines(dockerfile)) {
                String[] words = line.trim().split("\\s+");
                if (words.length >= 3 && words[0].equals("COPY")) {
                    for (int i = 1; i < words.length - 1; i++) {
                        sources.add(words[i]);
                    }
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertFalse(sources.isEmpty(), dockerfile + " copies something");
        return sources;
    }
}
