package io.mqttbridge.core.codec;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;

/**
 * Converts generic Avro datums of one Avro schema to Kafka Connect values. The Connect schema and a converter per
 * schema node are built once, in {@link #forSchema}; converting is then a walk of the datum.
 *
 * <p>Mapping: record to {@code STRUCT} named by the record's full name (with its and its fields' docs); int,
 * long, float, double, boolean, string to {@code INT32}, {@code INT64}, {@code FLOAT32}, {@code FLOAT64},
 * {@code BOOLEAN}, {@code STRING}; bytes and fixed to {@code BYTES}; enum to {@code STRING} (the symbol); array to
 * {@code ARRAY}; map to {@code MAP} with {@code STRING} keys; a union of {@code null} and one other type to that
 * type, optional. Logical types: {@code date} to Connect {@code Date}, {@code time-millis} to {@code Time},
 * {@code timestamp-millis} to {@code Timestamp}, {@code decimal} (bytes or fixed) to {@code Decimal} with the same
 * scale (precision kept as the schema parameter {@code connect.decimal.precision}); other logical types map as
 * their underlying type. Field defaults are not carried over: the writer's datum always holds every field.
 *
 * <p>Not representable, and so rejected: other unions, the {@code null} type outside a union, and recursive
 * records. Also rejected: arrays whose elements encode to zero bytes (records without fields, fixed of size 0),
 * as a tiny payload could then declare billions of them.
 */
final class AvroConnectConverter {
    /** Schema parameter for a decimal's precision, as Confluent's AvroConverter names it. */
    static final String DECIMAL_PRECISION_PARAMETER = "connect.decimal.precision";
    private static final long MILLIS_PER_DAY = 86_400_000L;

    private final Node root;

    /** A Connect schema with the function that converts Avro values of the matching Avro schema to it. */
    private record Node(Schema schema, Function<Object, Object> convert) {
    }

    private AvroConnectConverter(Node root) {
        this.root = root;
    }

    /**
     * Prepares the conversion for {@code avroSchema}.
     *
     * @throws IllegalArgumentException if Kafka Connect cannot represent the schema, saying where and why
     */
    static AvroConnectConverter forSchema(org.apache.avro.Schema avroSchema) {
        return new AvroConnectConverter(node(avroSchema, false, null, new ArrayDeque<>(), "the top-level schema"));
    }

    /** The Connect schema of every converted value. */
    Schema schema() {
        return root.schema();
    }

    /** Converts a datum read with the schema given to {@link #forSchema}. */
    SchemaAndValue convert(Object datum) {
        return new SchemaAndValue(root.schema(), datum == null ? null : root.convert().apply(datum));
    }

    /**
     * The node for {@code s}; {@code doc} is the doc of the field it is the type of, if any, and {@code where}
     * says where it is, for error messages.
     */
    private static Node node(org.apache.avro.Schema s, boolean optional, String doc, Deque<String> records,
            String where) {
        LogicalType logical = s.getLogicalType();
        switch (s.getType()) {
            case UNION:
                return union(s, optional, doc, records, where);
            case NULL:
                throw new IllegalArgumentException(where + " has type null outside a union; Kafka Connect has no "
                        + "null type (use [\"null\", T] for an optional T)");
            case BOOLEAN:
                return plain(doc, SchemaBuilder.bool(), optional);
            case INT:
                if (logical instanceof LogicalTypes.Date) {
                    return node(Date.builder(), optional, doc,
                            v -> new java.util.Date((Integer) v * MILLIS_PER_DAY));
                }
                if (logical instanceof LogicalTypes.TimeMillis) {
                    return node(Time.builder(), optional, doc, v -> new java.util.Date((Integer) v));
                }
                return plain(doc, SchemaBuilder.int32(), optional);
            case LONG:
                if (logical instanceof LogicalTypes.TimestampMillis) {
                    return node(Timestamp.builder(), optional, doc, v -> new java.util.Date((Long) v));
                }
                return plain(doc, SchemaBuilder.int64(), optional);
            case FLOAT:
                return plain(doc, SchemaBuilder.float32(), optional);
            case DOUBLE:
                return plain(doc, SchemaBuilder.float64(), optional);
            case STRING:
                return node(SchemaBuilder.string(), optional, doc, Object::toString);
            case ENUM:
                return node(SchemaBuilder.string(), optional, doc, Object::toString);
            case BYTES:
                if (logical instanceof LogicalTypes.Decimal decimal) {
                    return node(decimal(decimal), optional, doc,
                            v -> new BigDecimal(new BigInteger(bytes((ByteBuffer) v)), decimal.getScale()));
                }
                return node(SchemaBuilder.bytes(), optional, doc, v -> bytes((ByteBuffer) v));
            case FIXED:
                if (logical instanceof LogicalTypes.Decimal decimal) {
                    return node(decimal(decimal), optional, doc,
                            v -> new BigDecimal(new BigInteger(((GenericFixed) v).bytes()), decimal.getScale()));
                }
                return node(SchemaBuilder.bytes(), optional, doc, v -> ((GenericFixed) v).bytes().clone());
            case ARRAY: {
                Node element = node(s.getElementType(), false, null, records,
                        "the elements of the array in " + where);
                if (takesNoBytes(s.getElementType())) {
                    // A few bytes could then claim billions of elements, each a real value to allocate.
                    throw new IllegalArgumentException("the elements of the array in " + where + " have type "
                            + s.getElementType() + ", which takes no bytes when encoded; such arrays are not "
                            + "supported");
                }
                return node(SchemaBuilder.array(element.schema()), optional, doc, v -> {
                    List<?> in = (List<?>) v;
                    List<Object> out = new ArrayList<>(in.size());
                    for (Object item : in) {
                        out.add(item == null ? null : element.convert().apply(item));
                    }
                    return out;
                });
            }
            case MAP: {
                Node value = node(s.getValueType(), false, null, records, "the values of the map in " + where);
                return node(SchemaBuilder.map(Schema.STRING_SCHEMA, value.schema()), optional, doc, v -> {
                    Map<?, ?> in = (Map<?, ?>) v;
                    Map<String, Object> out = new LinkedHashMap<>(in.size() * 2);
                    for (Map.Entry<?, ?> e : in.entrySet()) {
                        Object item = e.getValue();
                        out.put(e.getKey().toString(), item == null ? null : value.convert().apply(item));
                    }
                    return out;
                });
            }
            case RECORD:
                return record(s, optional, doc, records);
            default:
                throw new IllegalArgumentException(where + " has Avro type " + s.getType()
                        + ", which has no Kafka Connect equivalent");
        }
    }

    private static Node union(org.apache.avro.Schema s, boolean optional, String doc, Deque<String> records,
            String where) {
        List<org.apache.avro.Schema> types = s.getTypes();
        List<org.apache.avro.Schema> nonNull = types.stream()
                .filter(t -> t.getType() != org.apache.avro.Schema.Type.NULL)
                .collect(Collectors.toList());
        if (types.size() != 2 || nonNull.size() != 1) {
            throw new IllegalArgumentException(where + " is the union " + s + "; only a union of null and one "
                    + "other type (an optional value) maps to Kafka Connect");
        }
        return node(nonNull.get(0), true, doc, records, where);
    }

    private static Node record(org.apache.avro.Schema s, boolean optional, String doc, Deque<String> records) {
        String name = s.getFullName();
        if (records.contains(name)) {
            throw new IllegalArgumentException("record " + name + " contains itself (via "
                    + String.join(" -> ", records) + " -> " + name + "); Kafka Connect schemas cannot be recursive");
        }
        records.addLast(name);
        SchemaBuilder builder = SchemaBuilder.struct().name(name);
        String effectiveDoc = doc != null ? doc : s.getDoc();
        if (effectiveDoc != null) {
            builder.doc(effectiveDoc);
        }
        List<org.apache.avro.Schema.Field> avroFields = s.getFields();
        List<Function<Object, Object>> converters = new ArrayList<>(avroFields.size());
        for (org.apache.avro.Schema.Field f : avroFields) {
            Node field = node(f.schema(), false, f.doc(), records, "field '" + f.name() + "' of record " + name);
            builder.field(f.name(), field.schema());
            converters.add(field.convert());
        }
        records.removeLast();
        if (optional) {
            builder.optional();
        }
        Schema schema = builder.build();
        List<Field> fields = schema.fields();
        return new Node(schema, v -> {
            IndexedRecord in = (IndexedRecord) v;
            Struct out = new Struct(schema);
            for (int i = 0; i < fields.size(); i++) {
                Object item = in.get(i);
                if (item != null) {
                    out.put(fields.get(i), converters.get(i).apply(item));
                }
            }
            return out;
        });
    }

    private static boolean takesNoBytes(org.apache.avro.Schema s) {
        return switch (s.getType()) {
            case NULL -> true;
            case FIXED -> s.getFixedSize() == 0;
            case RECORD -> s.getFields().stream().allMatch(f -> takesNoBytes(f.schema()));
            default -> false;
        };
    }

    private static SchemaBuilder decimal(LogicalTypes.Decimal decimal) {
        return Decimal.builder(decimal.getScale())
                .parameter(DECIMAL_PRECISION_PARAMETER, Integer.toString(decimal.getPrecision()));
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    private static Node plain(String doc, SchemaBuilder builder, boolean optional) {
        return node(builder, optional, doc, Function.identity());
    }

    private static Node node(SchemaBuilder builder, boolean optional, String doc, Function<Object, Object> convert) {
        if (optional) {
            builder.optional();
        }
        if (doc != null) {
            builder.doc(doc);
        }
        return new Node(builder.build(), convert);
    }
}
