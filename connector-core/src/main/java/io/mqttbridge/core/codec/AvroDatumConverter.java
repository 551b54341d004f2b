package io.mqttbridge.core.codec;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.kafka.connect.data.Struct;

/**
 * Converts Kafka Connect values to generic Avro datums of one Avro schema, the reverse of
 * {@link AvroConnectConverter}. A converter per schema node is built once, in {@link #forSchema}; converting is
 * then a walk of the value, driven by the Avro schema and the values' Java types (the Connect schema is not
 * consulted).
 *
 * <p>Mapping: a record from a {@code Struct} or a {@code Map}, its fields matched by name (fields the record lacks
 * are ignored; a field missing from the value, or null where the Avro type does not allow null, takes the Avro
 * default, and is an error without one); {@code int} from {@code INT8}, {@code INT16} or {@code INT32};
 * {@code long} from those or {@code INT64}; {@code float} from {@code FLOAT32}; {@code double} from
 * {@code FLOAT32}, {@code FLOAT64} or an {@code int}-sized integer (every one of them fits exactly); {@code string}
 * from a string; {@code enum} from a string that is one of its symbols; {@code bytes} and {@code fixed} (of exactly
 * its size) from {@code byte[]} or {@code ByteBuffer}; {@code array} from a {@code List} (any {@code Collection});
 * {@code map} from a {@code Map} with string keys; a union from whatever its first branch that takes the value
 * makes of it. Logical types: {@code date} from a Connect {@code Date} (midnight UTC), {@code time-millis} from a
 * {@code Time}, {@code timestamp-millis} from a {@code Timestamp} (each also from its underlying integer), and
 * {@code decimal} (bytes or fixed) from a {@code BigDecimal} whose value has an exact form at the schema's scale
 * and fits its precision. Other logical types take the values of their underlying type. Recursive records are
 * fine: {@link ValuePath#MAX_DEPTH} bounds the nesting of the value.
 *
 * <p>The datums hold only plain Avro representations (the days of a date, the unscaled bytes of a decimal), so
 * they are written by a {@code GenericDatumWriter} whose {@code GenericData} has no logical type conversions. That
 * writer resolves unions again, by the datum's Java type or named schema; as Avro forbids two branches of one
 * unnamed type, or of one name, it picks the branch chosen here.
 */
final class AvroDatumConverter {
    private final Node root;

    private AvroDatumConverter(Node root) {
        this.root = root;
    }

    /** Prepares the conversion to {@code avroSchema}; {@code data} gives the fields' default values. */
    static AvroDatumConverter forSchema(Schema avroSchema, GenericData data) {
        return new AvroDatumConverter(new Builder(data).node(avroSchema));
    }

    /** Converts a non-null Connect value, throwing with the path of the part that does not fit the schema. */
    Object convert(Object value) throws PayloadEncodingException {
        return root.convert(value, ValuePath.ROOT);
    }

    /** Converts Connect values (never null: the caller handles null) to the datums of one Avro schema node. */
    private abstract static class Node {
        final Schema schema;

        Node(Schema schema) {
            this.schema = schema;
        }

        /** Whether the node's datum may be null ({@code null} itself, or a union with a {@code null} branch). */
        boolean nullable() {
            return false;
        }

        /** Whether {@code value} is of a Java type this node converts; cheap, for picking a union branch. */
        abstract boolean accepts(Object value);

        /** What the node converts, for error messages, e.g. "an INT32, INT16 or INT8 integer". */
        abstract String expects();

        abstract Object convert(Object value, ValuePath path) throws PayloadEncodingException;

        final PayloadEncodingException mismatch(Object value, ValuePath path) {
            return new PayloadEncodingException("the value at " + path + " is a " + value.getClass().getName()
                    + ", but its Avro type " + name(schema) + " needs " + expects());
        }
    }

    /** Builds the nodes; records are kept by name so that a recursive schema gets a cyclic node graph. */
    private static final class Builder {
        private final GenericData data;
        private final Map<String, RecordNode> records = new HashMap<>();

        Builder(GenericData data) {
            this.data = data;
        }

        Node node(Schema s) {
            LogicalType logical = s.getLogicalType();
            return switch (s.getType()) {
                case NULL -> new NullNode(s);
                case BOOLEAN -> new SimpleNode(s, "a Boolean", v -> v instanceof Boolean, v -> v);
                case INT -> {
                    if (logical instanceof LogicalTypes.Date) {
                        yield new DateNode(s);
                    }
                    if (logical instanceof LogicalTypes.TimeMillis) {
                        yield new TimeNode(s);
                    }
                    yield new SimpleNode(s, "an INT8, INT16 or INT32 integer", AvroDatumConverter::isInt,
                            v -> ((Number) v).intValue());
                }
                case LONG -> {
                    if (logical instanceof LogicalTypes.TimestampMillis) {
                        yield new TimestampNode(s);
                    }
                    yield new SimpleNode(s, "an INT8, INT16, INT32 or INT64 integer",
                            v -> isInt(v) || v instanceof Long, v -> ((Number) v).longValue());
                }
                case FLOAT -> new SimpleNode(s, "a FLOAT32 number", v -> v instanceof Float, v -> v);
                case DOUBLE -> new SimpleNode(s, "a FLOAT32 or FLOAT64 number, or an INT8, INT16 or INT32 integer",
                        v -> v instanceof Double || v instanceof Float || isInt(v), v -> ((Number) v).doubleValue());
                case STRING -> new StringNode(s);
                case ENUM -> new EnumNode(s);
                case BYTES -> logical instanceof LogicalTypes.Decimal decimal
                        ? new DecimalNode(s, decimal) : new BytesNode(s);
                case FIXED -> logical instanceof LogicalTypes.Decimal decimal
                        ? new DecimalNode(s, decimal) : new FixedNode(s);
                case ARRAY -> new ArrayNode(s, node(s.getElementType()));
                case MAP -> new MapNode(s, node(s.getValueType()));
                case UNION -> new UnionNode(s, s.getTypes().stream().map(this::node).toList());
                case RECORD -> record(s);
            };
        }

        private RecordNode record(Schema s) {
            RecordNode existing = records.get(s.getFullName());
            if (existing != null) {
                return existing;
            }
            RecordNode node = new RecordNode(s);
            // Registered before its fields are built, which may refer back to it.
            records.put(s.getFullName(), node);
            List<Schema.Field> fields = s.getFields();
            node.fields = new FieldNode[fields.size()];
            for (int i = 0; i < fields.size(); i++) {
                Schema.Field f = fields.get(i);
                Object defaultValue = f.hasDefaultValue() ? data.getDefaultValue(f) : null;
                node.fields[i] = new FieldNode(f.name(), f.hasDefaultValue(), defaultValue, node(f.schema()));
            }
            return node;
        }
    }

    /** A primitive whose conversion cannot fail once the Java type is right. */
    private static final class SimpleNode extends Node {
        private final String expects;
        private final Predicate<Object> accepts;
        private final Function<Object, Object> converts;

        SimpleNode(Schema schema, String expects, Predicate<Object> accepts, Function<Object, Object> converts) {
            super(schema);
            this.expects = expects;
            this.accepts = accepts;
            this.converts = converts;
        }

        @Override
        boolean accepts(Object value) {
            return accepts.test(value);
        }

        @Override
        String expects() {
            return expects;
        }

        @Override
        Object convert(Object value, ValuePath path) throws PayloadEncodingException {
            if (!accepts.test(value)) {
                throw mismatch(value, path);
            }
            return converts.apply(value);
        }
    }

    private static final class NullNode extends Node {
        NullNode(Schema schema) {
            super(schema);
        }

        @Override
        boolean nullable() {
            return true;
        }

        @Override
        boolean accepts(Object value) {
            return false;
        }

        @Override
        String expects() {
            return "null";
        }

        @Override
        Object convert(Object value, ValuePath path) throws PayloadEncodingException {
            throw mismatch(value, path);
        }
    }

    private static final class DateNode extends Node {
        DateNode(Schema schema) {
            super(schema);
        }

        @Override
        boolean accepts(Object value) {
            return value instanceof java.util.Date || isInt(value);
        }

        @Override
        String expects() {
            return "a Date (java.util.Date) or an INT32 day count";
        }

        @Override
        Object convert(Object value, ValuePath path) throws PayloadEncodingException {
            if (value instanceof java.util.Date date) {
                return ConnectTemporals.epochDay(date, path);
            }
            if (isInt(value)) {
                return ((Number) value).intValue();
            }
            throw mismatch(value, path);
        }
    }

    private static final class TimeNode extends Node {
        TimeNode(Schema schema) {
            super(schema);
        }

        @Override
        boolean accepts(Object value) {
            return value instanceof java.util.Date || isInt(value);
        }

        @Override
        String expects() {
            return "a Time (java.util.Date) or INT32 milliseconds since midnight";
        }

        @Override
        Object convert(Object value, ValuePath path) throws PayloadEncodingException {
            if (value instanceof java.util.Date date) {
                return ConnectTemporals.millisOfDay(date, path);
            }
            if (isInt(value)) {
                return ((Number) value).intValue();
            }
            throw mismatch(value, path);
        }
    }

    private static final class TimestampNode extends Node {
        TimestampNode(Schema schema) {
            super(schema);
        }

        @Override
        boolean accepts(Object value) {
            return value instanceof java.util.Date || isInt(value) || value instanceof Long;
        }

        @Override
        String expects() {
            return "a Timestamp (java.util.Date) or INT64 milliseconds since 1970-01-01T00:00Z";
        }

        @Override
        Object convert(Object value, ValuePath path) throws PayloadEncodingException {
            if (value instanceof java.util.Date date) {
                return date.getTime();
            }
            if (accepts(value)) {
                return ((Number) value).longValue();
            }
            throw mismatch(value, path);
        }
    }

    private static final class StringNode extends Node {
        StringNode(Schema schema) {
            super(schema);
        }

        @Override
        boolean accepts(Object value) {
            return value instanceof CharSequence;
        }

        @Override
        String expects() {
            return "a String";
        }

        @Override
        Object convert(Object value, ValuePath path) throws PayloadEncodingException {
            if (!(value instanceof CharSequence s)) {
                throw mismatch(value, path);
            }
            checkText(s, path, "the string at ");
            return s;
        }
    }

    private static final class EnumNode extends Node {
        private final Map<String, GenericData.EnumSymbol> symbols = new HashMap<>();

        EnumNode(Schema schema) {
            super(schema);
            // Enum symbols are immutable, so one per symbol serves every datum.
            for (String symbol : schema.getEnumSymbols()) {
                symbols.put(symbol, new GenericData.EnumSymbol(schema, symbol));
            }
        }

        @Override
        boolean accepts(Object value) {
            return value instanceof CharSequence s && symbols.containsKey(s.toString());
        }

        @Override
        String expects() {
            return "a String holding one of its symbols";
        }

        @Override
        Object convert(Object value, ValuePath path) throws PayloadEncodingException {
            if (!(value instanceof CharSequence s)) {
                throw mismatch(value, path);
            }
            GenericData.EnumSymbol symbol = symbols.get(s.toString());
            if (symbol == null) {
                throw new PayloadEncodingException("the value at " + path + " is '" + s + "', which is not a symbol "
                        + "of the Avro enum " + schema.getFullName() + " " + schema.getEnumSymbols());
            }
            return symbol;
        }
    }

    private static final class BytesNode extends Node {
        BytesNode(Schema schema) {
            super(schema);
        }

        @Override
        boolean accepts(Object value) {
            return value instanceof byte[] || value instanceof ByteBuffer;
        }

        @Override
        String expects() {
            return "a byte[] or ByteBuffer";
        }

        @Override
        Object convert(Object value, ValuePath path) throws PayloadEncodingException {
            if (value instanceof byte[] bytes) {
                return ByteBuffer.wrap(bytes);
            }
            if (value instanceof ByteBuffer buffer) {
                // The writer reads from the position on; a duplicate keeps the caller's position out of reach.
                return buffer.duplicate();
            }
            throw mismatch(value, path);
        }
    }

    private static final class FixedNode extends Node {
        FixedNode(Schema schema) {
            super(schema);
        }

        @Override
        boolean accepts(Object value) {
            return length(value) == schema.getFixedSize();
        }

        @Override
        String expects() {
            return "a byte[] or ByteBuffer of " + schema.getFixedSize() + " bytes";
        }

        @Override
        Object convert(Object value, ValuePath path) throws PayloadEncodingException {
            int length = length(value);
            if (length < 0) {
                throw mismatch(value, path);
            }
            if (length != schema.getFixedSize()) {
                throw new PayloadEncodingException("the value at " + path + " has " + length + " bytes, but the "
                        + "Avro fixed " + schema.getFullName() + " has exactly " + schema.getFixedSize());
            }
            byte[] bytes;
            if (value instanceof byte[] array) {
                bytes = array;
            } else {
                bytes = new byte[length];
                ((ByteBuffer) value).duplicate().get(bytes);
            }
            return new GenericData.Fixed(schema, bytes);
        }

        private static int length(Object value) {
            if (value instanceof byte[] bytes) {
                return bytes.length;
            }
            return value instanceof ByteBuffer buffer ? buffer.remaining() : -1;
        }
    }

    /** A decimal in bytes or fixed: the two's-complement unscaled value at the schema's scale. */
    private static final class DecimalNode extends Node {
        private final int scale;
        private final int precision;

        DecimalNode(Schema schema, LogicalTypes.Decimal decimal) {
            super(schema);
            this.scale = decimal.getScale();
            this.precision = decimal.getPrecision();
        }

        @Override
        boolean accepts(Object value) {
            return value instanceof BigDecimal;
        }

        @Override
        String expects() {
            return "a Decimal (BigDecimal)";
        }

        @Override
        Object convert(Object value, ValuePath path) throws PayloadEncodingException {
            if (!(value instanceof BigDecimal decimal)) {
                throw mismatch(value, path);
            }
            BigDecimal scaled;
            try {
                scaled = decimal.setScale(scale, RoundingMode.UNNECESSARY);
            } catch (ArithmeticException e) {
                throw new PayloadEncodingException("the decimal at " + path + " (" + decimal.toPlainString()
                        + ") has scale " + decimal.scale() + ", and its Avro type " + name(schema) + " has scale "
                        + scale + ": rescaling would round it");
            }
            if (scaled.precision() > precision) {
                throw new PayloadEncodingException("the decimal at " + path + " (" + decimal.toPlainString()
                        + ") has " + scaled.precision() + " digits at scale " + scale + ", more than the precision "
                        + precision + " of its Avro type " + name(schema));
            }
            byte[] unscaled = scaled.unscaledValue().toByteArray();
            if (schema.getType() == Schema.Type.BYTES) {
                return ByteBuffer.wrap(unscaled);
            }
            int size = schema.getFixedSize();
            if (unscaled.length > size) {
                // The precision check keeps this from happening for any schema the parser accepts.
                throw new PayloadEncodingException("the decimal at " + path + " (" + decimal.toPlainString()
                        + ") needs " + unscaled.length + " bytes, more than the " + size + " of the Avro fixed "
                        + schema.getFullName());
            }
            byte[] fixed = new byte[size];
            // Sign-extend: pad a negative value with 0xFF, a positive one with 0x00.
            byte pad = unscaled[0] < 0 ? (byte) 0xff : 0;
            for (int i = 0; i < size - unscaled.length; i++) {
                fixed[i] = pad;
            }
            System.arraycopy(unscaled, 0, fixed, size - unscaled.length, unscaled.length);
            return new GenericData.Fixed(schema, fixed);
        }
    }

    private static final class ArrayNode extends Node {
        private final Node element;

        ArrayNode(Schema schema, Node element) {
            super(schema);
            this.element = element;
        }

        @Override
        boolean accepts(Object value) {
            return value instanceof Collection;
        }

        @Override
        String expects() {
            return "a List";
        }

        @Override
        Object convert(Object value, ValuePath path) throws PayloadEncodingException {
            if (!(value instanceof Collection<?> in)) {
                throw mismatch(value, path);
            }
            path.checkNesting();
            List<Object> out = new ArrayList<>(in.size());
            int i = 0;
            for (Object item : in) {
                ValuePath at = path.index(i++);
                if (item == null) {
                    if (!element.nullable()) {
                        throw new PayloadEncodingException("the element at " + at + " is null, but the array's "
                                + "element type " + name(element.schema) + " does not allow null");
                    }
                    out.add(null);
                } else {
                    out.add(element.convert(item, at));
                }
            }
            return out;
        }
    }

    private static final class MapNode extends Node {
        private final Node value;

        MapNode(Schema schema, Node value) {
            super(schema);
            this.value = value;
        }

        @Override
        boolean accepts(Object v) {
            return v instanceof Map;
        }

        @Override
        String expects() {
            return "a Map with String keys";
        }

        @Override
        Object convert(Object v, ValuePath path) throws PayloadEncodingException {
            if (!(v instanceof Map<?, ?> in)) {
                throw mismatch(v, path);
            }
            path.checkNesting();
            Map<String, Object> out = new LinkedHashMap<>(in.size() * 2);
            for (Map.Entry<?, ?> e : in.entrySet()) {
                if (!(e.getKey() instanceof CharSequence key)) {
                    throw new PayloadEncodingException("the map at " + path + " has a " + (e.getKey() == null
                            ? "null key" : "key of type " + e.getKey().getClass().getName() + " (" + e.getKey() + ")")
                            + ", but Avro map keys are strings");
                }
                ValuePath at = path.field(key.toString());
                checkText(key, at, "the map key at ");
                Object item = e.getValue();
                if (item == null) {
                    if (!value.nullable()) {
                        throw new PayloadEncodingException("the value at " + at + " is null, but the map's value "
                                + "type " + name(value.schema) + " does not allow null");
                    }
                    out.put(key.toString(), null);
                } else {
                    out.put(key.toString(), value.convert(item, at));
                }
            }
            return out;
        }
    }

    /** A union: null goes to its null branch; anything else to the first other branch that converts it. */
    private static final class UnionNode extends Node {
        private final Node[] branches;
        private final boolean nullable;

        UnionNode(Schema schema, List<Node> branches) {
            super(schema);
            this.branches = branches.stream().filter(b -> b.schema.getType() != Schema.Type.NULL)
                    .toArray(Node[]::new);
            this.nullable = this.branches.length < branches.size();
        }

        @Override
        boolean nullable() {
            return nullable;
        }

        @Override
        boolean accepts(Object value) {
            for (Node branch : branches) {
                if (branch.accepts(value)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        String expects() {
            StringBuilder sb = new StringBuilder();
            for (Node branch : branches) {
                sb.append(sb.length() == 0 ? "" : ", or ").append(branch.expects());
            }
            return sb.length() == 0 ? "null" : sb.toString();
        }

        @Override
        Object convert(Object value, ValuePath path) throws PayloadEncodingException {
            if (branches.length == 1) {
                // The common ["null", T]: T's own error says more than "no branch takes it".
                return branches[0].convert(value, path);
            }
            PayloadEncodingException first = null;
            for (Node branch : branches) {
                if (branch.accepts(value)) {
                    try {
                        return branch.convert(value, path);
                    } catch (PayloadEncodingException e) {
                        // Rare: the Java type fits but the content does not (e.g. a struct missing a field).
                        if (first == null) {
                            first = e;
                        }
                    }
                }
            }
            if (first != null) {
                throw new PayloadEncodingException("no branch of the Avro union " + name(schema) + " at " + path
                        + " takes the value; the first that could said: " + first.getMessage(), first);
            }
            throw mismatch(value, path);
        }
    }

    private record FieldNode(String name, boolean hasDefault, Object defaultValue, Node node) {
    }

    /** A record from a {@code Struct} or a {@code Map}; its fields are set once, while the node graph is built. */
    private static final class RecordNode extends Node {
        FieldNode[] fields;

        RecordNode(Schema schema) {
            super(schema);
        }

        @Override
        boolean accepts(Object value) {
            return value instanceof Struct || value instanceof Map;
        }

        @Override
        String expects() {
            return "a Struct or a Map";
        }

        @Override
        Object convert(Object value, ValuePath path) throws PayloadEncodingException {
            Struct struct = value instanceof Struct s ? s : null;
            Map<?, ?> map = value instanceof Map<?, ?> m ? m : null;
            if (struct == null && map == null) {
                throw mismatch(value, path);
            }
            path.checkNesting();
            GenericData.Record out = new GenericData.Record(schema);
            for (int i = 0; i < fields.length; i++) {
                FieldNode field = fields[i];
                ValuePath at = path.field(field.name());
                Object item;
                boolean present;
                if (struct != null) {
                    org.apache.kafka.connect.data.Field connectField = struct.schema().field(field.name());
                    present = connectField != null;
                    // Struct.get applies the Connect field's default.
                    item = present ? struct.get(connectField) : null;
                } else {
                    item = map.get(field.name());
                    present = item != null || map.containsKey(field.name());
                }
                if (item != null) {
                    out.put(i, field.node().convert(item, at));
                } else if (present && field.node().nullable()) {
                    out.put(i, null);
                } else if (field.hasDefault()) {
                    // Shared across calls; the writer only reads it.
                    out.put(i, field.defaultValue());
                } else {
                    throw new PayloadEncodingException("the field " + at + " of Avro record " + schema.getFullName()
                            + (present ? " is null, but its type " + name(field.node().schema)
                                    + " does not allow null" : " is missing from the value")
                            + ", and the field has no default in the Avro schema");
                }
            }
            return out;
        }
    }

    private static boolean isInt(Object value) {
        return value instanceof Integer || value instanceof Short || value instanceof Byte;
    }

    private static void checkText(CharSequence s, ValuePath path, String what) throws PayloadEncodingException {
        int bad = StringPayloadEncoder.unpairedSurrogate(s);
        if (bad >= 0) {
            throw new PayloadEncodingException(StringPayloadEncoder.unpairedSurrogateMessage(s, bad, what + path));
        }
    }

    /**
     * An Avro type for messages: its full name if named, with its logical type if any, e.g. "int (date)"; a union
     * as the list of its branches, e.g. "[null, int, com.acme.Location]" (not its JSON, which could be long).
     */
    private static String name(Schema s) {
        if (s.getType() == Schema.Type.UNION) {
            return s.getTypes().stream().map(AvroDatumConverter::name).collect(Collectors.joining(", ", "[", "]"));
        }
        String name = s.getFullName();
        return s.getLogicalType() == null ? name : name + " (" + s.getLogicalType().getName() + ")";
    }
}
