package io.mqttbridge.source;

import io.mqttbridge.core.MqttHeaders;
import io.mqttbridge.core.transport.InboundMessage;
import io.mqttbridge.core.transport.MqttProperties;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeadLetterRouterTest {

    private static final byte[] PAYLOAD = "{broken SECRET".getBytes(StandardCharsets.UTF_8);
    private static final InboundMessage MESSAGE = new InboundMessage("plant/p1/telemetry", PAYLOAD, 2, false, true,
        9, 1, MqttProperties.EMPTY);
    private static final RecordMappingException ERROR = new RecordMappingException("plant/p1/telemetry",
        "cannot decode the payload of the message on MQTT topic 'plant/p1/telemetry': Unexpected character",
        new IllegalStateException("Unexpected character"));

    private static Optional<SourceRecord> route(DeadLetterRouter router) {
        return router.route(MESSAGE, Map.of("mqtt.client.id", "c"), Map.of("sequence", 5L), 123L, ERROR);
    }

    @Test
    void withADeadLetterTopicTheRawPayloadGoesThereWithErrorHeaders() {
        SourceRecord record = route(new DeadLetterRouter("plant.telemetry.dlq", false, "plant-source")).orElseThrow();
        assertEquals("plant.telemetry.dlq", record.topic());
        assertEquals("plant/p1/telemetry", record.key());
        assertEquals(Schema.BYTES_SCHEMA, record.valueSchema());
        assertArrayEquals(PAYLOAD, (byte[]) record.value());
        assertEquals(Map.of("sequence", 5L), record.sourceOffset(), "acked through the tracker like any record");
        assertEquals(123L, record.timestamp());
        assertEquals("plant/p1/telemetry", record.headers().lastWithName(MqttHeaders.TOPIC).value());
        assertEquals((byte) 2, record.headers().lastWithName(MqttHeaders.QOS).value());
        assertEquals(IllegalStateException.class.getName(),
            record.headers().lastWithName(MqttHeaders.ERROR_CLASS).value());
        assertEquals(ERROR.getMessage(), record.headers().lastWithName(MqttHeaders.ERROR_MESSAGE).value());
        assertEquals("plant-source", record.headers().lastWithName(MqttHeaders.ERROR_CONNECTOR).value());
    }

    @Test
    void aDeadLetterTopicWinsEvenWhenErrorsAreTolerated() {
        assertTrue(route(new DeadLetterRouter("dlq", true, "c")).isPresent());
    }

    @Test
    void withoutDeadLetterTopicAndToleranceAllTheMessageIsSkipped() {
        assertTrue(route(new DeadLetterRouter(null, true, "c")).isEmpty());
    }

    @Test
    void withoutDeadLetterTopicAndToleranceNoneTheTaskFailsNamingTopicAndErrorButNotThePayload() {
        ConnectException e = assertThrows(ConnectException.class, () -> route(new DeadLetterRouter(null, false, "c")));
        assertTrue(e.getMessage().contains("plant/p1/telemetry"), e.getMessage());
        assertTrue(e.getMessage().contains("Unexpected character"), e.getMessage());
        assertTrue(e.getMessage().contains(MqttSourceConfig.DLQ_TOPIC_CONFIG), e.getMessage());
        assertFalse(e.getMessage().contains("SECRET"));
        assertSame(ERROR, e.getCause());
    }
}
