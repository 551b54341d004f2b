package io.mqttbridge.core.codec;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.junit.jupiter.api.Test;

class JsonPayloadEncoderTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** 2024-03-01T00:00:00Z */
    private static final long MARCH_1 = 19_783L * 86_400_000L;

    private final PayloadEncoder encoder = PayloadEncoders.create(PayloadFormat.JSON, EncoderOptions.defaults());

    private String json(Schema schema, Object value) throws PayloadEncodingException {
        return new String(encoder.encode(schema, value), UTF_8);
    }

    private static JsonNode tree(String json) throws Exception {
        return MAPPER.readTree(json);
    }

    private String failure(Schema schema, Object value) {
        return assertThrows(PayloadEncodingException.class, () -> encoder.encode(schema, value)).getMessage();
    }

    private static Map<Object, Object> map(Object... keysAndValues) {
        Map<Object, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    @Test
    void structIsACompactObjectWithFieldsInSchemaOrder() throws Exception {
        Schema schema = SchemaBuilder.struct().name("Reading")
                .field("id", Schema.STRING_SCHEMA)
                .field("count", Schema.INT32_SCHEMA)
                .field("big", Schema.INT64_SCHEMA)
                .field("small", Schema.INT8_SCHEMA)
                .field("mid", Schema.INT16_SCHEMA)
                .field("temp", Schema.FLOAT32_SCHEMA)
                .field("precise", Schema.FLOAT64_SCHEMA)
                .field("ok", Schema.BOOLEAN_SCHEMA)
                .field("raw", Schema.BYTES_SCHEMA)
                .field("note", Schema.OPTIONAL_STRING_SCHEMA)
                .build();
        Struct struct = new Struct(schema).put("id", "dev-1").put("count", 7).put("big", 1L << 40)
                .put("small", (byte) -3).put("mid", (short) 300).put("temp", 21.5f).put("precise", 0.125)
                .put("ok", true).put("raw", new byte[] {1, 2, 3});
        assertEquals("{\"id\":\"dev-1\",\"count\":7,\"big\":1099511627776,\"small\":-3,\"mid\":300,\"temp\":21.5,"
                + "\"precise\":0.125,\"ok\":true,\"raw\":\"AQID\",\"note\":null}", json(schema, struct));
        assertEquals(json(schema, struct), json(null, struct));
    }

    @Test
    void scalarsAtTheTopLevel() throws Exception {
        assertEquals("\"hi\"", json(Schema.STRING_SCHEMA, "hi"));
        assertEquals("\"hi\"", json(null, "hi"));
        assertEquals("\"a\\\"b\\n\"", json(null, "a\"b\n"));
        assertArrayEquals("\"\u20ac\"".getBytes(UTF_8), encoder.encode(null, "\u20ac"));
        // Beyond the BMP and unpaired surrogates: escapes, which read back as the same text.
        assertEquals("\"\\uD83D\\uDE00 a\\uD83Db\"", json(null, "\uD83D\uDE00 a\uD83Db"));
        String odd = "\uD83D\uDE00 a\uD83Db";
        assertEquals(odd, MAPPER.readTree(encoder.encode(null, odd)).textValue());
        assertEquals("42", json(Schema.INT32_SCHEMA, 42));
        assertEquals("-9223372036854775808", json(null, Long.MIN_VALUE));
        assertEquals("false", json(Schema.BOOLEAN_SCHEMA, false));
        assertEquals("1.0E10", json(null, 1e10f));
        assertEquals("[]", json(null, List.of()));
        assertEquals("{}", json(null, Map.of()));
    }

    @Test
    void bytesAreBase64() throws Exception {
        assertEquals("\"AQID/w==\"", json(Schema.BYTES_SCHEMA, new byte[] {1, 2, 3, (byte) 0xff}));
        ByteBuffer slice = ByteBuffer.wrap(new byte[] {9, 1, 2, 3, 9}, 1, 3);
        assertEquals("\"AQID\"", json(null, slice));
        assertEquals(1, slice.position());
        ByteBuffer direct = ByteBuffer.allocateDirect(3).put(new byte[] {1, 2, 3}).flip();
        assertEquals("\"AQID\"", json(Schema.OPTIONAL_BYTES_SCHEMA, direct));
        assertEquals("\"\"", json(null, new byte[0]));
    }

    @Test
    void nestedStructsMapsAndLists() throws Exception {
        Schema point = SchemaBuilder.struct().field("x", Schema.INT32_SCHEMA)
                .field("tags", SchemaBuilder.array(Schema.STRING_SCHEMA).optional().build()).optional().build();
        Schema schema = SchemaBuilder.struct()
                .field("tracks", SchemaBuilder.map(Schema.STRING_SCHEMA, SchemaBuilder.array(point).build()).build())
                .field("origin", point)
                .field("matrix", SchemaBuilder.array(SchemaBuilder.array(Schema.FLOAT64_SCHEMA).build()).build())
                .build();
        Struct a = new Struct(point).put("x", 1).put("tags", List.of("p", "q"));
        Struct b = new Struct(point).put("x", 2);
        Struct struct = new Struct(schema)
                .put("tracks", map("north", List.of(a, b), "south", List.of()))
                .put("matrix", List.of(List.of(1.5, 2.0), List.of()));
        assertEquals(tree("""
                {"tracks": {"north": [{"x": 1, "tags": ["p", "q"]}, {"x": 2, "tags": null}], "south": []},
                 "origin": null, "matrix": [[1.5, 2.0], []]}"""), tree(json(schema, struct)));
        // The same shape schemaless, with a Struct inside (which brings its own schema).
        Object schemaless = map("tracks", map("north", List.of(a)), "n", Arrays.asList(1, null, "s"));
        assertEquals(tree("{\"tracks\": {\"north\": [{\"x\": 1, \"tags\": [\"p\", \"q\"]}]}, \"n\": [1, null, \"s\"]}"),
                tree(json(null, schemaless)));
    }

    @Test
    void logicalTypesWithASchema() throws Exception {
        Schema schema = SchemaBuilder.struct()
                .field("price", Decimal.schema(9))
                .field("round", Decimal.schema(0))
                .field("cents", Decimal.builder(2).optional().build())
                .field("day", Date.SCHEMA)
                .field("since", Time.SCHEMA)
                .field("at", Timestamp.SCHEMA)
                .field("when", Timestamp.builder().optional().build())
                .build();
        Struct struct = new Struct(schema)
                .put("price", new BigDecimal("12345678901234567890.123456789"))
                .put("round", new BigDecimal("1E+3").setScale(0))
                .put("day", new java.util.Date(MARCH_1))
                .put("since", new java.util.Date(43_200_123L))
                .put("at", new java.util.Date(MARCH_1 + 43_200_123L));
        assertEquals("{\"price\":12345678901234567890.123456789,\"round\":1000,\"cents\":null,\"day\":\"2024-03-01\","
                + "\"since\":\"12:00:00.123\",\"at\":\"2024-03-01T12:00:00.123Z\",\"when\":null}",
                json(schema, struct));
        assertEquals("-0.50", json(Decimal.schema(2), new BigDecimal("-0.50")));
        assertEquals("1000", json(Decimal.schema(-3), new BigDecimal("1E+3")));
        assertEquals("\"1969-12-31T23:59:59.999Z\"", json(Timestamp.SCHEMA, new java.util.Date(-1)));
        assertEquals("\"00:00:00.000\"", json(Time.SCHEMA, new java.util.Date(0)));
    }

    @Test
    void logicalTypesInArraysMapsAndMapKeys() throws Exception {
        Schema days = SchemaBuilder.array(Date.SCHEMA).build();
        assertEquals("[\"2024-03-01\",\"1970-01-01\"]",
                json(days, List.of(new java.util.Date(MARCH_1), new java.util.Date(0))));
        Schema byDay = SchemaBuilder.map(Date.SCHEMA, Decimal.schema(1)).build();
        assertEquals("{\"2024-03-01\":2.5}", json(byDay, map(new java.util.Date(MARCH_1), new BigDecimal("2.5"))));
        Schema byPrice = SchemaBuilder.map(Decimal.schema(2), Timestamp.SCHEMA).build();
        assertEquals("{\"100.00\":\"1970-01-01T00:00:00.000Z\"}",
                json(byPrice, map(new BigDecimal("100.00"), new java.util.Date(0))));
    }

    @Test
    void schemalessDatesAndDecimals() throws Exception {
        Object value = map("at", new java.util.Date(MARCH_1 + 43_200_123L), "amount", new BigDecimal("1E+21"),
                "tiny", new BigDecimal("0.000000001"));
        assertEquals("{\"at\":\"2024-03-01T12:00:00.123Z\",\"amount\":1000000000000000000000,\"tiny\":0.000000001}",
                json(null, value));
    }

    @Test
    void nullsAndDefaults() throws Exception {
        Schema inner = SchemaBuilder.struct().field("v", Schema.INT32_SCHEMA).build();
        Schema schema = SchemaBuilder.struct()
                .field("level", SchemaBuilder.int32().defaultValue(5).build())
                .field("label", SchemaBuilder.string().optional().defaultValue("none").build())
                .field("opt", Schema.OPTIONAL_INT64_SCHEMA)
                .field("xs", SchemaBuilder.array(Schema.OPTIONAL_INT32_SCHEMA).build())
                .field("inner", inner)
                .build();
        Struct struct = new Struct(schema).put("xs", Arrays.asList(1, null))
                .put("inner", new Struct(inner).put("v", 1));
        // Struct.get applies the defaults of fields never set.
        assertEquals("{\"level\":5,\"label\":\"none\",\"opt\":null,\"xs\":[1,null],\"inner\":{\"v\":1}}",
                json(schema, struct));

        // A field never set, required and without a default: Struct.validate() would reject this struct (and so
        // would Struct.put, which validates a nested struct, hence the map around it).
        String message = failure(null, map("inner", new Struct(inner)));
        assertTrue(message.contains("the value at $.inner.v is null, but its schema (INT32) is not optional "
                + "and has no default"), message);

        Schema required = SchemaBuilder.array(Schema.STRING_SCHEMA).build();
        assertTrue(failure(required, Arrays.asList("a", null)).contains("$[1] is null"));
        Schema defaulted = SchemaBuilder.array(SchemaBuilder.string().defaultValue("?").build()).build();
        assertEquals("[\"a\",\"?\"]", json(defaulted, Arrays.asList("a", null)));
        assertEquals("{\"k\":null}", json(null, map("k", null)));
    }

    @Test
    void nonStringMapKeysBecomeTheTextOfTheirJsonScalar() throws Exception {
        Schema schema = SchemaBuilder.map(Schema.INT32_SCHEMA, Schema.STRING_SCHEMA).build();
        assertEquals("{\"1\":\"a\",\"-2\":\"b\"}", json(schema, map(1, "a", -2, "b")));
        assertEquals("{\"true\":1,\"1.5\":2,\"0.001\":3,\"AQI=\":4}",
                json(null, map(true, 1, 1.5, 2, new BigDecimal("1E-3"), 3, new byte[] {1, 2}, 4)));
        assertEquals("{\"1970-01-01T00:00:00.000Z\":0}", json(null, map(new java.util.Date(0), 0)));
    }

    @Test
    void mapKeyErrors() {
        String collision = failure(null, map(1, "a", "1", "b"));
        assertTrue(collision.contains("the map at $ has more than one key that becomes the JSON member name \"1\""),
                collision);
        String nullKey = failure(null, map("outer", map(null, 1)));
        assertTrue(nullKey.contains("the map at $.outer has a null key"), nullKey);
        String listKey = failure(null, map(List.of(1), 1));
        assertTrue(listKey.contains("has a key of type java.util."), listKey);
        String nanKey = failure(null, map(Double.NaN, 1));
        assertTrue(nanKey.contains("has the key NaN"), nanKey);
    }

    @Test
    void nanAndInfinityAreErrorsNamingThePath() {
        Schema schema = SchemaBuilder.struct().field("temp", Schema.FLOAT64_SCHEMA).build();
        String message = failure(schema, new Struct(schema).put("temp", Double.NaN));
        assertTrue(message.contains("the value at $.temp is NaN, which JSON cannot represent"), message);
        String infinite = failure(null, map("readings", List.of(1.0, 2.0, Double.POSITIVE_INFINITY)));
        assertTrue(infinite.contains("$.readings[2] is Infinity"), infinite);
        String floatNan = failure(Schema.FLOAT32_SCHEMA, Float.NEGATIVE_INFINITY);
        assertTrue(floatNan.contains("$ is -Infinity"), floatNan);
        String oddName = failure(null, map("a b", Float.NaN));
        assertTrue(oddName.contains("$[\"a b\"] is NaN"), oddName);
    }

    @Test
    void nestingUpToTheLimitAndNoFurther() throws Exception {
        Object value = "leaf";
        for (int i = 0; i < ValuePath.MAX_DEPTH; i++) {
            value = List.of(value);
        }
        String deepest = json(null, value);
        assertTrue(deepest.startsWith("[".repeat(100) + "\"leaf\""), deepest);
        String message = failure(null, List.of(value));
        assertTrue(message.contains("more than 100 levels deep (at $[0][0][0]"), message);

        Schema schema = SchemaBuilder.struct().field("v", Schema.INT32_SCHEMA).build();
        Struct struct = new Struct(schema).put("v", 1);
        for (int i = 0; i < ValuePath.MAX_DEPTH; i++) {
            schema = SchemaBuilder.struct().field("s", schema).build();
            struct = new Struct(schema).put("s", struct);
        }
        assertTrue(failure(schema, struct).contains("more than 100 levels deep (at $.s.s.s"));
    }

    @Test
    void selfContainingMapFailsInsteadOfLoopingForever() {
        Map<String, Object> self = new LinkedHashMap<>();
        self.put("self", self);
        String message = failure(null, self);
        assertTrue(message.contains("more than 100 levels deep (at $.self.self"), message);
        assertTrue(message.contains(" ... "), message);
        assertTrue(message.contains("a map or list that contains itself?"), message);
        List<Object> list = new ArrayList<>();
        list.add(list);
        assertTrue(failure(null, list).contains("more than 100 levels deep"));
    }

    @Test
    void valuesThatDoNotFitTheirSchemaAreErrors() {
        String message = failure(Schema.INT32_SCHEMA, "x");
        assertTrue(message.contains("the value at $ is a java.lang.String, but its schema (INT32) needs a "
                + "java.lang.Number"), message);
        // Struct.put checks the types, so the mismatches are in lists and maps.
        String decimal = failure(SchemaBuilder.array(Decimal.schema(2)).build(), List.of(1.5));
        assertTrue(decimal.contains("$[0] is a java.lang.Double, but its schema (BYTES "
                + "org.apache.kafka.connect.data.Decimal) needs a java.math.BigDecimal"), decimal);
        String day = failure(SchemaBuilder.map(Schema.STRING_SCHEMA, Date.SCHEMA).build(), map("d", 19_783));
        assertTrue(day.contains("$.d is a java.lang.Integer"), day);
        assertTrue(day.contains("needs a java.util.Date"), day);
        assertTrue(failure(Schema.BYTES_SCHEMA, "x").contains("needs a byte[] or ByteBuffer"));
        assertTrue(failure(SchemaBuilder.struct().build(), Map.of()).contains("needs a "
                + "org.apache.kafka.connect.data.Struct"));
    }

    @Test
    void unsupportedJavaTypesAreErrors() {
        String message = failure(null, map("id", UUID.randomUUID()));
        assertTrue(message.contains("the value at $.id is a java.util.UUID, which is not a Kafka Connect value"),
                message);
        String atomic = failure(null, new java.util.concurrent.atomic.AtomicLong(1));
        assertTrue(atomic.contains("not a Kafka Connect number type"), atomic);
    }

    @Test
    void temporalValuesConnectWouldRejectAreErrors() {
        Schema schema = SchemaBuilder.struct().field("day", Date.SCHEMA).field("at", Time.SCHEMA).build();
        Struct struct = new Struct(schema).put("day", new java.util.Date(MARCH_1 + 1)).put("at", new java.util.Date(0));
        String message = failure(schema, struct);
        assertTrue(message.contains("the Date value at $.day (2024-03-01T00:00:00.001Z) has a time of day"), message);
        struct.put("day", new java.util.Date(MARCH_1)).put("at", new java.util.Date(MARCH_1));
        String time = failure(schema, struct);
        assertTrue(time.contains("the Time value at $.at is " + MARCH_1 + " ms, outside the one day"), time);
    }

    @Test
    void decimalTooLongForPlainNotationIsAnError() {
        String message = failure(null, map("d", new BigDecimal("1E+10000")));
        assertTrue(message.contains("the decimal at $.d (1E+10000) cannot be written as a plain JSON number"),
                message);
    }

    @Test
    void roundTripsThroughTheSchemalessDecoder() throws Exception {
        PayloadDecoder decoder = PayloadDecoders.create(PayloadFormat.JSON, new DecoderOptions(true, null));
        // The types the schemaless decoder produces, so that the decoded value equals the original.
        Object value = map("id", "dev-1", "n", 42L, "t", -0.5, "ok", false, "none", null,
                "list", Arrays.asList(1L, null, "x", List.of(), Map.of()), "m", map("a", map("b", List.of(true))));
        assertEquals(value, decoder.decode("t", encoder.encode(null, value)).value());
        for (Object scalar : List.of("s", 1L, 2.5, true)) {
            assertEquals(scalar, decoder.decode("t", encoder.encode(null, scalar)).value());
        }
    }

    @Test
    void roundTripsThroughTheInferringDecoderAsJsonTrees() throws Exception {
        PayloadDecoder decoder = PayloadDecoders.create(PayloadFormat.JSON, DecoderOptions.defaults());
        String document = "{\"id\":\"dev-1\",\"loc\":{\"lat\":48.1,\"lon\":11.6},\"seq\":[1,2,3],"
                + "\"items\":[{\"a\":1,\"b\":null},{\"a\":null,\"b\":\"x\"}],\"none\":null,\"ok\":true}";
        SchemaAndValue decoded = decoder.decode("t", document.getBytes(UTF_8));
        assertEquals(tree(document), tree(json(decoded.schema(), decoded.value())));

        // Logical types come back as strings and numbers, but as the same JSON.
        Schema schema = SchemaBuilder.struct().field("price", Decimal.schema(2)).field("day", Date.SCHEMA)
                .field("at", Timestamp.SCHEMA).field("raw", Schema.BYTES_SCHEMA).build();
        Struct struct = new Struct(schema).put("price", new BigDecimal("19.99")).put("day", new java.util.Date(0))
                .put("at", new java.util.Date(MARCH_1)).put("raw", new byte[] {1});
        String first = json(schema, struct);
        SchemaAndValue again = decoder.decode("t", first.getBytes(UTF_8));
        assertEquals(tree(first), tree(json(again.schema(), again.value())));
        assertEquals(tree("""
                {"price": 19.99, "day": "1970-01-01", "at": "2024-03-01T00:00:00.000Z", "raw": "AQ=="}"""),
                tree(first));
    }

    @Test
    void encodesConcurrently() throws Exception {
        Schema schema = SchemaBuilder.struct().field("id", Schema.STRING_SCHEMA)
                .field("xs", SchemaBuilder.array(Schema.INT64_SCHEMA).build()).field("at", Timestamp.SCHEMA).build();
        Struct struct = new Struct(schema).put("id", "dev").put("xs", List.of(1L, 2L))
                .put("at", new java.util.Date(MARCH_1));
        byte[] expected = encoder.encode(schema, struct);
        assertTrue(IntStream.range(0, 2000).parallel().allMatch(i -> {
            try {
                return Arrays.equals(expected, encoder.encode(schema, struct));
            } catch (PayloadEncodingException e) {
                return false;
            }
        }));
    }
}
