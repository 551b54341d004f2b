package io.mqttbridge.sink;

import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the MQTT topic template adds to a record template: the result must be a legal topic name. */
class RecordTopicTemplateTest {
    private static SinkRecord record(Object key) {
        return new SinkRecord("plant.commands", 3, null, key, null, "x", 17L, null, null, new ConnectHeaders());
    }

    @Test
    void rendersATopicAndNeedsNoEscapingForDollarTopics() throws Exception {
        assertEquals("$aws/things/t1/shadow/update",
            RecordTopicTemplate.parse("$aws/things/${key}/shadow/update").render(record("t1")));
    }

    @Test
    void aValueThatMakesAnIllegalTopicIsRefused() {
        UnpublishableRecordException wildcard = assertThrows(UnpublishableRecordException.class,
            () -> RecordTopicTemplate.parse("d/${key}").render(record("a/+")));
        assertTrue(wildcard.getMessage().contains(
            "resolved to an illegal MQTT topic: topic name 'd/a/+' contains the wildcard '+'"), wildcard.getMessage());
        UnpublishableRecordException tooLong = assertThrows(UnpublishableRecordException.class,
            () -> RecordTopicTemplate.parse("d/${key}").render(record("x".repeat(70_000))));
        assertTrue(tooLong.getMessage().contains("resolved to an illegal MQTT topic"), tooLong.getMessage());
        UnpublishableRecordException noKey = assertThrows(UnpublishableRecordException.class,
            () -> RecordTopicTemplate.parse("d/${key}").render(record(null)));
        assertTrue(noKey.getMessage().contains("${key} has no value: the record has no key"), noKey.getMessage());
    }

    @Test
    void aConstantTemplateMustBeALegalTopic() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> RecordTopicTemplate.parse("plant/#"));
        assertTrue(e.getMessage().contains("not a legal MQTT topic"), e.getMessage());
    }
}
