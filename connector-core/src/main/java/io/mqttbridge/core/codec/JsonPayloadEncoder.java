package io.mqttbridge.core.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

/**
 * One compact JSON document per value. A {@code Struct} becomes an object with its fields in schema order (read
 * with {@code Struct.get}, so field defaults apply), a {@code Map} an object, a {@code List} (any
 * {@code Collection}) an array, strings, numbers and booleans JSON scalars, {@code byte[]} and {@code ByteBuffer}
 * a base64 string. Connect's logical types keep their meaning: {@code Decimal} (any {@code BigDecimal}) is a JSON
 * number with its exact digits, never rounded to a double nor written with an exponent; {@code Date},
 * {@code Time} and {@code Timestamp} are ISO-8601 strings in UTC ({@code 2024-03-01}, {@code 12:00:00.123},
 * {@code 2024-03-01T12:00:00.123Z}); a schemaless {@code java.util.Date} is an instant.
 *
 * <p>The value's Java type decides its JSON form; the schema adds the logical types and says where null is
 * allowed (an optional schema, or one with a default, which then takes the null's place). Map keys become object
 * member names: non-string keys as the text of their JSON scalar, e.g. {@code 1} as {@code "1"}; keys that would
 * collide that way are an error. NaN and infinite floats are errors, as JSON has no such numbers.
 *
 * <p>Text is UTF-8, except that characters beyond the Basic Multilingual Plane (e.g. emoji) and unpaired
 * surrogates are <code>&#92;uXXXX</code> escapes, which every JSON parser reads back as the same text. Jackson's
 * {@code COMBINE_UNICODE_SURROGATES_IN_UTF8} would write the former as plain UTF-8, but it merges an unpaired high
 * surrogate with whatever character follows it, corrupting the text.
 */
final class JsonPayloadEncoder implements PayloadEncoder {
    // Thread-safe and the expensive part to set up; a generator per call is cheap and reuses its buffers.
    private final JsonFactory factory = JsonFactory.builder()
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();

    @Override
    public byte[] encode(Schema schema, Object value) throws PayloadEncodingException {
        ByteArrayBuilder out = new ByteArrayBuilder();
        try (JsonGenerator g = factory.createGenerator(out)) {
            write(g, schema, value, ValuePath.ROOT);
        } catch (IOException e) {
            // Writing to memory does not fail; this is Jackson rejecting something the checks here let through.
            throw new PayloadEncodingException("cannot write the value as JSON: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    private static void write(JsonGenerator g, Schema schema, Object value, ValuePath path)
            throws IOException, PayloadEncodingException {
        if (value == null) {
            if (schema == null || schema.isOptional()) {
                g.writeNull();
                return;
            }
            if (schema.defaultValue() == null) {
                throw new PayloadEncodingException("the value at " + path + " is null, but its schema ("
                        + describe(schema) + ") is not optional and has no default");
            }
            value = schema.defaultValue();
        }
        if (schema == null) {
            writeSchemaless(g, value, path);
            return;
        }
        String logical = schema.name();
        if (Decimal.LOGICAL_NAME.equals(logical)) {
            writeNumber(g, require(BigDecimal.class, value, schema, path), path);
            return;
        }
        if (ConnectTemporals.isTemporal(logical)) {
            g.writeString(ConnectTemporals.text(logical, require(java.util.Date.class, value, schema, path), path));
            return;
        }
        switch (schema.type()) {
            case STRUCT -> writeStruct(g, require(Struct.class, value, schema, path), path);
            case ARRAY -> writeArray(g, schema.valueSchema(), require(Collection.class, value, schema, path), path);
            case MAP -> writeMap(g, schema.keySchema(), schema.valueSchema(), require(Map.class, value, schema, path),
                    path);
            case INT8, INT16, INT32, INT64, FLOAT32, FLOAT64 ->
                    writeNumber(g, require(Number.class, value, schema, path), path);
            case BOOLEAN -> g.writeBoolean(require(Boolean.class, value, schema, path));
            case STRING -> g.writeString(require(String.class, value, schema, path));
            case BYTES -> {
                if (!(value instanceof byte[] || value instanceof ByteBuffer)) {
                    throw typeMismatch(value, schema, path, "byte[] or ByteBuffer");
                }
                writeBytes(g, value);
            }
            default -> throw new PayloadEncodingException("the schema at " + path + " has type " + schema.type()
                    + ", which JSON output does not support");
        }
    }

    private static void writeSchemaless(JsonGenerator g, Object value, ValuePath path)
            throws IOException, PayloadEncodingException {
        if (value instanceof String s) {
            g.writeString(s);
        } else if (value instanceof Number n) {
            writeNumber(g, n, path);
        } else if (value instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (value instanceof Struct struct) {
            writeStruct(g, struct, path);
        } else if (value instanceof Map<?, ?> map) {
            writeMap(g, null, null, map, path);
        } else if (value instanceof Collection<?> list) {
            writeArray(g, null, list, path);
        } else if (value instanceof byte[] || value instanceof ByteBuffer) {
            writeBytes(g, value);
        } else if (value instanceof java.util.Date date) {
            g.writeString(ConnectTemporals.text(null, date, path));
        } else {
            throw new PayloadEncodingException("the value at " + path + " is a " + value.getClass().getName()
                    + ", which is not a Kafka Connect value (Struct, Map, List, String, number, Boolean, byte[], "
                    + "ByteBuffer, java.util.Date) and has no JSON form");
        }
    }

    private static void writeStruct(JsonGenerator g, Struct struct, ValuePath path)
            throws IOException, PayloadEncodingException {
        path.checkNesting();
        g.writeStartObject();
        // The struct's own schema, not the caller's: Struct.get(Field) indexes by the field's position in it.
        for (Field field : struct.schema().fields()) {
            g.writeFieldName(field.name());
            write(g, field.schema(), struct.get(field), path.field(field.name()));
        }
        g.writeEndObject();
    }

    private static void writeArray(JsonGenerator g, Schema elementSchema, Collection<?> list, ValuePath path)
            throws IOException, PayloadEncodingException {
        path.checkNesting();
        g.writeStartArray();
        int i = 0;
        for (Object element : list) {
            write(g, elementSchema, element, path.index(i++));
        }
        g.writeEndArray();
    }

    private static void writeMap(JsonGenerator g, Schema keySchema, Schema valueSchema, Map<?, ?> map,
            ValuePath path) throws IOException, PayloadEncodingException {
        path.checkNesting();
        // Distinct keys can render to the same name only if some key is not a string; look only then.
        Set<String> names = null;
        if (keySchema == null || keySchema.type() != Schema.Type.STRING) {
            for (Object key : map.keySet()) {
                if (!(key instanceof String)) {
                    names = new HashSet<>(map.size() * 2);
                    break;
                }
            }
        }
        g.writeStartObject();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String name = keyText(keySchema, e.getKey(), path);
            if (names != null && !names.add(name)) {
                throw new PayloadEncodingException("the map at " + path + " has more than one key that becomes the "
                        + "JSON member name \"" + name + "\"");
            }
            g.writeFieldName(name);
            write(g, valueSchema, e.getValue(), path.field(name));
        }
        g.writeEndObject();
    }

    /** The member name for a map key: a string as it is, any other scalar as the text of its JSON form. */
    private static String keyText(Schema keySchema, Object key, ValuePath path) throws PayloadEncodingException {
        if (key instanceof String s) {
            return s;
        }
        String logical = keySchema == null ? null : keySchema.name();
        if (key instanceof BigDecimal decimal) {
            return decimal.toPlainString();
        }
        if (key instanceof Double || key instanceof Float) {
            double d = ((Number) key).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new PayloadEncodingException("the map at " + path + " has the key " + key
                        + ", which JSON cannot represent (it has no NaN or Infinity)");
            }
            return key.toString();
        }
        if (key instanceof Number || key instanceof Boolean) {
            return key.toString();
        }
        if (key instanceof java.util.Date date) {
            return ConnectTemporals.text(logical, date, path);
        }
        if (key instanceof byte[] bytes) {
            return Base64.getEncoder().encodeToString(bytes);
        }
        if (key instanceof ByteBuffer buffer) {
            return Base64.getEncoder().encodeToString(copy(buffer));
        }
        throw new PayloadEncodingException("the map at " + path + " has a "
                + (key == null ? "null key" : "key of type " + key.getClass().getName())
                + "; JSON member names can only come from strings, numbers, booleans, dates and bytes");
    }

    private static void writeNumber(JsonGenerator g, Number n, ValuePath path)
            throws IOException, PayloadEncodingException {
        if (n instanceof Integer || n instanceof Short || n instanceof Byte) {
            g.writeNumber(n.intValue());
        } else if (n instanceof Long l) {
            g.writeNumber(l);
        } else if (n instanceof Double || n instanceof Float) {
            double d = n.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new PayloadEncodingException("the value at " + path + " is " + n
                        + ", which JSON cannot represent (it has no NaN or Infinity)");
            }
            if (n instanceof Float f) {
                g.writeNumber(f);
            } else {
                g.writeNumber(d);
            }
        } else if (n instanceof BigDecimal decimal) {
            try {
                g.writeNumber(decimal);
            } catch (JsonProcessingException e) {
                throw new PayloadEncodingException("the decimal at " + path + " (" + decimal + ") cannot be written "
                        + "as a plain JSON number: " + e.getOriginalMessage(), e);
            }
        } else if (n instanceof BigInteger big) {
            g.writeNumber(big);
        } else {
            throw new PayloadEncodingException("the value at " + path + " is a " + n.getClass().getName()
                    + ", which is not a Kafka Connect number type");
        }
    }

    private static void writeBytes(JsonGenerator g, Object value) throws IOException {
        if (value instanceof byte[] bytes) {
            g.writeBinary(bytes);
        } else {
            ByteBuffer buffer = (ByteBuffer) value;
            if (buffer.hasArray()) {
                g.writeBinary(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
            } else {
                g.writeBinary(copy(buffer));
            }
        }
    }

    private static byte[] copy(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    private static <T> T require(Class<T> type, Object value, Schema schema, ValuePath path)
            throws PayloadEncodingException {
        if (!type.isInstance(value)) {
            throw typeMismatch(value, schema, path, type.getName());
        }
        return type.cast(value);
    }

    private static PayloadEncodingException typeMismatch(Object value, Schema schema, ValuePath path,
            String expected) {
        return new PayloadEncodingException("the value at " + path + " is a " + value.getClass().getName()
                + ", but its schema (" + describe(schema) + ") needs a " + expected);
    }

    private static String describe(Schema schema) {
        return schema.name() == null ? schema.type().toString() : schema.type() + " " + schema.name();
    }
}
