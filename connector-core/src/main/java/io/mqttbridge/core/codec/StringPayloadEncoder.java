package io.mqttbridge.core.codec;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

/**
 * UTF-8 text: a {@code String} as it is; numbers and booleans as their {@code toString()} (a {@code BigDecimal}
 * in plain notation, never with an exponent); a {@code java.util.Date} as ISO-8601 text in UTC, by its logical
 * schema ({@code yyyy-MM-dd} for {@code Date}, {@code HH:mm:ss.SSS} for {@code Time}, an instant otherwise).
 * Bytes, structs, maps and lists are errors that name the format to use instead.
 *
 * <p>Strings with an unpaired surrogate are errors too: Java would silently write {@code ?} in its place, and the
 * strict {@code string} decoder could not read such text back anyway.
 */
final class StringPayloadEncoder implements PayloadEncoder {

    @Override
    public byte[] encode(Schema schema, Object value) throws PayloadEncodingException {
        String text = text(schema, value);
        int bad = unpairedSurrogate(text);
        if (bad >= 0) {
            throw new PayloadEncodingException(unpairedSurrogateMessage(text, bad, "the string value"));
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Schema schema, Object value) throws PayloadEncodingException {
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof BigDecimal decimal) {
            return decimal.toPlainString();
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        if (value instanceof java.util.Date date) {
            return ConnectTemporals.text(schema == null ? null : schema.name(), date, ValuePath.ROOT);
        }
        if (value instanceof byte[] || value instanceof ByteBuffer) {
            throw new PayloadEncodingException("payload.format=string takes text, but the value is bytes ("
                    + value.getClass().getSimpleName() + "); use payload.format=bytes for binary values");
        }
        if (value instanceof Struct || value instanceof Map || value instanceof Collection) {
            throw new PayloadEncodingException("payload.format=string cannot write a structured value ("
                    + value.getClass().getName() + "); use payload.format=json");
        }
        throw new PayloadEncodingException("payload.format=string cannot write a value of type "
                + value.getClass().getName() + "; it takes strings, numbers, booleans and dates");
    }

    /** The index of the first unpaired surrogate in {@code s}, or -1 if it is well-formed UTF-16. */
    static int unpairedSurrogate(CharSequence s) {
        int length = s.length();
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            }
        }
        return -1;
    }

    /** The error message for an unpaired surrogate at {@code index} of {@code s}, which is {@code what}. */
    static String unpairedSurrogateMessage(CharSequence s, int index, String what) {
        return what + " has an unpaired UTF-16 surrogate (" + String.format("\\u%04X", (int) s.charAt(index))
                + ") at index " + index + ", which has no UTF-8 encoding";
    }
}
