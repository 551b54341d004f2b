package io.mqttbridge.azure;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeviceIdTemplateTest {

    private static SinkRecord record(Object key, Schema valueSchema, Object value) {
        SinkRecord record = new SinkRecord("plant", 3, null, key, valueSchema, value, 42);
        record.headers().addString("site", "berlin");
        return record;
    }

    @Test
    void rendersKeyHeaderFieldsAndKafkaCoordinates() throws Exception {
        Schema device = SchemaBuilder.struct().field("serial", Schema.INT32_SCHEMA).build();
        Schema schema = SchemaBuilder.struct().field("device", device).build();
        Struct value = new Struct(schema).put("device", new Struct(schema.field("device").schema()).put("serial", 17));
        SinkRecord record = record("esp-1", schema, value);
        assertEquals("esp-1", DeviceIdTemplate.parse("${key}").render(record));
        assertEquals("berlin-17-plant-3", DeviceIdTemplate.parse("${header.site}-${value.device.serial}-${kafka.topic}"
            + "-${kafka.partition}").render(record));
        assertEquals("m-9", DeviceIdTemplate.parse("m-${value.id}").render(record(null, null, Map.of("id", 9))));
    }

    @Test
    void unresolvableOrInvalidIdsAreUndeliverable() {
        SinkRecord noKey = record(null, null, Map.of());
        assertTrue(assertThrows(UndeliverableRecordException.class, () -> DeviceIdTemplate.parse("${key}")
            .render(noKey)).getMessage().contains("${key} has no value: the record has no key"));
        assertTrue(assertThrows(UndeliverableRecordException.class, () -> DeviceIdTemplate.parse("${header.x}")
            .render(noKey)).getMessage().contains("no header 'x'"));
        SinkRecord slash = record("a/b", null, Map.of());
        assertTrue(assertThrows(UndeliverableRecordException.class, () -> DeviceIdTemplate.parse("${key}")
            .render(slash)).getMessage().contains("not a valid device id"));
    }

    @Test
    void badTemplatesAreRejectedWhenParsed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DeviceIdTemplate.parse("${foo}")).getMessage()
            .contains("${foo} is not a known variable"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DeviceIdTemplate.parse("${value..x}"))
            .getMessage().contains("empty field name"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DeviceIdTemplate.parse("a b")).getMessage()
            .contains("not a valid device id"));
    }
}
