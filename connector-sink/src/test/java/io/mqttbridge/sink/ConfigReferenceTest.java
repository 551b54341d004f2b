package io.mqttbridge.sink;

import io.mqttbridge.core.config.ConfigReference;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The committed reference {@code docs/config-mqtt-sink.md} is what the ConfigDef renders to. Regenerate it with
 * {@code mvn -pl connector-sink test -Dtest=ConfigReferenceTest -Dconfig.reference.update=true}.
 */
class ConfigReferenceTest {
    private static final Path FILE = Path.of("..", "docs", "config-mqtt-sink.md");

    @Test
    void theCommittedReferenceMatchesTheConfigDef() throws IOException {
        String rendered = ConfigReference.markdown("MQTT sink connector configuration",
            "Keys of `io.mqttbridge.sink.MqttSinkConnector`, as `PUT /connector-plugins/MqttSinkConnector/config/validate`"
                + " reports them. Connect's own keys (`name`, `connector.class`, `tasks.max`, converters, `errors.*`"
                + ", transforms) apply as usual.",
            MqttSinkConfig.CONFIG_DEF);
        if (Boolean.getBoolean("config.reference.update")) {
            Files.writeString(FILE, rendered);
        }
        assertEquals(rendered, Files.exists(FILE) ? Files.readString(FILE) : "", FILE + " is out of date: regenerate it"
            + " with mvn -pl connector-sink test -Dtest=ConfigReferenceTest -Dconfig.reference.update=true");
    }
}
