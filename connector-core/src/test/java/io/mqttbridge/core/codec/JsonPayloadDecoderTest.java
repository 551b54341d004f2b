package io.mqttbridge.core.codec;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

class JsonPayloadDecoderTest {
    private final PayloadDecoder decoder = PayloadDecoders.create(PayloadFormat.JSON, DecoderOptions.defaults());
    private final PayloadDecoder schemaless =
            PayloadDecoders.create(PayloadFormat.JSON, new DecoderOptions(true, null));

    private SchemaAndValue decode(String json) throws PayloadDecodingException {
        return decoder.decode("t", json.getBytes(UTF_8));
    }

    private String failure(PayloadDecoder d, String json) {
        return assertThrows(PayloadDecodingException.class, () -> d.decode("t", json.getBytes(UTF_8)))
                .getMessage();
    }

    private String failure(String json) {
        return failure(decoder, json);
    }

    @Test
    void objectBecomesStructWithFieldsInDocumentOrder() throws Exception {
        SchemaAndValue result = decode("{\"id\":\"dev-1\",\"temp\":21.5,\"count\":3,\"ok\":true,\"note\":null}");
        Schema schema = result.schema();
        assertEquals(Schema.Type.STRUCT, schema.type());
        assertFalse(schema.isOptional());
        assertEquals(List.of("id", "temp", "count", "ok", "note"), schema.fields().stream().map(Field::name).toList());
        assertEquals(Schema.OPTIONAL_STRING_SCHEMA, schema.field("id").schema());
        assertEquals(Schema.OPTIONAL_FLOAT64_SCHEMA, schema.field("temp").schema());
        assertEquals(Schema.OPTIONAL_INT64_SCHEMA, schema.field("count").schema());
        assertEquals(Schema.OPTIONAL_BOOLEAN_SCHEMA, schema.field("ok").schema());
        assertEquals(Schema.OPTIONAL_STRING_SCHEMA, schema.field("note").schema());
        Struct struct = (Struct) result.value();
        struct.validate();
        assertEquals("dev-1", struct.get("id"));
        assertEquals(21.5, struct.get("temp"));
        assertEquals(3L, struct.get("count"));
        assertEquals(true, struct.get("ok"));
        assertNull(struct.get("note"));
    }

    @Test
    void nestedObjectsAndSchemasEqualForEqualShapes() throws Exception {
        SchemaAndValue a = decode("{\"device\":{\"id\":1,\"loc\":{\"lat\":1.5}},\"v\":[1,2]}");
        SchemaAndValue b = decode("{\"device\":{\"id\":9,\"loc\":{\"lat\":-3.25}},\"v\":[]}");
        Schema device = a.schema().field("device").schema();
        assertTrue(device.isOptional());
        assertEquals(Schema.OPTIONAL_FLOAT64_SCHEMA, device.field("loc").schema().field("lat").schema());
        assertEquals(-3.25, ((Struct) b.value()).getStruct("device").getStruct("loc").get("lat"));
        assertEquals(a.schema().field("device").schema(), b.schema().field("device").schema());
        assertEquals(decode("{\"device\":{\"id\":2,\"loc\":{\"lat\":0.0}},\"v\":[3]}").schema(), a.schema());
    }

    @Test
    void topLevelPrimitivesAndArrays() throws Exception {
        assertEquals(new SchemaAndValue(Schema.INT64_SCHEMA, 42L), decode("42"));
        assertEquals(new SchemaAndValue(Schema.FLOAT64_SCHEMA, 1000.0), decode("1e3"));
        assertEquals(new SchemaAndValue(Schema.STRING_SCHEMA, "hi"), decode(" \"hi\"\n"));
        assertEquals(new SchemaAndValue(Schema.BOOLEAN_SCHEMA, false), decode("false"));
        SchemaAndValue array = decode("[1,2,3]");
        assertEquals(SchemaBuilder.array(Schema.OPTIONAL_INT64_SCHEMA).build(), array.schema());
        assertEquals(List.of(1L, 2L, 3L), array.value());
    }

    @Test
    void nullDocumentIsANullValue() throws Exception {
        assertEquals(SchemaAndValue.NULL, decode("null"));
        assertEquals(SchemaAndValue.NULL, schemaless.decode("t", "null".getBytes(UTF_8)));
    }

    @Test
    void arraysUnifyIntegersAndDecimals() throws Exception {
        SchemaAndValue result = decode("[1, 2.5, null, -3]");
        assertEquals(SchemaBuilder.array(Schema.OPTIONAL_FLOAT64_SCHEMA).build(), result.schema());
        assertEquals(Arrays.asList(1.0, 2.5, null, -3.0), result.value());
    }

    @Test
    void emptyAndAllNullArraysAreArraysOfOptionalString() throws Exception {
        Schema expected = SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA).optional().build();
        SchemaAndValue result = decode("{\"a\":[],\"b\":[null]}");
        assertEquals(expected, result.schema().field("a").schema());
        assertEquals(expected, result.schema().field("b").schema());
        assertEquals(List.of(), ((Struct) result.value()).getArray("a"));
        assertEquals(Arrays.asList((Object) null), ((Struct) result.value()).getArray("b"));
    }

    @Test
    void structElementsMergeTheirFields() throws Exception {
        SchemaAndValue result = decode("[{\"a\":1,\"b\":null},{\"b\":\"x\",\"c\":true},{\"a\":2.5}]");
        Schema element = result.schema().valueSchema();
        assertEquals(List.of("a", "b", "c"), element.fields().stream().map(Field::name).toList());
        assertEquals(Schema.OPTIONAL_FLOAT64_SCHEMA, element.field("a").schema());
        assertEquals(Schema.OPTIONAL_STRING_SCHEMA, element.field("b").schema());
        assertEquals(Schema.OPTIONAL_BOOLEAN_SCHEMA, element.field("c").schema());
        @SuppressWarnings("unchecked")
        List<Struct> structs = (List<Struct>) result.value();
        assertEquals(1.0, structs.get(0).get("a"));
        assertNull(structs.get(0).get("c"));
        assertEquals("x", structs.get(1).get("b"));
        assertNull(structs.get(1).get("a"));
        assertEquals(2.5, structs.get(2).get("a"));
        structs.forEach(Struct::validate);
    }

    @Test
    void nestedArraysUnify() throws Exception {
        SchemaAndValue result = decode("[[], [1], [null, 2.0]]");
        assertEquals(SchemaBuilder.array(SchemaBuilder.array(Schema.OPTIONAL_FLOAT64_SCHEMA).optional().build())
                .build(), result.schema());
        assertEquals(List.of(List.of(), List.of(1.0), Arrays.asList(null, 2.0)), result.value());
    }

    @Test
    void conflictingArrayElementsNameTheJsonPath() {
        String message = failure("{\"readings\":[1, 2, \"three\"]}");
        assertTrue(message.contains("$.readings[2]"), message);
        assertTrue(message.contains("a string"), message);
        assertTrue(message.contains("an integer"), message);
        String nested = failure("{\"a\":[{\"b\":1},{\"b\":{\"c\":1}}]}");
        assertTrue(nested.contains("$.a[1].b"), nested);
        String inner = failure("[[1],[true]]");
        // inside nested arrays the element index is not kept: [*] stands for "an element"
        assertTrue(inner.contains("$[1][*]"), inner);
        String quoted = failure("{\"a b\":[true, []]}");
        assertTrue(quoted.contains("$[\"a b\"][1]"), quoted);
    }

    @Test
    void schemalessGivesMapsListsAndPrimitives() throws Exception {
        SchemaAndValue result = schemaless.decode("t",
                "{\"id\":\"d\",\"n\":7,\"x\":1.5,\"ok\":true,\"none\":null,\"list\":[1,\"a\",{\"k\":[]}]}"
                        .getBytes(UTF_8));
        assertNull(result.schema());
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("id", "d");
        expected.put("n", 7L);
        expected.put("x", 1.5);
        expected.put("ok", true);
        expected.put("none", null);
        expected.put("list", List.of(1L, "a", Map.of("k", List.of())));
        assertEquals(expected, result.value());
        assertEquals(List.copyOf(expected.keySet()),
                List.copyOf(((Map<?, ?>) result.value()).keySet()));
        assertEquals(5L, schemaless.decode("t", "5".getBytes(UTF_8)).value());
    }

    @Test
    void integersBeyond64BitsAreAnError() {
        String message = failure("{\"big\":18446744073709551616}");
        assertTrue(message.contains("$.big"), message);
        assertTrue(message.contains("does not fit in 64 bits"), message);
        assertTrue(failure(schemaless, "[18446744073709551616]").contains("$[0]"));
        assertEquals(Long.MAX_VALUE, assertInstanceOf(Long.class,
                assertDoesNotThrowDecode("9223372036854775807").value()));
    }

    private SchemaAndValue assertDoesNotThrowDecode(String json) {
        try {
            return decode(json);
        } catch (PayloadDecodingException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void numbersBeyondDoubleRangeAreAnError() {
        assertTrue(failure("{\"x\":1e400}").contains("out of the range of a 64-bit float"));
    }

    @Test
    void malformedJsonSaysLineAndColumn() {
        String message = failure("{\n  \"a\": 1,\n  \"b\": }");
        assertTrue(message.startsWith("invalid JSON at line 3, column "), message);
        assertTrue(failure("{\"a\":1").contains("invalid JSON"));
        assertTrue(failure("{'a':1}").contains("invalid JSON at line 1, column 2"), failure("{'a':1}"));
        assertTrue(failure("NaN").contains("invalid JSON"));
        assertTrue(failure(schemaless, "[1,]").contains("invalid JSON"));
    }

    @Test
    void rejectsDuplicateKeys() {
        String message = failure("{\"a\":1,\"a\":2}");
        assertTrue(message.contains("Duplicate field 'a'"), message);
        assertTrue(failure(schemaless, "{\"o\":{\"a\":1,\"a\":1}}").contains("Duplicate field 'a'"));
    }

    @Test
    void rejectsTrailingContent() {
        String message = failure("{\"a\":1} {\"a\":2}");
        assertTrue(message.contains("Trailing token"), message);
        assertTrue(failure("1 2").contains("invalid JSON"));
        assertTrue(failure(schemaless, "[1]x").contains("invalid JSON"));
    }

    @Test
    void rejectsEmptyAndBlankPayloads() {
        String empty = assertThrows(PayloadDecodingException.class, () -> decoder.decode("t", new byte[0]))
                .getMessage();
        assertTrue(empty.contains("payload is empty"), empty);
        assertThrows(PayloadDecodingException.class, () -> schemaless.decode("t", new byte[0]));
        assertTrue(failure(" \n\t").contains("only whitespace"));
    }

    @Test
    void rejectsInvalidUtf8() {
        byte[] payload = {'{', '"', 'a', '"', ':', '"', (byte) 0xff, '"', '}'};
        String message = assertThrows(PayloadDecodingException.class, () -> decoder.decode("t", payload))
                .getMessage();
        assertTrue(message.contains("invalid JSON at line 1"), message);
        assertTrue(message.contains("UTF-8"), message);
    }
}
