package io.mqttbridge.aws;

import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** validate() names every bad key; the source connector divides the things among its tasks. */
class ShadowConfigTest {
    @TempDir
    Path dir;

    private Map<String, String> base() throws IOException {
        Path cert = Files.writeString(dir.resolve("cert.pem"), "x");
        Path key = Files.writeString(dir.resolve("key.pem"), "x");
        Map<String, String> props = new HashMap<>();
        props.put("name", "shadows");
        props.put("aws.iot.endpoint", "localhost");
        props.put("aws.iot.certificate.path", cert.toString());
        props.put("aws.iot.private.key.path", key.toString());
        return props;
    }

    private static Map<String, List<String>> errors(org.apache.kafka.common.config.Config config) {
        return config.configValues().stream().filter(v -> !v.errorMessages().isEmpty())
            .collect(Collectors.toMap(ConfigValue::name, ConfigValue::errorMessages));
    }

    @Test
    void sinkValidationNamesEveryBadKey() throws IOException {
        Map<String, String> props = base();
        props.remove("aws.iot.private.key.path");
        props.put("shadow.thing.name", "${mqtt.topic}");
        props.put("shadow.state", "wished");
        Map<String, List<String>> errors = errors(new ShadowSinkConnector().validate(props));
        assertTrue(errors.get("aws.iot.private.key.path").get(0).contains("needs its private key"), errors.toString());
        assertTrue(errors.get("shadow.thing.name").get(0).contains("${mqtt.topic} is not a known variable"),
            errors.toString());
        assertTrue(errors.containsKey("shadow.state"), errors.toString());
        assertEquals(3, errors.size(), errors.toString());
    }

    @Test
    void credentialsMustBeGivenOneWay() throws IOException {
        Map<String, String> none = base();
        none.remove("aws.iot.certificate.path");
        none.remove("aws.iot.private.key.path");
        assertTrue(errors(new ShadowSinkConnector().validate(none)).get("aws.iot.certificate.path").get(0)
            .contains("needs a device certificate"));
        Map<String, String> both = base();
        both.put("aws.iot.keystore.path", Files.writeString(dir.resolve("ks.p12"), "x").toString());
        assertTrue(errors(new ShadowSinkConnector().validate(both)).get("aws.iot.keystore.path").get(0)
            .contains("not both"));
    }

    @Test
    void sourceValidationChecksThingNames() throws IOException {
        Map<String, String> props = base();
        props.put("shadow.things", "pump-1,bad/name");
        assertTrue(errors(new ShadowSourceConnector().validate(props)).get("shadow.things").get(0)
            .contains("'bad/name' is not valid"));
        props.put("shadow.things", "+,pump-1");
        assertTrue(errors(new ShadowSourceConnector().validate(props)).get("shadow.things").get(0)
            .contains("not both"));
    }

    @Test
    void theSourceDividesThingsAmongTasksAndFollowsAllThingsInOne() throws IOException {
        Map<String, String> props = base();
        props.put("shadow.things", "a,b,c");
        ShadowSourceConnector connector = new ShadowSourceConnector();
        connector.start(props);
        List<Map<String, String>> tasks = connector.taskConfigs(2);
        assertEquals(List.of("a,c", "b"), tasks.stream().map(t -> t.get("shadow.things")).toList());
        props.put("shadow.things", "+");
        connector.start(props);
        assertEquals(1, connector.taskConfigs(4).size());
    }
}
