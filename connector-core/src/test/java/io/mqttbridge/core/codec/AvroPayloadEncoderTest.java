package io.mqttbridge.core.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AvroPayloadEncoderTest {
    private static final String READING = """
            {"type": "record", "name": "Reading", "namespace": "com.acme", "doc": "A sensor reading",
             "fields": [
              {"name": "device", "type": "string", "doc": "the device id"},
              {"name": "seq", "type": "long"},
              {"name": "count", "type": "int"},
              {"name": "temp", "type": "float"},
              {"name": "precise", "type": "double"},
              {"name": "ok", "type": "boolean"},
              {"name": "raw", "type": "bytes"},
              {"name": "mac", "type": {"type": "fixed", "name": "Mac", "size": 6}},
              {"name": "state", "type": {"type": "enum", "name": "State", "symbols": ["ON", "OFF"]}},
              {"name": "tags", "type": {"type": "array", "items": "string"}},
              {"name": "attrs", "type": {"type": "map", "values": "int"}},
              {"name": "note", "type": ["null", "string"], "default": null},
              {"name": "location", "type": ["null", {"type": "record", "name": "Location",
                "fields": [{"name": "lat", "type": "double"}, {"name": "lon", "type": "double"}]}]},
              {"name": "day", "type": {"type": "int", "logicalType": "date"}},
              {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "since", "type": {"type": "int", "logicalType": "time-millis"}},
              {"name": "price", "type": {"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2}},
              {"name": "total", "type": {"type": "fixed", "name": "Money", "size": 8, "logicalType": "decimal",
                "precision": 18, "scale": 3}}
             ]}
            """;
    private static final long DAY = 86_400_000L;

    @TempDir
    Path dir;
    private int files;

    private Path schemaFile(String json) throws IOException {
        return Files.writeString(dir.resolve("s" + files++ + ".avsc"), json);
    }

    private PayloadEncoder encoder(String json) throws IOException {
        return PayloadEncoders.create(PayloadFormat.AVRO, new EncoderOptions(schemaFile(json)));
    }

    private PayloadDecoder decoder(String json) throws IOException {
        return PayloadDecoders.create(PayloadFormat.AVRO, new DecoderOptions(false, schemaFile(json)));
    }

    /** Encodes with a fresh encoder and decodes with the decoder of the same schema. */
    private Object roundTrip(String json, Object value) throws Exception {
        return decoder(json).decode("t", encoder(json).encode(null, value)).value();
    }

    private String failure(String json, Object value) throws IOException {
        PayloadEncoder encoder = encoder(json);
        return assertThrows(PayloadEncodingException.class, () -> encoder.encode(null, value)).getMessage();
    }

    private static org.apache.avro.Schema parse(String json) {
        return new org.apache.avro.Schema.Parser().parse(json);
    }

    /** The Connect schema the decoder gives this Avro schema: values built with it round-trip to equal values. */
    private static Schema connectSchema(String json) {
        return AvroConnectConverter.forSchema(parse(json)).schema();
    }

    /** Reads a payload with Avro itself, for what the Connect decoder cannot represent (general unions, recursion). */
    private static Object readGeneric(String json, byte[] payload) throws IOException {
        return new GenericDatumReader<>(parse(json)).read(null, DecoderFactory.get().binaryDecoder(payload, null));
    }

    private static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private static Struct reading(boolean withOptionals) {
        Schema schema = connectSchema(READING);
        Struct s = new Struct(schema)
                .put("device", "dev-1").put("seq", 1L << 40).put("count", 7).put("temp", 21.5f)
                .put("precise", 0.125).put("ok", true).put("raw", new byte[] {1, 2, 3})
                .put("mac", new byte[] {10, 11, 12, 13, 14, 15}).put("state", "OFF").put("tags", List.of("a", "b"))
                .put("attrs", Map.of("x", 1)).put("day", new java.util.Date(19_000L * DAY))
                .put("at", new java.util.Date(1_700_000_000_123L)).put("since", new java.util.Date(3_600_000L))
                .put("price", new BigDecimal("-123.45")).put("total", new BigDecimal("9876.543"));
        if (withOptionals) {
            Schema location = schema.field("location").schema();
            s.put("note", "hello").put("location", new Struct(location).put("lat", 48.1).put("lon", 11.6));
        }
        return s;
    }

    @Test
    void everyTypeRoundTripsThroughTheDecoder() throws Exception {
        for (boolean withOptionals : new boolean[] {true, false}) {
            Struct struct = reading(withOptionals);
            assertEquals(struct, roundTrip(READING, struct));
        }
    }

    @Test
    void writesTheBytesAvroItselfWrites() throws Exception {
        org.apache.avro.Schema avro = parse(READING);
        GenericRecord r = new GenericData.Record(avro);
        r.put("device", "dev-1");
        r.put("seq", 1L << 40);
        r.put("count", 7);
        r.put("temp", 21.5f);
        r.put("precise", 0.125);
        r.put("ok", true);
        r.put("raw", ByteBuffer.wrap(new byte[] {1, 2, 3}));
        r.put("mac", new GenericData.Fixed(avro.getField("mac").schema(), new byte[] {10, 11, 12, 13, 14, 15}));
        r.put("state", new GenericData.EnumSymbol(avro.getField("state").schema(), "OFF"));
        r.put("tags", List.of("a", "b"));
        r.put("attrs", Map.of("x", 1));
        r.put("note", "hello");
        GenericRecord loc = new GenericData.Record(avro.getField("location").schema().getTypes().get(1));
        loc.put("lat", 48.1);
        loc.put("lon", 11.6);
        r.put("location", loc);
        r.put("day", 19_000);
        r.put("at", 1_700_000_000_123L);
        r.put("since", 3_600_000);
        r.put("price", ByteBuffer.wrap(new BigDecimal("-123.45").unscaledValue().toByteArray()));
        byte[] total = new byte[8];
        byte[] unscaled = new BigDecimal("9876.543").unscaledValue().toByteArray();
        System.arraycopy(unscaled, 0, total, 8 - unscaled.length, unscaled.length);
        r.put("total", new GenericData.Fixed(avro.getField("total").schema(), total));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder binary = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<>(avro).write(r, binary);
        binary.flush();

        PayloadEncoder encoder = encoder(READING);
        Struct struct = reading(true);
        assertArrayEquals(out.toByteArray(), encoder.encode(struct.schema(), struct));
        // The Connect schema is not consulted: the Avro schema and the values' Java types decide.
        assertArrayEquals(out.toByteArray(), encoder.encode(null, struct));
    }

    @Test
    void mapsAreRecordsMatchedByFieldNameAndNumbersWiden() throws Exception {
        String json = """
                {"type": "record", "name": "N", "fields": [
                  {"name": "i", "type": "int"}, {"name": "l", "type": "long"}, {"name": "f", "type": "float"},
                  {"name": "d", "type": "double"}, {"name": "di", "type": "double"}]}""";
        Map<String, Object> value = map("d", 1.5f, "f", 2.5f, "l", 5, "i", (short) 3, "di", 7, "extra", "ignored");
        Struct decoded = (Struct) roundTrip(json, value);
        assertEquals(new Struct(connectSchema(json)).put("i", 3).put("l", 5L).put("f", 2.5f).put("d", 1.5)
                .put("di", 7.0), decoded);
        assertEquals(3, ((Struct) roundTrip(json, map("i", (byte) 3, "l", 5L, "f", 2.5f, "d", 1.5, "di", 1)))
                .get("i"));
    }

    @Test
    void numbersDoNotNarrow() throws Exception {
        String json = """
                {"type": "record", "name": "N", "fields": [
                  {"name": "i", "type": "int"}, {"name": "f", "type": "float"}, {"name": "d", "type": "double"}]}""";
        String longIntoInt = failure(json, map("i", 1L, "f", 1f, "d", 1.0));
        assertTrue(longIntoInt.contains("the value at $.i is a java.lang.Long, but its Avro type int needs an INT8, "
                + "INT16 or INT32 integer"), longIntoInt);
        assertTrue(failure(json, map("i", 1, "f", 1.0, "d", 1.0)).contains("$.f is a java.lang.Double"));
        assertTrue(failure(json, map("i", 1, "f", 1f, "d", 1L)).contains("$.d is a java.lang.Long"));
        assertTrue(failure(json, map("i", 1, "f", 1, "d", 1.0)).contains("$.f is a java.lang.Integer"));
    }

    @Test
    void missingFieldsTakeTheAvroDefault() throws Exception {
        String json = """
                {"type": "record", "name": "R", "fields": [
                  {"name": "id", "type": "string"},
                  {"name": "level", "type": "int", "default": 3},
                  {"name": "name", "type": "string", "default": "anon"},
                  {"name": "state", "type": {"type": "enum", "name": "S", "symbols": ["ON", "OFF"]}, "default": "OFF"},
                  {"name": "raw", "type": "bytes", "default": "\\u0001\\u0002"},
                  {"name": "loc", "type": {"type": "record", "name": "L", "fields": [
                    {"name": "lat", "type": "double"}, {"name": "lon", "type": "double", "default": 0.5}]},
                   "default": {"lat": 1.5}},
                  {"name": "note", "type": ["null", "string"], "default": null},
                  {"name": "label", "type": ["string", "null"], "default": "x"},
                  {"name": "tags", "type": {"type": "array", "items": "string"}, "default": ["t"]}]}""";
        Schema schema = connectSchema(json);
        Struct defaults = new Struct(schema).put("id", "a").put("level", 3).put("name", "anon").put("state", "OFF")
                .put("raw", new byte[] {1, 2}).put("loc", new Struct(schema.field("loc").schema())
                        .put("lat", 1.5).put("lon", 0.5)).put("label", "x").put("tags", List.of("t"));
        PayloadEncoder encoder = encoder(json);
        PayloadDecoder decoder = decoder(json);
        // Twice: the defaults are shared between calls and must come out the same.
        for (int i = 0; i < 2; i++) {
            assertEquals(defaults, decoder.decode("t", encoder.encode(null, map("id", "a"))).value());
        }
        // A struct of another schema, lacking the fields, the same.
        Schema idOnly = SchemaBuilder.struct().field("id", Schema.STRING_SCHEMA).build();
        assertEquals(defaults, decoder.decode("t", encoder.encode(idOnly, new Struct(idOnly).put("id", "a"))).value());
        // Null where the type does not allow it takes the default; where it does, stays null.
        Map<String, Object> nulls = map("id", "a", "level", null, "label", null, "loc", map("lat", 2.0, "lon", null));
        Struct decoded = (Struct) decoder.decode("t", encoder.encode(null, nulls)).value();
        assertEquals(3, decoded.get("level"));
        assertNull(decoded.get("label"));
        assertEquals(0.5, decoded.getStruct("loc").get("lon"));
    }

    @Test
    void missingFieldsWithoutDefaultAreErrorsNamingThePath() throws Exception {
        String message = failure(READING, map("device", "d"));
        assertTrue(message.contains("the field $.seq of Avro record com.acme.Reading is missing from the value, and "
                + "the field has no default in the Avro schema"), message);
        Struct struct = reading(false);
        Map<String, Object> asMap = new HashMap<>();
        for (org.apache.kafka.connect.data.Field f : struct.schema().fields()) {
            asMap.put(f.name(), struct.get(f));
        }
        asMap.put("location", map("lat", 1.0));
        String nested = failure(READING, asMap);
        assertTrue(nested.contains("the field $.location.lon of Avro record com.acme.Location is missing"), nested);
        asMap.put("location", null);
        asMap.put("count", null);
        String nullCount = failure(READING, asMap);
        assertTrue(nullCount.contains("the field $.count of Avro record com.acme.Reading is null, but its type int "
                + "does not allow null, and the field has no default"), nullCount);
    }

    @Test
    void decimalsAreRescaledOnlyWhenExact() throws Exception {
        String json = """
                {"type": "record", "name": "D", "fields": [
                  {"name": "p", "type": {"type": "bytes", "logicalType": "decimal", "precision": 6, "scale": 2}},
                  {"name": "f", "type": {"type": "fixed", "name": "F", "size": 4, "logicalType": "decimal",
                   "precision": 9, "scale": 3}}]}""";
        Struct decoded = (Struct) roundTrip(json, map("p", new BigDecimal("1.5"), "f", new BigDecimal("-9876.5")));
        assertEquals(new BigDecimal("1.50"), decoded.get("p"));
        assertEquals(new BigDecimal("-9876.500"), decoded.get("f"));
        decoded = (Struct) roundTrip(json, map("p", new BigDecimal("1.200"), "f", new BigDecimal("-0.001")));
        assertEquals(new BigDecimal("1.20"), decoded.get("p"));
        assertEquals(new BigDecimal("-0.001"), decoded.get("f"));
        assertEquals(new BigDecimal("999999.999"),
                ((Struct) roundTrip(json, map("p", BigDecimal.ZERO, "f", new BigDecimal("999999.999")))).get("f"));

        String inexact = failure(json, map("p", new BigDecimal("1.234"), "f", BigDecimal.ONE));
        assertTrue(inexact.contains("the decimal at $.p (1.234) has scale 3, and its Avro type bytes (decimal) has "
                + "scale 2: rescaling would round it"), inexact);
        String tooLong = failure(json, map("p", new BigDecimal("12345.6"), "f", BigDecimal.ONE));
        assertTrue(tooLong.contains("the decimal at $.p (12345.6) has 7 digits at scale 2, more than the precision 6"),
                tooLong);
        assertTrue(failure(json, map("p", BigDecimal.ONE, "f", new BigDecimal("-1000000")))
                .contains("more than the precision 9 of its Avro type F (decimal)"));
        assertTrue(failure(json, map("p", 1.5, "f", BigDecimal.ONE))
                .contains("$.p is a java.lang.Double, but its Avro type bytes (decimal) needs a Decimal (BigDecimal)"));
    }

    @Test
    void unknownEnumSymbolIsAnError() throws Exception {
        Struct struct = reading(true).put("state", "DIM");
        String message = failure(READING, struct);
        assertTrue(message.contains("the value at $.state is 'DIM', which is not a symbol of the Avro enum "
                + "com.acme.State [ON, OFF]"), message);
    }

    @Test
    void fixedSizeMismatchIsAnError() throws Exception {
        String message = failure(READING, reading(true).put("mac", new byte[] {1, 2, 3, 4, 5}));
        assertTrue(message.contains("the value at $.mac has 5 bytes, but the Avro fixed com.acme.Mac has exactly 6"),
                message);
        ByteBuffer six = ByteBuffer.wrap(new byte[] {0, 1, 2, 3, 4, 5, 6, 7}, 1, 6);
        Struct decoded = (Struct) roundTrip(READING, reading(true).put("mac", six));
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6}, decoded.getBytes("mac"));
        assertEquals(1, six.position());
    }

    @Test
    void logicalTypesFromConnectValuesAndFromTheirUnderlyingIntegers() throws Exception {
        String json = """
                {"type": "record", "name": "T", "fields": [
                  {"name": "day", "type": {"type": "int", "logicalType": "date"}},
                  {"name": "since", "type": {"type": "int", "logicalType": "time-millis"}},
                  {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
                  {"name": "micros", "type": {"type": "long", "logicalType": "timestamp-micros"}}]}""";
        Struct expected = new Struct(connectSchema(json)).put("day", new java.util.Date(19_783L * DAY))
                .put("since", new java.util.Date(43_200_123L)).put("at", new java.util.Date(-1L)).put("micros", 7L);
        assertEquals(expected, roundTrip(json, map("day", new java.util.Date(19_783L * DAY),
                "since", new java.util.Date(43_200_123L), "at", new java.util.Date(-1L), "micros", 7L)));
        assertEquals(expected, roundTrip(json, map("day", 19_783, "since", 43_200_123, "at", -1L, "micros", 7)));
        assertEquals(new java.util.Date(-DAY), ((Struct) roundTrip(json,
                map("day", new java.util.Date(-DAY), "since", 0, "at", 0L, "micros", 0L))).get("day"));

        String notMidnight = failure(json, map("day", new java.util.Date(DAY + 1), "since", 0, "at", 0L, "micros", 0L));
        assertTrue(notMidnight.contains("the Date value at $.day (1970-01-02T00:00:00.001Z) has a time of day"),
                notMidnight);
        String late = failure(json, map("day", 0, "since", new java.util.Date(DAY), "at", 0L, "micros", 0L));
        assertTrue(late.contains("the Time value at $.since is 86400000 ms, outside the one day"), late);
        String micros = failure(json, map("day", 0, "since", 0, "at", 0L, "micros", new java.util.Date(0)));
        assertTrue(micros.contains("$.micros is a java.util.Date, but its Avro type long (timestamp-micros) needs"),
                micros);
    }

    @Test
    void generalUnionsTakeTheFirstBranchThatAcceptsTheValue() throws Exception {
        String json = """
                ["null", "int", "string", {"type": "array", "items": "long"},
                 {"type": "enum", "name": "E", "symbols": ["ON", "OFF"]}]""";
        PayloadEncoder encoder = encoder(json);
        assertEquals(5, readGeneric(json, encoder.encode(null, 5)));
        assertEquals(5, readGeneric(json, encoder.encode(null, (short) 5)));
        // "ON" is a string first: the string branch comes before the enum.
        assertEquals("ON", readGeneric(json, encoder.encode(null, "ON")).toString());
        assertEquals(List.of(1L, 2L), readGeneric(json, encoder.encode(null, List.of(1, 2L))));
        String message = assertThrows(PayloadEncodingException.class, () -> encoder.encode(null, true)).getMessage();
        assertTrue(message.contains("$ is a java.lang.Boolean, but its Avro type [null, int, string, array, E] "
                + "needs"), message);
        assertTrue(message.contains("needs an INT8, INT16 or INT32 integer, or a String, or a List, or a String "
                + "holding one of its symbols"), message);

        String widening = "[\"long\", \"int\"]";
        assertEquals(5L, readGeneric(widening, encoder(widening).encode(null, 5)));
        String enumFirst = "[{\"type\": \"enum\", \"name\": \"E\", \"symbols\": [\"ON\"]}, \"string\"]";
        PayloadEncoder enums = encoder(enumFirst);
        assertInstanceOf(GenericData.EnumSymbol.class, readGeneric(enumFirst, enums.encode(null, "ON")));
        assertEquals("OFF", readGeneric(enumFirst, enums.encode(null, "OFF")).toString());
    }

    @Test
    void unionOfRecordsPicksTheFirstThatConverts() throws Exception {
        String json = """
                [{"type": "record", "name": "A", "fields": [{"name": "a", "type": "int"}]},
                 {"type": "record", "name": "B", "fields": [{"name": "b", "type": "string"}]}]""";
        PayloadEncoder encoder = encoder(json);
        GenericRecord b = (GenericRecord) readGeneric(json, encoder.encode(null, map("b", "x")));
        assertEquals("B", b.getSchema().getName());
        assertEquals("x", b.get("b").toString());
        GenericRecord a = (GenericRecord) readGeneric(json, encoder.encode(null, map("a", 1, "b", "x")));
        assertEquals("A", a.getSchema().getName());
        String message = assertThrows(PayloadEncodingException.class, () -> encoder.encode(null, map("c", 1)))
                .getMessage();
        assertTrue(message.contains("no branch of the Avro union [A, B] at $ takes the value"), message);
        assertTrue(message.contains("the first that could said: the field $.a of Avro record A is missing"), message);
    }

    @Test
    void topLevelValuesOfOtherTypes() throws Exception {
        assertEquals("hi", roundTrip("\"string\"", "hi"));
        assertEquals(5L, roundTrip("[\"null\", \"long\"]", 5));
        String optionalInts = "{\"type\": \"array\", \"items\": [\"int\", \"null\"]}";
        assertEquals(Arrays.asList(1, null, 3), roundTrip(optionalInts, Arrays.asList(1, null, 3)));
        assertEquals(Map.of("k", List.of(1.5)),
                roundTrip("{\"type\": \"map\", \"values\": {\"type\": \"array\", \"items\": \"double\"}}",
                        Map.of("k", List.of(1.5))));
        assertArrayEquals(new byte[] {7}, (byte[]) roundTrip("\"bytes\"", ByteBuffer.wrap(new byte[] {7})));
        assertTrue(failure("\"string\"", 5).contains("the value at $ is a java.lang.Integer, but its Avro type "
                + "string needs a String"));
        assertTrue(failure("\"null\"", 5).contains("needs null"));
    }

    @Test
    void valuesThatDoNotFitAreErrorsNamingThePath() throws Exception {
        Struct struct = reading(true);
        Map<String, Object> asMap = new HashMap<>();
        for (org.apache.kafka.connect.data.Field f : struct.schema().fields()) {
            asMap.put(f.name(), struct.get(f));
        }
        asMap.put("device", 5);
        assertTrue(failure(READING, asMap).contains("the value at $.device is a java.lang.Integer, but its Avro "
                + "type string needs a String"));
        asMap.put("device", "d");
        asMap.put("attrs", Map.of(1, 2));
        String key = failure(READING, asMap);
        assertTrue(key.contains("the map at $.attrs has a key of type java.lang.Integer (1), but Avro map keys are "
                + "strings"), key);
        asMap.put("attrs", map("a b", null));
        assertTrue(failure(READING, asMap).contains("the value at $.attrs[\"a b\"] is null, but the map's value type "
                + "int does not allow null"));
        asMap.put("attrs", Map.of());
        asMap.put("tags", Arrays.asList("a", null));
        assertTrue(failure(READING, asMap).contains("the element at $.tags[1] is null, but the array's element type "
                + "string does not allow null"));
        asMap.put("tags", List.of());
        asMap.put("location", "here");
        assertTrue(failure(READING, asMap).contains("$.location is a java.lang.String, but its Avro type"));
        asMap.put("location", null);
        asMap.put("device", "ab\uD800");
        assertTrue(failure(READING, asMap).contains("the string at $.device has an unpaired UTF-16 surrogate "
                + "(\\uD800) at index 2"));
        asMap.put("device", "d");
        asMap.put("attrs", map("\uDC00", 1));
        assertTrue(failure(READING, asMap).contains("the map key at $.attrs[\"\uDC00\"] has an unpaired"));
    }

    @Test
    void recursiveSchemasNestUpToTheLimit() throws Exception {
        String json = """
                {"type": "record", "name": "Node", "fields": [
                  {"name": "value", "type": "int"}, {"name": "next", "type": ["null", "Node"], "default": null}]}""";
        PayloadEncoder encoder = encoder(json);
        Map<String, Object> chain = map("value", 0);
        for (int i = 1; i < ValuePath.MAX_DEPTH; i++) {
            chain = map("value", i, "next", chain);
        }
        GenericRecord read = (GenericRecord) readGeneric(json, encoder.encode(null, chain));
        int depth = 1;
        while (read.get("next") != null) {
            read = (GenericRecord) read.get("next");
            depth++;
        }
        assertEquals(ValuePath.MAX_DEPTH, depth);
        assertEquals(0, read.get("value"));

        Map<String, Object> tooDeep = map("value", -1, "next", chain);
        String message = assertThrows(PayloadEncodingException.class, () -> encoder.encode(null, tooDeep))
                .getMessage();
        assertTrue(message.contains("more than 100 levels deep (at $.next.next.next"), message);

        Map<String, Object> self = map("value", 1);
        self.put("next", self);
        String cycle = assertThrows(PayloadEncodingException.class, () -> encoder.encode(null, self)).getMessage();
        assertTrue(cycle.contains("a map or list that contains itself?"), cycle);
    }

    @Test
    void encodesConcurrently() throws Exception {
        PayloadEncoder encoder = encoder(READING);
        Struct struct = reading(true);
        byte[] expected = encoder.encode(null, struct);
        assertTrue(IntStream.range(0, 2000).parallel().allMatch(i -> {
            try {
                return Arrays.equals(expected, encoder.encode(null, struct));
            } catch (PayloadEncodingException e) {
                return false;
            }
        }));
    }
}
