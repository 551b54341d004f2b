package io.mqttbridge.aws;

import io.mqttbridge.core.config.ConfigReference;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The committed references under {@code docs/} are what the ConfigDefs render to. Regenerate them with
 * {@code mvn -pl cloud-adapters/aws-iot-shadow test -Dtest=ConfigReferenceTest -Dconfig.reference.update=true}.
 */
class ConfigReferenceTest {
    private static final String INTRO = "Keys of `%s`, as `PUT /connector-plugins/%s/config/validate` reports them. "
        + "Connect's own keys (`name`, `connector.class`, `tasks.max`, converters, `errors.*`, transforms) apply as"
        + " usual.";

    @Test
    void theShadowSinkReferenceMatchesItsConfigDef() throws IOException {
        check("config-aws-shadow-sink.md", "AWS IoT shadow sink connector configuration", ShadowSinkConnector.class,
            ShadowSinkConfig.CONFIG_DEF);
    }

    @Test
    void theShadowSourceReferenceMatchesItsConfigDef() throws IOException {
        check("config-aws-shadow-source.md", "AWS IoT shadow source connector configuration",
            ShadowSourceConnector.class, ShadowSourceConfig.CONFIG_DEF);
    }

    private static void check(String file, String title, Class<?> connector, ConfigDef def) throws IOException {
        Path path = Path.of("..", "..", "docs", file);
        String rendered = ConfigReference.markdown(title, String.format(INTRO, connector.getName(),
            connector.getSimpleName()), def);
        if (Boolean.getBoolean("config.reference.update")) {
            Files.writeString(path, rendered);
        }
        assertEquals(rendered, Files.exists(path) ? Files.readString(path) : "", path + " is out of date: regenerate"
            + " it with mvn -pl cloud-adapters/aws-iot-shadow test -Dtest=ConfigReferenceTest"
            + " -Dconfig.reference.update=true");
    }
}
