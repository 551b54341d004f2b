package io.mqttbridge.source;

import io.mqttbridge.core.MqttHeaders;
import io.mqttbridge.core.codec.DecoderOptions;
import io.mqttbridge.core.codec.PayloadDecoders;
import io.mqttbridge.core.codec.PayloadFormat;
import io.mqttbridge.core.topic.TopicFilter;
import io.mqttbridge.core.topic.TopicTemplate;
import io.mqttbridge.core.transport.InboundMessage;
import io.mqttbridge.core.transport.MqttProperties;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MqttRecordMapperTest {

    private static InboundMessage message(String topic, String payload, MqttProperties properties) {
        return new InboundMessage(topic, payload.getBytes(StandardCharsets.UTF_8), 1, true, false, 42, 1,
            properties);
    }

    private static MqttRecordMapper mapper(List<String> filters, String kafkaTopic, String key, PayloadFormat format) {
        return new MqttRecordMapper(filters.stream().map(TopicFilter::parse).toList(), TopicTemplate.parse(kafkaTopic),
            key == null ? null : TopicTemplate.parse(key),
            PayloadDecoders.create(format, new DecoderOptions(false, null)), "plant-source-0");
    }

    private static Object header(SourceRecord record, String name) {
        Header header = record.headers().lastWithName(name);
        return header == null ? null : header.value();
    }

    @Test
    void defaultTemplatesSanitizeTheTopicButKeepTheKeyRaw() throws RecordMappingException {
        SourceRecord record = mapper(List.of("plant/#"), "${mqtt.topic}", "${mqtt.topic}", PayloadFormat.BYTES)
            .map(message("plant/line 1/telemetry", "raw", MqttProperties.EMPTY), 7, 1_700_000_000_000L);
        assertEquals("plant.line_1.telemetry", record.topic());
        assertEquals("plant/line 1/telemetry", record.key());
        assertEquals(Schema.OPTIONAL_STRING_SCHEMA, record.keySchema());
        assertNull(record.kafkaPartition());
        assertArrayEquals("raw".getBytes(StandardCharsets.UTF_8), (byte[]) record.value());
        assertEquals(Map.of("mqtt.client.id", "plant-source-0"), record.sourcePartition());
        assertEquals(Map.of("sequence", 7L), record.sourceOffset());
        assertEquals(7L, MqttRecordMapper.sequenceOf(record));
        assertEquals(1_700_000_000_000L, record.timestamp());
    }

    @Test
    void capturesComeFromTheFirstMatchingFilterAndAreSanitizedOnlyInTheTopic() throws RecordMappingException {
        MqttRecordMapper mapper = mapper(List.of("$share/g/plant/+/alarms/#", "plant/+/+"), "plant.${1}.${2}",
            "${2}@${1}", PayloadFormat.STRING);
        SourceRecord alarm = mapper.map(message("plant/press 4%/alarms/hydraulic/low", "hi", MqttProperties.EMPTY),
            1, 0);
        assertEquals("plant.press_4_.hydraulic.low", alarm.topic());
        assertEquals("hydraulic/low@press 4%", alarm.key());
        SourceRecord telemetry = mapper.map(message("plant/press/telemetry", "hi", MqttProperties.EMPTY), 2, 0);
        assertEquals("plant.press.telemetry", telemetry.topic());
        assertEquals("hi", telemetry.value());
    }

    @Test
    void anEmptyKeyTemplateMeansNoKey() throws RecordMappingException {
        SourceRecord record = mapper(List.of("a/+"), "out", null, PayloadFormat.BYTES)
            .map(message("a/b", "x", MqttProperties.EMPTY), 0, 0);
        assertEquals("out", record.topic());
        assertNull(record.key());
        assertNull(record.keySchema());
    }

    @Test
    void jsonPayloadsBecomeStructs() throws RecordMappingException {
        SourceRecord record = mapper(List.of("plant/+/telemetry"), "plant.telemetry", "${1}", PayloadFormat.JSON)
            .map(message("plant/p1/telemetry", "{\"temp\": 21.5, \"ok\": true}", MqttProperties.EMPTY), 0, 0);
        Struct value = assertInstanceOf(Struct.class, record.value());
        assertEquals(21.5, value.get("temp"));
        assertEquals(true, value.get("ok"));
        assertEquals("p1", record.key());
    }

    @Test
    void headersCarryMqttMetadataForMqtt311() throws RecordMappingException {
        SourceRecord record = mapper(List.of("a/#"), "t", null, PayloadFormat.BYTES)
            .map(message("a/b", "x", MqttProperties.EMPTY), 0, 0);
        assertEquals("a/b", header(record, MqttHeaders.TOPIC));
        assertEquals((byte) 1, header(record, MqttHeaders.QOS));
        assertEquals(Schema.INT8_SCHEMA, record.headers().lastWithName(MqttHeaders.QOS).schema());
        assertEquals(true, header(record, MqttHeaders.RETAINED));
        assertEquals(false, header(record, MqttHeaders.DUPLICATE));
        assertEquals(42, header(record, MqttHeaders.MESSAGE_ID));
        assertEquals(5, record.headers().size(), "no MQTT 5 headers without properties");
    }

    @Test
    void headersCarryMqtt5Properties() throws RecordMappingException {
        MqttProperties props = new MqttProperties("application/json", "replies/p1", new byte[] {1, 2, 3},
            List.of(Map.entry("site", "north"), Map.entry("site", "south"), Map.entry("line", "4")), 30L, true);
        SourceRecord record = mapper(List.of("a/#"), "t", null, PayloadFormat.BYTES)
            .map(message("a/b", "x", props), 0, 0);
        assertEquals("application/json", header(record, MqttHeaders.CONTENT_TYPE));
        assertEquals("replies/p1", header(record, MqttHeaders.RESPONSE_TOPIC));
        assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) header(record, MqttHeaders.CORRELATION_DATA));
        assertEquals(30L, header(record, MqttHeaders.MESSAGE_EXPIRY));
        List<Object> sites = StreamSupport.stream(
                ((Iterable<Header>) () -> record.headers().allWithName("mqtt.user.site")).spliterator(), false)
            .map(Header::value).toList();
        assertEquals(List.of("north", "south"), sites);
        assertEquals("4", header(record, "mqtt.user.line"));
    }

    @Test
    void undecodablePayloadFailsWithTheTopicButNotThePayload() {
        RecordMappingException e = assertThrows(RecordMappingException.class,
            () -> mapper(List.of("a/#"), "t", null, PayloadFormat.JSON)
                .map(message("a/b", "{not json SECRET", MqttProperties.EMPTY), 0, 0));
        assertEquals("a/b", e.mqttTopic());
        assertTrue(e.getMessage().contains("'a/b'"), e.getMessage());
    }

    @Test
    void aCaptureTheMatchingFilterLacksFailsTheMessage() {
        // Only possible when the broker delivers a topic none of the filters match (e.g. an old session).
        RecordMappingException e = assertThrows(RecordMappingException.class,
            () -> mapper(List.of("a/+"), "x.${1}", null, PayloadFormat.BYTES)
                .map(message("other/topic", "x", MqttProperties.EMPTY), 0, 0));
        assertTrue(e.getMessage().contains("'other/topic'"), e.getMessage());
    }
}
