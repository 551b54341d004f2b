package io.mqttbridge.sink;

import io.mqttbridge.core.MqttHeaders;
import io.mqttbridge.core.codec.PayloadEncoder;
import io.mqttbridge.core.codec.PayloadEncodingException;
import io.mqttbridge.core.transport.OutboundMessage;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MqttMessageBuilderTest {
    /** Encodes a value as its text, or refuses the text "bad": the builder's part is what happens around it. */
    private static final PayloadEncoder TEXT = (schema, value) -> {
        if ("bad".equals(value)) {
            throw new PayloadEncodingException("cannot encode 'bad'");
        }
        return value.toString().getBytes(StandardCharsets.UTF_8);
    };

    private static MqttMessageBuilder builder(TombstoneBehavior tombstones, boolean properties) {
        return new MqttMessageBuilder(RecordTopicTemplate.parse("devices/${key}/cmd"), TEXT, 1, false, "qos",
            "retain", properties, tombstones);
    }

    private static SinkRecord record(Object value, ConnectHeaders headers) {
        return new SinkRecord("cmds", 0, null, "d1", null, value, 5L, null, null, headers);
    }

    @Test
    void buildsTopicPayloadAndConnectorDefaults() throws Exception {
        OutboundMessage m = builder(TombstoneBehavior.SKIP, false).build(record("on", new ConnectHeaders()));
        assertEquals("devices/d1/cmd", m.topic());
        assertArrayEquals("on".getBytes(StandardCharsets.UTF_8), m.payload());
        assertEquals(1, m.qos());
        assertFalse(m.retained());
        assertTrue(m.properties().isEmpty());
    }

    @Test
    void headersOverrideQosAndRetainPerRecord() throws Exception {
        ConnectHeaders headers = new ConnectHeaders();
        headers.addInt("qos", 2);
        headers.addString("retain", "TRUE");
        OutboundMessage m = builder(TombstoneBehavior.SKIP, false).build(record("on", headers));
        assertEquals(2, m.qos());
        assertTrue(m.retained());
    }

    @Test
    void malformedOverridesAreRefusedWithTheHeaderName() {
        ConnectHeaders qos = new ConnectHeaders();
        qos.addString("qos", "3");
        UnpublishableRecordException e = assertThrows(UnpublishableRecordException.class,
            () -> builder(TombstoneBehavior.SKIP, false).build(record("on", qos)));
        assertEquals("header 'qos' must be a QoS of 0, 1 or 2, was '3'", e.getMessage());
        ConnectHeaders retain = new ConnectHeaders();
        retain.addString("retain", "yes\n" + "x".repeat(100));
        e = assertThrows(UnpublishableRecordException.class,
            () -> builder(TombstoneBehavior.SKIP, false).build(record("on", retain)));
        assertTrue(e.getMessage().startsWith("header 'retain' must be true or false, was 'yes?xxx"), e.getMessage());
        assertTrue(e.getMessage().length() < 120, "hostile values are shortened: " + e.getMessage());
    }

    @Test
    void tombstonesAreSkippedClearTheRetainedMessageOrFail() throws Exception {
        assertNull(builder(TombstoneBehavior.SKIP, false).build(record(null, new ConnectHeaders())));
        OutboundMessage clear = builder(TombstoneBehavior.CLEAR_RETAINED, false).build(record(null,
            new ConnectHeaders()));
        assertEquals(0, clear.payload().length);
        assertTrue(clear.retained());
        assertEquals("devices/d1/cmd", clear.topic());
        UnpublishableRecordException e = assertThrows(UnpublishableRecordException.class,
            () -> builder(TombstoneBehavior.FAIL, false).build(record(null, new ConnectHeaders())));
        assertTrue(e.getMessage().contains("tombstone"), e.getMessage());
    }

    @Test
    void encodingFailuresBecomeUnpublishableRecords() {
        UnpublishableRecordException e = assertThrows(UnpublishableRecordException.class,
            () -> builder(TombstoneBehavior.SKIP, false).build(record("bad", new ConnectHeaders())));
        assertEquals("the value cannot be encoded: cannot encode 'bad'", e.getMessage());
    }

    @Test
    void mqtt5PropertiesComeFromTheSourceConnectorsHeaderNames() throws Exception {
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString(MqttHeaders.CONTENT_TYPE, "application/json");
        headers.addString(MqttHeaders.RESPONSE_TOPIC, "replies/d1");
        headers.addBytes(MqttHeaders.CORRELATION_DATA, new byte[] {1, 2});
        headers.addLong(MqttHeaders.MESSAGE_EXPIRY, 60);
        headers.addString(MqttHeaders.USER_PROPERTY_PREFIX + "site", "berlin");
        headers.addString(MqttHeaders.USER_PROPERTY_PREFIX + "site", "potsdam");
        headers.addString("unrelated", "x");
        OutboundMessage m = builder(TombstoneBehavior.SKIP, true).build(record("on", headers));
        assertEquals("application/json", m.properties().contentType());
        assertEquals("replies/d1", m.properties().responseTopic());
        assertArrayEquals(new byte[] {1, 2}, m.properties().correlationData());
        assertEquals(60L, m.properties().messageExpiryIntervalSeconds());
        assertEquals(List.of(Map.entry("site", "berlin"), Map.entry("site", "potsdam")),
            m.properties().userProperties());
        assertTrue(builder(TombstoneBehavior.SKIP, false).build(record("on", headers)).properties().isEmpty());
    }

    @Test
    void illegalPropertyHeadersAreRefused() {
        ConnectHeaders topic = new ConnectHeaders();
        topic.addString(MqttHeaders.RESPONSE_TOPIC, "replies/#");
        assertThrows(UnpublishableRecordException.class,
            () -> builder(TombstoneBehavior.SKIP, true).build(record("on", topic)));
        ConnectHeaders expiry = new ConnectHeaders();
        expiry.addLong(MqttHeaders.MESSAGE_EXPIRY, -1);
        assertThrows(UnpublishableRecordException.class,
            () -> builder(TombstoneBehavior.SKIP, true).build(record("on", expiry)));
    }
}
