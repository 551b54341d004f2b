package io.mqttbridge.source;

import io.mqttbridge.core.config.ConfigReference;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The committed reference {@code docs/config-mqtt-source.md} is what the ConfigDef renders to. Regenerate it with
 * {@code mvn -pl connector-source test -Dtest=ConfigReferenceTest -Dconfig.reference.update=true}.
 */
class ConfigReferenceTest {
    private static final Path FILE = Path.of("..", "docs", "config-mqtt-source.md");

    @Test
    void theCommittedReferenceMatchesTheConfigDef() throws IOException {
        String rendered = ConfigReference.markdown("MQTT source connector configuration",
            "Keys of `io.mqttbridge.source.MqttSourceConnector`, as `PUT /connector-plugins/MqttSourceConnector/config/validate`"
                + " reports them. Connect's own keys (`name`, `connector.class`, `tasks.max`, converters, `errors.*`"
                + ", transforms) apply as usual.",
            MqttSourceConfig.CONFIG_DEF);
        if (Boolean.getBoolean("config.reference.update")) {
            Files.writeString(FILE, rendered);
        }
        assertEquals(rendered, Files.exists(FILE) ? Files.readString(FILE) : "", FILE + " is out of date: regenerate it"
            + " with mvn -pl connector-source test -Dtest=ConfigReferenceTest -Dconfig.reference.update=true");
    }
}
