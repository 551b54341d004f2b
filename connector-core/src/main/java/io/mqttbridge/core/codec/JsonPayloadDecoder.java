package io.mqttbridge.core.codec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;

/**
 * JSON payloads, with an inferred schema or schemaless.
 *
 * <p>Inferred schemas: an object becomes an unnamed {@code STRUCT} with its fields in document order; an integer
 * {@code INT64}; a number with a fraction or exponent {@code FLOAT64}; {@code true}/{@code false} {@code BOOLEAN};
 * a string {@code STRING}; an array an {@code ARRAY} of its elements' unified schema. The top-level schema is
 * required, every nested schema (struct fields, array elements) optional. A {@code null} value has no type of its
 * own: where nothing else decides, it becomes {@code OPTIONAL_STRING} (a field whose value is null, the elements of
 * an empty or all-null array). Array elements unify: {@code INT64} with {@code FLOAT64} gives {@code FLOAT64},
 * structs merge their fields (first-seen order; fields missing from an element are null there), arrays unify their
 * elements, null fits anything; any other mix is an error naming the JSON path. A document that is just
 * {@code null} decodes to a null value with a null schema, as in Kafka's {@code JsonConverter}.
 *
 * <p>Integers beyond the 64-bit range and numbers beyond the range of a double are errors (in both modes) rather
 * than silently rounded: use {@code payload.format=string} to keep such documents verbatim. Schemas are not cached:
 * inference walks the document anyway, and Connect compares schemas by value.
 *
 * <p>Rejected: an empty or blank payload, duplicate keys in an object, and anything after the first JSON value.
 */
final class JsonPayloadDecoder implements PayloadDecoder {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final ObjectMapper mapper = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private final boolean schemaless;

    JsonPayloadDecoder(boolean schemaless) {
        this.schemaless = schemaless;
    }

    @Override
    public SchemaAndValue decode(String mqttTopic, byte[] payload) throws PayloadDecodingException {
        if (payload.length == 0) {
            throw new PayloadDecodingException("payload is empty, which is not a JSON document (an empty payload "
                    + "is how MQTT clears a retained message); expected a JSON value such as {\"a\":1}");
        }
        JsonNode root;
        try {
            root = mapper.readTree(payload);
        } catch (JsonProcessingException e) {
            JsonLocation where = e.getLocation();
            String at = where == null ? "" : " at line " + where.getLineNr() + ", column " + where.getColumnNr();
            throw new PayloadDecodingException("invalid JSON" + at + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new PayloadDecodingException("invalid JSON: " + e.getMessage(), e);
        }
        if (root == null || root.isMissingNode()) {
            throw new PayloadDecodingException("payload holds only whitespace (" + payload.length
                    + " bytes), no JSON value");
        }
        if (root.isNull()) {
            return SchemaAndValue.NULL;
        }
        if (schemaless) {
            return new SchemaAndValue(null, schemaless(root, Path.ROOT));
        }
        Schema schema = schema(infer(root, Path.ROOT), false);
        return new SchemaAndValue(schema, value(root, schema));
    }

    // ---- schemaless

    private static Object schemaless(JsonNode node, Path path) throws PayloadDecodingException {
        switch (node.getNodeType()) {
            case OBJECT: {
                Map<String, Object> map = new LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> e : node.properties()) {
                    map.put(e.getKey(), schemaless(e.getValue(), path.field(e.getKey())));
                }
                return map;
            }
            case ARRAY: {
                List<Object> list = new ArrayList<>(node.size());
                for (int i = 0; i < node.size(); i++) {
                    list.add(schemaless(node.get(i), path.index(i)));
                }
                return list;
            }
            case NUMBER:
                return number(node, path);
            case BOOLEAN:
                return node.booleanValue();
            case STRING:
                return node.textValue();
            case NULL:
                return null;
            default:
                throw new PayloadDecodingException("unexpected JSON node " + node.getNodeType() + " at " + path);
        }
    }

    private static Object number(JsonNode node, Path path) throws PayloadDecodingException {
        if (node.isIntegralNumber()) {
            if (!node.canConvertToLong()) {
                throw new PayloadDecodingException("the integer " + abbreviate(node.asText()) + " at " + path
                        + " does not fit in 64 bits (INT64); use payload.format=string to keep it verbatim");
            }
            return node.longValue();
        }
        double d = node.doubleValue();
        if (Double.isInfinite(d) || Double.isNaN(d)) {
            throw new PayloadDecodingException("the number " + abbreviate(node.asText()) + " at " + path
                    + " is out of the range of a 64-bit float (FLOAT64)");
        }
        return d;
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 20) + "..." + " (" + text.length() + " digits)";
    }

    // ---- schema inference

    /** An inferred JSON type; {@link #NULL} is the type of null, which unifies with any type. */
    private sealed interface Type permits Null, Primitive, Array, Obj {
    }

    private enum Null implements Type { INSTANCE }

    private record Primitive(Schema.Type type) implements Type {
    }

    private record Array(Type element) implements Type {
    }

    private record Obj(Map<String, Type> fields) implements Type {
    }

    private static final Type NULL = Null.INSTANCE;
    private static final Type INT64 = new Primitive(Schema.Type.INT64);
    private static final Type FLOAT64 = new Primitive(Schema.Type.FLOAT64);
    private static final Type BOOLEAN = new Primitive(Schema.Type.BOOLEAN);
    private static final Type STRING = new Primitive(Schema.Type.STRING);

    private static Type infer(JsonNode node, Path path) throws PayloadDecodingException {
        switch (node.getNodeType()) {
            case OBJECT: {
                Map<String, Type> fields = new LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> e : node.properties()) {
                    fields.put(e.getKey(), infer(e.getValue(), path.field(e.getKey())));
                }
                return new Obj(fields);
            }
            case ARRAY: {
                Type element = NULL;
                for (int i = 0; i < node.size(); i++) {
                    Path at = path.index(i);
                    element = unify(element, infer(node.get(i), at), at);
                }
                return new Array(element);
            }
            case NUMBER:
                return number(node, path) instanceof Long ? INT64 : FLOAT64;
            case BOOLEAN:
                return BOOLEAN;
            case STRING:
                return STRING;
            case NULL:
                return NULL;
            default:
                throw new PayloadDecodingException("unexpected JSON node " + node.getNodeType() + " at " + path);
        }
    }

    /** The type both {@code a} (of earlier array elements) and {@code b} (of the element at {@code path}) fit. */
    private static Type unify(Type a, Type b, Path path) throws PayloadDecodingException {
        if (a == NULL || a.equals(b)) {
            return b;
        }
        if (b == NULL) {
            return a;
        }
        if (a instanceof Primitive && b instanceof Primitive
                && (a == FLOAT64 || a == INT64) && (b == FLOAT64 || b == INT64)) {
            return FLOAT64;
        }
        if (a instanceof Array arrayA && b instanceof Array arrayB) {
            return new Array(unify(arrayA.element(), arrayB.element(), path.index(-1)));
        }
        if (a instanceof Obj objA && b instanceof Obj objB) {
            Map<String, Type> merged = new LinkedHashMap<>(objA.fields());
            for (Map.Entry<String, Type> e : objB.fields().entrySet()) {
                Type earlier = merged.get(e.getKey());
                merged.put(e.getKey(), earlier == null ? e.getValue()
                        : unify(earlier, e.getValue(), path.field(e.getKey())));
            }
            return new Obj(merged);
        }
        throw new PayloadDecodingException("conflicting types in a JSON array: the value at " + path + " is "
                + describe(b) + " but the same place in earlier elements holds " + describe(a)
                + "; the elements of an array must have one type (integers and decimals may mix)");
    }

    private static String describe(Type type) {
        if (type instanceof Primitive p) {
            return switch (p.type()) {
                case INT64 -> "an integer";
                case FLOAT64 -> "a decimal number";
                case BOOLEAN -> "a boolean";
                default -> "a string";
            };
        }
        return type instanceof Array ? "an array" : "an object";
    }

    private static Schema schema(Type type, boolean optional) {
        if (type == NULL) {
            return Schema.OPTIONAL_STRING_SCHEMA;
        }
        SchemaBuilder builder;
        if (type instanceof Primitive p) {
            builder = SchemaBuilder.type(p.type());
        } else if (type instanceof Array array) {
            builder = SchemaBuilder.array(schema(array.element(), true));
        } else {
            builder = SchemaBuilder.struct();
            for (Map.Entry<String, Type> e : ((Obj) type).fields().entrySet()) {
                builder.field(e.getKey(), schema(e.getValue(), true));
            }
        }
        if (optional) {
            builder.optional();
        }
        return builder.build();
    }

    /** The value of {@code node} under the schema inferred for it (or for all elements of its array). */
    private static Object value(JsonNode node, Schema schema) {
        if (node == null || node.isNull()) {
            return null;
        }
        switch (schema.type()) {
            case STRUCT: {
                Struct struct = new Struct(schema);
                for (Field field : schema.fields()) {
                    Object v = value(node.get(field.name()), field.schema());
                    if (v != null) {
                        struct.put(field, v);
                    }
                }
                return struct;
            }
            case ARRAY: {
                List<Object> list = new ArrayList<>(node.size());
                for (JsonNode element : node) {
                    list.add(value(element, schema.valueSchema()));
                }
                return list;
            }
            case INT64:
                return node.longValue();
            case FLOAT64:
                return node.doubleValue();
            case BOOLEAN:
                return node.booleanValue();
            default:
                return node.textValue();
        }
    }

    /** A JSON path, built as the walk descends and rendered only for error messages. */
    private record Path(Path parent, String field, int index) {
        static final Path ROOT = new Path(null, null, 0);

        Path field(String name) {
            return new Path(this, name, 0);
        }

        /** The path of element {@code i}; -1 for any element. */
        Path index(int i) {
            return new Path(this, null, i);
        }

        @Override
        public String toString() {
            if (parent == null) {
                return "$";
            }
            if (field == null) {
                return parent + (index < 0 ? "[*]" : "[" + index + "]");
            }
            if (IDENTIFIER.matcher(field).matches()) {
                return parent + "." + field;
            }
            return parent + "[\"" + field.replace("\\", "\\\\").replace("\"", "\\\"") + "\"]";
        }
    }
}
