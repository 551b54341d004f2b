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
    private static final String SINK_BEHAVIOUR = "\n\nEach record becomes a reported-properties patch and/or a "
        + "telemetry message of the device its `iothub.device.id` template names, sent with the Azure IoT Device SDK "
        + "over MQTT (one device client per device, from a bounded pool whose least recently used idle clients are "
        + "closed for other devices). A device's records go out one at a time, in order. Offsets are committed only "
        + "past records the hub acknowledged (2xx, or the telemetry PUBACK). Any other 4xx answer sends the record to "
        + "Connect's dead-letter queue with the hub's status and message; 429, 5xx, lost connections and timeouts are "
        + "retried with backoff. A hub that refuses a device's credentials fails the task, naming the device and the "
        + "likely cause. The SDK logs every connection at INFO: set `com.microsoft.azure.sdk.iot` to WARN for many "
        + "devices.";
    private static final String SOURCE_BEHAVIOUR = "\n\nEach device of `iothub.device.ids` keeps a connection and "
        + "subscribes to its desired properties. Records are keyed by device id and carry the headers "
        + "`iothub.device.id`, `iothub.twin.version` (the desired `$version`), `iothub.twin.update` (`patch` for a "
        + "change as IoT Hub sent it, `full` for the whole desired document) and `iothub.hostname`. After every "
        + "(re)connection the task GETs the twin, since IoT Hub does not queue changes for disconnected devices: a "
        + "version newer than the last one emitted becomes a `full` record. The source offset of a device is that "
        + "last version, so a restart neither skips nor repeats a change (a first start emits each device's current "
        + "desired document).";

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
                + String.format(DEMO_NOTE, kind) + (sink ? SINK_BEHAVIOUR : SOURCE_BEHAVIOUR),
            def);
        if (Boolean.getBoolean("config.reference.update")) {
            Files.writeString(file, rendered);
        }
        assertEquals(rendered, Files.exists(file) ? Files.readString(file) : "", file + " is out of date: regenerate it"
            + " with mvn -pl cloud-adapters/azure-iot-twin test -Dtest=ConfigReferenceTest"
            + " -Dconfig.reference.update=true");
    }
}
