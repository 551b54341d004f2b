package io.mqttbridge.azure;

import io.mqttbridge.core.config.ConfigReference;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The committed references {@code docs/config-azure-twin-sink.md} and {@code -source.md} are what the ConfigDefs
 * render to. Regenerate them with
 * {@code mvn -pl cloud-adapters/azure-iot-twin test -Dtest=ConfigReferenceTest -Dconfig.reference.update=true}.
 */
class ConfigReferenceTest {

    private static final String DEMO_NOTE = " The example configuration `config/azure-twin-%s.json` uses demo "
        + "credentials (keys that decode to \"DEMO ONLY: ...\"): replace them with your hub's.";

    @ParameterizedTest(name = "{0}")
    @CsvSource({"sink", "source"})
    void theCommittedReferenceMatchesTheConfigDef(String kind) throws IOException {
        boolean sink = kind.equals("sink");
        Path file = Path.of("..", "..", "docs", "config-azure-twin-" + kind + ".md");
        String connector = sink ? "TwinSinkConnector" : "TwinSourceConnector";
        ConfigDef def = sink ? TwinSinkConfig.CONFIG_DEF : TwinSourceConfig.CONFIG_DEF;
        String rendered = ConfigReference.markdown("Azure IoT Hub twin " + kind + " connector configuration",
            "Keys of `io.mqttbridge.azure." + connector + "`, as `PUT /connector-plugins/" + connector
                + "/config/validate` reports them. Connect's own keys (`name`, `connector.class`, `tasks.max`, "
                + "converters, " + (sink ? "`topics`, `errors.*`, " : "") + "transforms) apply as usual. Secrets ("
                + "connection strings, keys, passwords) are `password` keys, never logged."
                + String.format(DEMO_NOTE, kind),
            def);
        if (Boolean.getBoolean("config.reference.update")) {
            Files.writeString(file, rendered);
        }
        assertEquals(rendered, Files.exists(file) ? Files.readString(file) : "", file + " is out of date: regenerate it"
            + " with mvn -pl cloud-adapters/azure-iot-twin test -Dtest=ConfigReferenceTest"
            + " -Dconfig.reference.update=true");
    }
}
