package io.mqttbridge.core.codec;

import java.util.regex.Pattern;

/**
 * Where a value sits inside the value being encoded, in the JSON path notation of the decoders' messages
 * ({@code $.location.lat}, {@code $.tags[2]}, {@code $.attrs["a b"]}). Built as an encoder descends and rendered
 * only for error messages. It also bounds the nesting, so that a map or list that contains itself fails with a
 * clear error instead of a stack overflow.
 */
record ValuePath(ValuePath parent, String field, int index, int depth) {
    /** The most structs, maps and arrays that may nest inside one another. */
    static final int MAX_DEPTH = 100;
    static final ValuePath ROOT = new ValuePath(null, null, 0, 0);
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final int SHOWN_IN_DEPTH_ERROR = 120;

    /** The path of a struct field or map entry. */
    ValuePath field(String name) {
        return new ValuePath(this, name, 0, depth + 1);
    }

    /** The path of array element {@code i}. */
    ValuePath index(int i) {
        return new ValuePath(this, null, i, depth + 1);
    }

    /** Called before descending into a struct, map or array at this path. */
    void checkNesting() throws PayloadEncodingException {
        if (depth >= MAX_DEPTH) {
            String where = toString();
            if (where.length() > SHOWN_IN_DEPTH_ERROR) {
                int half = SHOWN_IN_DEPTH_ERROR / 2;
                where = where.substring(0, half) + " ... " + where.substring(where.length() - half);
            }
            throw new PayloadEncodingException("the value nests structs, maps and arrays more than " + MAX_DEPTH
                    + " levels deep (at " + where + "); a map or list that contains itself?");
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        append(sb);
        return sb.toString();
    }

    private void append(StringBuilder sb) {
        if (parent == null) {
            sb.append('$');
            return;
        }
        parent.append(sb);
        if (field == null) {
            sb.append('[').append(index).append(']');
        } else if (IDENTIFIER.matcher(field).matches()) {
            sb.append('.').append(field);
        } else {
            sb.append("[\"").append(field.replace("\\", "\\\\").replace("\"", "\\\"")).append("\"]");
        }
    }
}
