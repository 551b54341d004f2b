package io.mqttbridge.core.sink;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecordTemplateTest {
    private static final Schema DEVICE = SchemaBuilder.struct().name("Device")
        .field("site", Schema.STRING_SCHEMA).field("id", Schema.INT32_SCHEMA).build();
    private static final Schema VALUE = SchemaBuilder.struct().name("Reading")
        .field("device", DEVICE).field("note", Schema.OPTIONAL_STRING_SCHEMA).build();

    private static SinkRecord record(Object key, Object value, ConnectHeaders headers) {
        return new SinkRecord("plant.commands", 3, null, key, value instanceof Struct s ? s.schema() : null, value,
            17L, null, null, headers);
    }

    private static Struct value(String site, int id, String note) {
        return new Struct(VALUE).put("device", new Struct(DEVICE).put("site", site).put("id", id)).put("note", note);
    }

    @Test
    void rendersEveryKindOfVariable() throws Exception {
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString("line", "old");
        headers.addString("line", "l2");
        RecordTemplate template = RecordTemplate.parse(
            "${kafka.topic}/${kafka.partition}/${key}/${header.line}/${value.device.site}/${value.device.id}");
        assertEquals("plant.commands/3/esp-7/l2/berlin/42", template.render(record("esp-7", value("berlin", 42, null),
            headers)));
    }

    @Test
    void readsPathsThroughMapsAndStructKeys() throws Exception {
        RecordTemplate fromMap = RecordTemplate.parse("d/${value.device.id}");
        assertEquals("d/9", fromMap.render(record(null, Map.of("device", Map.of("id", 9)), new ConnectHeaders())));
        Struct key = new Struct(DEVICE).put("site", "s1").put("id", 5);
        assertEquals("k/s1", RecordTemplate.parse("k/${key.site}").render(record(key, "x", new ConnectHeaders())));
    }

    @Test
    void aDollarTopicNeedsNoEscaping() throws Exception {
        assertEquals("$aws/things/t1/shadow/update", RecordTemplate.parse("$aws/things/${key}/shadow/update")
            .render(record("t1", "x", new ConnectHeaders())));
    }

    @Test
    void unresolvableRecordsSayWhichVariableAndWhy() {
        assertReason("${key} has no value: the record has no key", "d/${key}", record(null, "x", new ConnectHeaders()));
        assertReason("${header.line} has no value: the record has no header 'line'", "d/${header.line}",
            record("k", "x", new ConnectHeaders()));
        assertReason("${value.device.nope} has no value: value.device has no field 'nope'", "d/${value.device.nope}",
            record("k", value("b", 1, null), new ConnectHeaders()));
        assertReason("${value.note} is null", "d/${value.note}", record("k", value("b", 1, null), new ConnectHeaders()));
        assertReason("${value.device} is a Struct, not a string, number or boolean", "d/${value.device}",
            record("k", value("b", 1, null), new ConnectHeaders()));
        assertReason("${value.x} has no value: value is a String, not a Struct or Map", "d/${value.x}",
            record("k", "text", new ConnectHeaders()));
        assertReason("${key} is empty", "d/${key}", record("", "x", new ConnectHeaders()));
    }

    @Test
    void parseRejectsUnknownVariables() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
            () -> RecordTemplate.parse("d/${mqtt.topic}"));
        assertTrue(unknown.getMessage().contains("${mqtt.topic} is not a known variable"), unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RecordTemplate.parse("d/${value.}"));
        assertThrows(IllegalArgumentException.class, () -> RecordTemplate.parse("d/${header.}"));
        assertThrows(IllegalArgumentException.class, () -> RecordTemplate.parse("d/${value.a..b}"));
    }

    private static void assertReason(String expected, String template, SinkRecord record) {
        RecordTemplateException e = assertThrows(RecordTemplateException.class,
            () -> RecordTemplate.parse(template).render(record));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
