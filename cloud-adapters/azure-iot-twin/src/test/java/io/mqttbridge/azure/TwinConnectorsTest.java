package io.mqttbridge.azure;

import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the connectors validate and how they split work, without a Connect worker. */
class TwinConnectorsTest {
    private static final String SECRET_KEY = "c2VjcmV0IGtleSB0aGF0IG11c3Qgbm90IGxlYWs=";

    private static Map<String, List<String>> errors(List<ConfigValue> values) {
        return values.stream().filter(v -> !v.errorMessages().isEmpty())
            .collect(Collectors.toMap(ConfigValue::name, ConfigValue::errorMessages));
    }

    @Test
    void sinkValidationNamesEachAuthenticationProblemWithoutEchoingSecrets() {
        TwinSinkConnector connector = new TwinSinkConnector();
        Map<String, List<String>> errors = errors(connector.validate(Map.of("iothub.hostname", "hub.azure-devices.net",
            "iothub.auth.mode", "device.key", "iothub.device.keys", "d1=" + SECRET_KEY + ",d1=" + SECRET_KEY))
            .configValues());
        assertEquals(List.of("device 'd1' has more than one key"), errors.get("iothub.device.keys"));

        errors = errors(connector.validate(Map.of("iothub.auth.mode", "connection.string",
            "iothub.device.connection.strings", "HostName=hub.azure-devices.net;DeviceId=d1;SharedAccessKey=oops"))
            .configValues());
        String message = errors.get("iothub.device.connection.strings").get(0);
        assertTrue(message.contains("the SharedAccessKey is too short: a symmetric key has 16 to 64 bytes"), message);
        assertFalse(errors.containsKey("iothub.hostname"), "connection strings carry the host name");

        errors = errors(connector.validate(Map.of("iothub.hostname", "hub.azure-devices.net", "iothub.auth.mode",
            "x509", "iothub.retry.backoff.ms", "500", "iothub.retry.backoff.max.ms", "100",
            "iothub.reported.property", "a.b")).configValues());
        assertTrue(errors.get("iothub.x509.keystore.location").get(0).contains("${device.id}"));
        assertTrue(errors.get("iothub.retry.backoff.max.ms").get(0).contains("at least iothub.retry.backoff.ms"));
        assertTrue(errors.get("iothub.reported.property").get(0).contains("cannot contain '.'"));
    }

    @Test
    void aBadSecretFailsTheStartWithoutShowingIt() {
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> new TwinSinkConfig(Map.of(
            "iothub.hostname", "hub.azure-devices.net", "iothub.auth.mode", "group.key", "iothub.group.key",
            "c2hvcnQ=")));
        assertTrue(e.getMessage().contains("iothub.group.key: the group key is too short"), e.getMessage());
        assertFalse(e.getMessage().contains("c2hvcnQ="), e.getMessage());
    }

    @Test
    void sourceDevicesAreSplitIntoContiguousSharesPerTask() {
        TwinSourceConnector connector = new TwinSourceConnector();
        Map<String, String> props = new HashMap<>(Map.of("iothub.hostname", "hub.azure-devices.net",
            "iothub.auth.mode", "group.key", "iothub.group.key", SECRET_KEY, "iothub.device.ids", "a,b,c,d,e",
            "kafka.topic", "desired"));
        connector.start(props);
        List<Map<String, String>> tasks = connector.taskConfigs(2);
        assertEquals(List.of("a,b", "c,d,e"), tasks.stream().map(t -> t.get("iothub.device.ids")).toList());
        assertEquals(List.of("0", "1"), tasks.stream().map(t -> t.get("task.id")).toList());
        assertEquals(5, connector.taskConfigs(10).size(), "no more tasks than devices");

        Map<String, List<String>> errors = errors(connector.validate(Map.of("iothub.hostname", "hub.azure-devices.net",
            "iothub.auth.mode", "group.key", "iothub.group.key", SECRET_KEY, "iothub.device.ids", "a,a,b/c",
            "kafka.topic", "t.${nope}")).configValues());
        assertTrue(errors.get("iothub.device.ids").toString().contains("device 'a' is listed twice"));
        assertTrue(errors.get("iothub.device.ids").toString().contains("'b/c' is not a valid device id"));
        assertTrue(errors.get("kafka.topic").get(0).contains("${nope} is not a known variable"));
    }
}
