package io.mqttbridge.aws;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShadowTopicTest {
    @Test
    void formatsAndParsesClassicAndNamedShadowTopics() {
        ShadowTopic classic = new ShadowTopic("pump-7", "", "update/accepted");
        assertEquals("$aws/things/pump-7/shadow/update/accepted", classic.topic());
        assertEquals(classic, ShadowTopic.parse(classic.topic()));
        ShadowTopic named = new ShadowTopic("pump-7", "config", "get/rejected");
        assertEquals("$aws/things/pump-7/shadow/name/config/get/rejected", named.topic());
        assertEquals(named, ShadowTopic.parse(named.topic()));
        assertEquals("$aws/things/pump-7/shadow/name/config/update", named.with("update").topic());
    }

    @Test
    void otherTopicsAreNotShadowTopics() {
        assertNull(ShadowTopic.parse("plant/pump-7/telemetry"));
        assertNull(ShadowTopic.parse("$aws/things/pump-7/jobs/notify"));
        assertNull(ShadowTopic.parse("$aws/things/pump-7/shadow/name/config"));
    }

    @Test
    void namesAreCheckedAsAwsIotDoes() {
        assertNull(ShadowTopic.thingNameProblem("Pump_7:a-b"));
        assertTrue(ShadowTopic.thingNameProblem("pump/7").contains("is not valid"));
        assertTrue(ShadowTopic.thingNameProblem("x".repeat(129)).contains("1 to 128"));
        assertTrue(ShadowTopic.thingNameProblem("").contains("is not valid"));
        assertNull(ShadowTopic.shadowNameProblem(""));
        assertTrue(ShadowTopic.shadowNameProblem("x".repeat(65)).contains("1 to 64"));
    }
}
