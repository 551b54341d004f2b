package io.mqttbridge.distribution;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mqttbridge.core.ssl.SslSettings;
import io.mqttbridge.core.transport.MqttConnectionSettings;
import io.mqttbridge.core.transport.MqttProperties;
import io.mqttbridge.core.transport.MqttTransport;
import io.mqttbridge.core.transport.MqttTransportListener;
import io.mqttbridge.core.transport.MqttTransports;
import io.mqttbridge.core.transport.MqttVersion;
import io.mqttbridge.core.transport.InboundMessage;
import io.mqttbridge.core.transport.OutboundMessage;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Connector;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The files under {@code config/} as a user takes them: the TLS script makes material that the Mosquitto config
 * serves and the connectors accept, and every connector JSON validates with no error. So none of them can rot
 * unnoticed. ({@code docker-compose.yml} mounts build products of the demo module as well, so the demo's
 * {@code DockerComposeIT} checks it.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConfigFilesIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final String CONTAINER_TLS = "/etc/mqtt-cloud-bridge/tls/";
    private Path tls;

    @BeforeAll
    void makeTlsMaterial() throws Exception {
        tls = Files.createDirectories(Path.of("target", "config-files-it")).toAbsolutePath().resolve("tls");
        Process p = new ProcessBuilder(ROOT.resolve("config/make-tls.sh").toString(), tls.toString())
            .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "make-tls.sh failed: " + output);
        for (String file : List.of("ca-cert.pem", "server-cert.pem", "server-key.pem", "client-cert.pem",
            "client-key.pem", "client-keystore.pem")) {
            assertTrue(Files.isReadable(tls.resolve(file)), file + " made by make-tls.sh");
        }
    }

    /**
     * Connectors from elsewhere that {@code config/} holds files for, with the test that runs each; their classes are
     * not on this module's class path.
     */
    private static final Map<String, String> FOREIGN_CONNECTORS = Map.of(
        "io.debezium.connector.jdbc.JdbcSinkConnector", "demo: QuickStartIT");

    @Test
    void everyConnectorConfigValidatesWithoutErrors() throws Exception {
        List<Path> configs;
        try (Stream<Path> files = Files.list(ROOT.resolve("config"))) {
            configs = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
        assertFalse(configs.isEmpty());
        for (Path file : configs) {
            Map<String, String> props = new ObjectMapper().readValue(file.toFile(),
                new TypeReference<Map<String, String>>() { });
            props.replaceAll((k, v) -> v.replace(CONTAINER_TLS, tls.toString() + "/"));
            assertTrue(props.containsKey("name"), file.getFileName() + " names its connector");
            if (FOREIGN_CONNECTORS.containsKey(props.get("connector.class"))) {
                continue;
            }
            assertTrue(props.get("connector.class").startsWith("io.mqttbridge."), file.getFileName()
                + ": a connector of this project, or one listed in FOREIGN_CONNECTORS with the test that runs it");
            Connector connector = (Connector) Class.forName(props.get("connector.class")).getDeclaredConstructor()
                .newInstance();
            List<String> errors = new ArrayList<>();
            for (ConfigValue value : connector.validate(props).configValues()) {
                value.errorMessages().forEach(m -> errors.add(value.name() + ": " + m));
            }
            assertEquals(List.of(), errors, file.getFileName() + " does not validate");
        }
    }

    @Test
    void theMosquittoConfigServesMutualTlsWithTheScriptsMaterial() throws Exception {
        Path mosquitto = Stream.of(System.getenv("MOSQUITTO_BIN"), "/usr/sbin/mosquitto", "/usr/bin/mosquitto")
            .filter(b -> b != null && Files.isExecutable(Path.of(b))).map(Path::of).findFirst().orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(mosquitto != null, "no Mosquitto binary on this machine");
        Path dir = Files.createDirectories(tls.getParent().resolve("mosquitto"));
        int plain = freePort();
        int secure = freePort();
        String conf = Files.readString(ROOT.resolve("config/mosquitto.conf"))
            .replace("/mosquitto/data/", dir.resolve("data") + "/")
            .replace("/mosquitto/tls/", tls + "/")
            .replace("listener 1883", "listener " + plain + " 127.0.0.1")
            .replace("listener 8883", "listener " + secure + " 127.0.0.1")
            + "\nuser root\n";
        Files.createDirectories(dir.resolve("data"));
        Path confFile = Files.writeString(dir.resolve("mosquitto.conf"), conf);
        Process broker = new ProcessBuilder(mosquitto.toString(), "-c", confFile.toString())
            .redirectErrorStream(true).redirectOutput(dir.resolve("mosquitto.log").toFile()).start();
        try (MqttTransport client = MqttTransports.create(new MqttConnectionSettings(MqttVersion.V5,
                List.of("ssl://localhost:" + secure), "config-files-it", null, null,
                new SslSettings(tls.resolve("ca-cert.pem").toString(), "PEM", null,
                    tls.resolve("client-keystore.pem").toString(), "PEM", null,
                    null, "TLSv1.3", List.of("TLSv1.2", "TLSv1.3"), "https"),
                Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofMillis(200), Duration.ofSeconds(1),
                Duration.ZERO, 10, null, true), new Ignore())) {
            Awaitility.await("mosquitto with config/mosquitto.conf accepts mutual TLS").atMost(Duration.ofSeconds(30))
                .ignoreExceptions().until(() -> {
                    client.connect();
                    return true;
                });
            client.publish(new OutboundMessage("config/check", new byte[] {1}, 1, false, MqttProperties.EMPTY))
                .get(10, TimeUnit.SECONDS);
        } finally {
            broker.destroy();
            broker.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static final class Ignore implements MqttTransportListener {
        @Override
        public void messageArrived(InboundMessage message) {
        }

        @Override
        public void connectionLost(Throwable cause) {
        }

        @Override
        public void reconnected(boolean sessionPresent) {
        }
    }
}
