package io.mqttbridge.core.codec;

import java.nio.ByteBuffer;
import org.apache.kafka.connect.data.Schema;

/** The payload is the value's bytes: a {@code byte[]} as it is, a {@code ByteBuffer}'s remaining bytes. */
final class BytesPayloadEncoder implements PayloadEncoder {

    @Override
    public byte[] encode(Schema schema, Object value) throws PayloadEncodingException {
        if (value instanceof byte[] bytes) {
            return bytes;
        }
        if (value instanceof ByteBuffer buffer) {
            byte[] out = new byte[buffer.remaining()];
            // duplicate(): reading must not move the position of a buffer the caller still owns.
            buffer.duplicate().get(out);
            return out;
        }
        if (value instanceof String) {
            throw new PayloadEncodingException("payload.format=bytes takes byte[] or ByteBuffer values, but the value "
                    + "is a String; use payload.format=string to write text");
        }
        throw new PayloadEncodingException("payload.format=bytes takes byte[] or ByteBuffer values, but the value "
                + "is a " + value.getClass().getName() + (schema == null ? "" : " (schema " + schema.type() + ")")
                + "; use payload.format=string or payload.format=json");
    }
}
