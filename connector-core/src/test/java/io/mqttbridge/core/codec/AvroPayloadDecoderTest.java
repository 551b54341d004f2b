package io.mqttbridge.core.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AvroPayloadDecoderTest {
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

    @TempDir
    Path dir;

    private Path schemaFile(String name, String json) throws IOException {
        return Files.writeString(dir.resolve(name), json);
    }

    private PayloadDecoder decoder(String json) throws IOException {
        return PayloadDecoders.create(PayloadFormat.AVRO, new DecoderOptions(false, schemaFile("s.avsc", json)));
    }

    private String createFailure(String json) throws IOException {
        Path file = schemaFile("bad.avsc", json);
        String message = assertThrows(IllegalArgumentException.class,
                () -> PayloadDecoders.create(PayloadFormat.AVRO, new DecoderOptions(false, file))).getMessage();
        assertTrue(message.contains(file.toString()), message);
        return message;
    }

    private static byte[] encode(org.apache.avro.Schema schema, Object datum) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<>(schema).write(datum, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static GenericRecord reading(org.apache.avro.Schema schema, boolean withOptionals) {
        GenericRecord r = new GenericData.Record(schema);
        r.put("device", "dev-1");
        r.put("seq", 1L << 40);
        r.put("count", 7);
        r.put("temp", 21.5f);
        r.put("precise", 0.125);
        r.put("ok", true);
        r.put("raw", ByteBuffer.wrap(new byte[] {1, 2, 3}));
        r.put("mac", new GenericData.Fixed(schema.getField("mac").schema(), new byte[] {10, 11, 12, 13, 14, 15}));
        r.put("state", new GenericData.EnumSymbol(schema.getField("state").schema(), "OFF"));
        r.put("tags", List.of("a", "b"));
        r.put("attrs", Map.of("x", 1));
        if (withOptionals) {
            r.put("note", "hello");
            org.apache.avro.Schema location = schema.getField("location").schema().getTypes().get(1);
            GenericRecord loc = new GenericData.Record(location);
            loc.put("lat", 48.1);
            loc.put("lon", 11.6);
            r.put("location", loc);
        }
        r.put("day", 19_000);
        r.put("at", 1_700_000_000_123L);
        r.put("since", 3_600_000);
        r.put("price", ByteBuffer.wrap(new BigDecimal("-123.45").unscaledValue().toByteArray()));
        byte[] total = new byte[8];
        byte[] unscaled = new BigDecimal("9876.543").unscaledValue().toByteArray();
        System.arraycopy(unscaled, 0, total, 8 - unscaled.length, unscaled.length);
        r.put("total", new GenericData.Fixed(schema.getField("total").schema(), total));
        return r;
    }

    @Test
    void convertsEveryTypeToConnect() throws Exception {
        org.apache.avro.Schema avro = new org.apache.avro.Schema.Parser().parse(READING);
        SchemaAndValue result = decoder(READING).decode("t", encode(avro, reading(avro, true)));

        Schema schema = result.schema();
        assertEquals("com.acme.Reading", schema.name());
        assertEquals("A sensor reading", schema.doc());
        assertEquals(Schema.Type.STRING, schema.field("device").schema().type());
        assertEquals("the device id", schema.field("device").schema().doc());
        assertEquals(Schema.INT64_SCHEMA, schema.field("seq").schema());
        assertEquals(Schema.INT32_SCHEMA, schema.field("count").schema());
        assertEquals(Schema.FLOAT32_SCHEMA, schema.field("temp").schema());
        assertEquals(Schema.FLOAT64_SCHEMA, schema.field("precise").schema());
        assertEquals(Schema.BOOLEAN_SCHEMA, schema.field("ok").schema());
        assertEquals(Schema.BYTES_SCHEMA, schema.field("raw").schema());
        assertEquals(Schema.BYTES_SCHEMA, schema.field("mac").schema());
        assertEquals(Schema.STRING_SCHEMA, schema.field("state").schema());
        assertEquals(SchemaBuilder.array(Schema.STRING_SCHEMA).build(), schema.field("tags").schema());
        assertEquals(SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA).build(),
                schema.field("attrs").schema());
        assertEquals(Schema.OPTIONAL_STRING_SCHEMA, schema.field("note").schema());
        Schema location = schema.field("location").schema();
        assertTrue(location.isOptional());
        assertEquals("com.acme.Location", location.name());
        assertEquals(Date.SCHEMA, schema.field("day").schema());
        assertEquals(Timestamp.SCHEMA, schema.field("at").schema());
        assertEquals(Time.SCHEMA, schema.field("since").schema());
        assertEquals(Decimal.LOGICAL_NAME, schema.field("price").schema().name());
        assertEquals("2", schema.field("price").schema().parameters().get(Decimal.SCALE_FIELD));
        assertEquals("10", schema.field("price").schema().parameters().get("connect.decimal.precision"));
        assertEquals("3", schema.field("total").schema().parameters().get(Decimal.SCALE_FIELD));

        Struct s = (Struct) result.value();
        s.validate();
        assertEquals("dev-1", s.get("device"));
        assertEquals(1L << 40, s.get("seq"));
        assertEquals(7, s.get("count"));
        assertEquals(21.5f, s.get("temp"));
        assertEquals(0.125, s.get("precise"));
        assertEquals(true, s.get("ok"));
        assertArrayEquals(new byte[] {1, 2, 3}, s.getBytes("raw"));
        assertArrayEquals(new byte[] {10, 11, 12, 13, 14, 15}, s.getBytes("mac"));
        assertEquals("OFF", s.get("state"));
        assertEquals(List.of("a", "b"), s.get("tags"));
        assertEquals(Map.of("x", 1), s.get("attrs"));
        assertEquals("hello", s.get("note"));
        assertEquals(48.1, s.getStruct("location").get("lat"));
        assertEquals(11.6, s.getStruct("location").get("lon"));
        assertEquals(new java.util.Date(19_000L * 86_400_000L), s.get("day"));
        assertEquals(new java.util.Date(1_700_000_000_123L), s.get("at"));
        assertEquals(new java.util.Date(3_600_000L), s.get("since"));
        assertEquals(new BigDecimal("-123.45"), s.get("price"));
        assertEquals(new BigDecimal("9876.543"), s.get("total"));
    }

    @Test
    void optionalUnionsMayBeNull() throws Exception {
        org.apache.avro.Schema avro = new org.apache.avro.Schema.Parser().parse(READING);
        Struct s = (Struct) decoder(READING).decode("t", encode(avro, reading(avro, false))).value();
        s.validate();
        assertNull(s.get("note"));
        assertNull(s.get("location"));
    }

    @Test
    void connectSchemaIsBuiltOnce() throws Exception {
        org.apache.avro.Schema avro = new org.apache.avro.Schema.Parser().parse(READING);
        PayloadDecoder decoder = decoder(READING);
        byte[] payload = encode(avro, reading(avro, true));
        assertSame(decoder.decode("t", payload).schema(), decoder.decode("t", payload).schema());
    }

    @Test
    void decodesConcurrently() throws Exception {
        org.apache.avro.Schema avro = new org.apache.avro.Schema.Parser().parse(READING);
        PayloadDecoder decoder = decoder(READING);
        byte[] payload = encode(avro, reading(avro, true));
        Object expected = decoder.decode("t", payload).value();
        assertTrue(IntStream.range(0, 2000).parallel().allMatch(i -> {
            try {
                return expected.equals(decoder.decode("t", payload).value());
            } catch (PayloadDecodingException e) {
                return false;
            }
        }));
    }

    @Test
    void nonRecordTopLevelSchemas() throws Exception {
        PayloadDecoder strings = decoder("\"string\"");
        org.apache.avro.Schema stringSchema = org.apache.avro.Schema.create(org.apache.avro.Schema.Type.STRING);
        assertEquals(new SchemaAndValue(Schema.STRING_SCHEMA, "hi"), strings.decode("t", encode(stringSchema, "hi")));

        String optionalLong = "[\"null\", \"long\"]";
        PayloadDecoder longs = decoder(optionalLong);
        org.apache.avro.Schema avro = new org.apache.avro.Schema.Parser().parse(optionalLong);
        assertEquals(new SchemaAndValue(Schema.OPTIONAL_INT64_SCHEMA, 5L), longs.decode("t", encode(avro, 5L)));
        assertEquals(new SchemaAndValue(Schema.OPTIONAL_INT64_SCHEMA, null), longs.decode("t", encode(avro, null)));

        String arrayOfOptional = "{\"type\": \"array\", \"items\": [\"int\", \"null\"]}";
        org.apache.avro.Schema arrays = new org.apache.avro.Schema.Parser().parse(arrayOfOptional);
        SchemaAndValue result = decoder(arrayOfOptional).decode("t", encode(arrays, Arrays.asList(1, null, 3)));
        assertEquals(SchemaBuilder.array(Schema.OPTIONAL_INT32_SCHEMA).build(), result.schema());
        assertEquals(Arrays.asList(1, null, 3), result.value());
    }

    @Test
    void trailingBytesAreAnError() throws Exception {
        org.apache.avro.Schema avro = new org.apache.avro.Schema.Parser().parse(READING);
        byte[] payload = encode(avro, reading(avro, true));
        byte[] longer = Arrays.copyOf(payload, payload.length + 3);
        String message = assertThrows(PayloadDecodingException.class, () -> decoder(READING).decode("t", longer))
                .getMessage();
        assertTrue(message.contains("3 byte(s) after the Avro datum of schema com.acme.Reading"), message);
    }

    @Test
    void truncatedAndEmptyPayloadsAreAnError() throws Exception {
        org.apache.avro.Schema avro = new org.apache.avro.Schema.Parser().parse(READING);
        byte[] payload = encode(avro, reading(avro, true));
        PayloadDecoder decoder = decoder(READING);
        for (int length : new int[] {0, 1, payload.length / 2, payload.length - 1}) {
            byte[] truncated = Arrays.copyOf(payload, length);
            String message = assertThrows(PayloadDecodingException.class, () -> decoder.decode("t", truncated))
                    .getMessage();
            assertTrue(message.contains("payload of " + length + " bytes ends before the Avro datum"), message);
        }
    }

    @Test
    void datumOfAnotherSchemaIsAnError() throws Exception {
        String other = """
                {"type": "record", "name": "Other", "fields": [
                  {"name": "name", "type": "string"}, {"name": "age", "type": "int"}]}""";
        org.apache.avro.Schema otherSchema = new org.apache.avro.Schema.Parser().parse(other);
        GenericRecord r = new GenericData.Record(otherSchema);
        r.put("name", "a rather long name");
        r.put("age", 42);
        byte[] payload = encode(otherSchema, r);
        PayloadDecodingException e = assertThrows(PayloadDecodingException.class,
                () -> decoder(READING).decode("t", payload));
        assertTrue(e.getMessage().contains("com.acme.Reading"), e.getMessage());

        String justLong = "{\"type\": \"record\", \"name\": \"Id\", \"fields\": [{\"name\": \"id\", \"type\": \"long\"}]}";
        String message = assertThrows(PayloadDecodingException.class, () -> decoder(justLong).decode("t", payload))
                .getMessage();
        assertTrue(message.contains("after the Avro datum of schema Id"), message);
    }

    @Test
    void corruptLengthsAndIndexesAreAnError() throws Exception {
        String strings = "{\"type\": \"array\", \"items\": \"string\"}";
        PayloadDecoder decoder = decoder(strings);
        // Zig-zag varints: a block of 1,000,000,000 items, then a string of length 1,000,000,000. Avro would
        // reserve that much memory before finding the payload too short; the decoder must not.
        byte[] hugeArray = {(byte) 0x80, (byte) 0xa8, (byte) 0xd6, (byte) 0xb9, 0x07, 2, 'a', 0};
        assertThrows(PayloadDecodingException.class, () -> decoder.decode("t", hugeArray));
        byte[] hugeString = {2, (byte) 0x80, (byte) 0xa8, (byte) 0xd6, (byte) 0xb9, 0x07, 'a', 0};
        assertThrows(PayloadDecodingException.class, () -> decoder.decode("t", hugeString));
        // a map of 1,000,000,000 entries
        PayloadDecoder maps = decoder("{\"type\": \"map\", \"values\": \"int\"}");
        assertThrows(PayloadDecodingException.class, () -> maps.decode("t", hugeArray));
        byte[] negativeString = {2, 0x03, 'a', 0};
        assertThrows(PayloadDecodingException.class, () -> decoder.decode("t", negativeString));

        PayloadDecoder enums = decoder("{\"type\": \"enum\", \"name\": \"E\", \"symbols\": [\"A\", \"B\"]}");
        String message = assertThrows(PayloadDecodingException.class, () -> enums.decode("t", new byte[] {10}))
                .getMessage();
        assertTrue(message.contains("not a valid Avro datum of schema E"), message);
        PayloadDecoder union = decoder("[\"null\", \"int\"]");
        assertThrows(PayloadDecodingException.class, () -> union.decode("t", new byte[] {8, 2}));
    }

    @Test
    void schemaFileErrorsNameTheFile() throws Exception {
        assertTrue(createFailure("{\"type\": \"record\", \"name\": ").contains("is not a valid Avro schema"));
        assertTrue(createFailure("{\"type\": \"nonsense\"}").contains("is not a valid Avro schema"));
        String union = createFailure("""
                {"type": "record", "name": "R", "fields": [{"name": "v", "type": ["int", "string"]}]}""");
        assertTrue(union.contains("field 'v' of record R"), union);
        assertTrue(union.contains("only a union of null and one other type"), union);
        String threeWay = createFailure("""
                {"type": "record", "name": "R", "fields": [{"name": "v", "type": ["null", "int", "string"]}]}""");
        assertTrue(threeWay.contains("field 'v'"), threeWay);
        String nullField = createFailure("""
                {"type": "record", "name": "R", "fields": [{"name": "n", "type": "null"}]}""");
        assertTrue(nullField.contains("field 'n' of record R has type null outside a union"), nullField);
        String recursive = createFailure("""
                {"type": "record", "name": "Node", "fields": [{"name": "value", "type": "int"},
                  {"name": "next", "type": ["null", "Node"]}]}""");
        assertTrue(recursive.contains("cannot be recursive"), recursive);
        String nested = createFailure("""
                {"type": "record", "name": "R", "fields": [{"name": "m",
                  "type": {"type": "map", "values": {"type": "array", "items": ["string", "int"]}}}]}""");
        assertTrue(nested.contains("the elements of the array in the values of the map in field 'm'"), nested);
        String empty = createFailure("""
                {"type": "array", "items": {"type": "record", "name": "Empty", "fields": []}}""");
        assertTrue(empty.contains("takes no bytes"), empty);
    }

    @Test
    void missingSchemaFileIsNamed() {
        Path file = dir.resolve("absent.avsc");
        String message = assertThrows(IllegalArgumentException.class,
                () -> PayloadDecoders.create(PayloadFormat.AVRO, new DecoderOptions(false, file))).getMessage();
        assertTrue(message.contains(file.toString()) && message.contains("does not exist"), message);
    }
}
