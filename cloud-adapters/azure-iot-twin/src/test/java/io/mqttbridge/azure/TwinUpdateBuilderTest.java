package io.mqttbridge.azure;

import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TwinUpdateBuilderTest {

    private static TwinUpdateBuilder builder(EnumSet<TwinSinkConfig.Target> targets, String property,
                                             List<String> headers) {
        return new TwinUpdateBuilder(DeviceIdTemplate.parse("${key}"), targets, property, headers,
            TwinSinkConfig.TombstoneBehavior.SKIP);
    }

    @Test
    void structsBecomeReportedPatchesWithExactDecimals() throws Exception {
        Schema schema = SchemaBuilder.struct().field("temp", Decimal.schema(2)).field("mode", Schema.STRING_SCHEMA)
            .build();
        SinkRecord record = new SinkRecord("t", 0, null, "press-1", schema,
            new Struct(schema).put("temp", new BigDecimal("71.50")).put("mode", "auto"), 0);
        TwinUpdate update = builder(EnumSet.of(TwinSinkConfig.Target.REPORTED), "", List.of()).build(record);
        assertEquals("press-1", update.deviceId());
        assertEquals("{\"temp\":71.50,\"mode\":\"auto\"}", update.reportedPatch());
        assertNull(update.telemetry());
    }

    @Test
    void anyValueCanBeReportedUnderOnePropertyAndTelemetryTakesChosenHeaders() throws Exception {
        SinkRecord record = new SinkRecord("t", 0, null, "s-1", null, List.of(1, 2), 0);
        record.headers().addString("site", "berlin").addInt("line", 4).addString("secret", "x");
        TwinUpdate update = builder(EnumSet.allOf(TwinSinkConfig.Target.class), "readings", List.of("site", "line"))
            .build(record);
        assertEquals("{\"readings\":[1,2]}", update.reportedPatch());
        assertEquals("[1,2]", new String(update.telemetry().body(), StandardCharsets.UTF_8));
        assertEquals(Map.of("site", "berlin", "line", "4"), update.telemetry().properties());
        assertEquals("application/json", update.telemetry().contentType());
        TwinUpdate all = builder(EnumSet.of(TwinSinkConfig.Target.TELEMETRY), "", List.of("*")).build(record);
        assertEquals(3, all.telemetry().properties().size());
        assertNull(all.reportedPatch());
    }

    @Test
    void nonObjectsTombstonesAndHugeValuesAreHandledPerTheRules() throws Exception {
        TwinUpdateBuilder reported = builder(EnumSet.of(TwinSinkConfig.Target.REPORTED), "", List.of());
        assertTrue(assertThrows(UndeliverableRecordException.class, () -> reported.build(new SinkRecord("t", 0, null,
            "d", null, "text", 0))).getMessage().contains("must be a JSON object, the value is a JSON string"));
        assertNull(reported.build(new SinkRecord("t", 0, null, "d", null, null, 0)), "a tombstone is skipped");
        TwinUpdateBuilder failing = new TwinUpdateBuilder(DeviceIdTemplate.parse("${key}"),
            EnumSet.of(TwinSinkConfig.Target.REPORTED), "", List.of(), TwinSinkConfig.TombstoneBehavior.FAIL);
        assertThrows(UndeliverableRecordException.class, () -> failing.build(new SinkRecord("t", 0, null, "d", null,
            null, 0)));
        String huge = "x".repeat(300 * 1024);
        assertTrue(assertThrows(UndeliverableRecordException.class, () -> reported.build(new SinkRecord("t", 0, null,
            "d", null, Map.of("s", huge), 0))).getMessage().contains("more than IoT Hub accepts in one message"));
    }
}
