package io.mqttbridge.core.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.connect.data.Schema;
import org.junit.jupiter.api.Test;

class BytesPayloadEncoderTest {
    private final PayloadEncoder encoder = PayloadEncoders.create(PayloadFormat.BYTES, EncoderOptions.defaults());

    private String failure(Schema schema, Object value) {
        return assertThrows(PayloadEncodingException.class, () -> encoder.encode(schema, value)).getMessage();
    }

    @Test
    void byteArrayIsThePayload() throws Exception {
        byte[] value = {0, (byte) 0xff, 0x7f, (byte) 0x80};
        assertSame(value, encoder.encode(Schema.BYTES_SCHEMA, value));
        assertSame(value, encoder.encode(null, value));
        assertArrayEquals(new byte[0], encoder.encode(Schema.BYTES_SCHEMA, new byte[0]));
    }

    @Test
    void byteBufferGivesItsRemainingBytesAndKeepsItsPosition() throws Exception {
        ByteBuffer buffer = ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5}, 1, 3);
        assertArrayEquals(new byte[] {2, 3, 4}, encoder.encode(null, buffer));
        assertEquals(1, buffer.position());
        assertEquals(4, buffer.limit());

        ByteBuffer direct = ByteBuffer.allocateDirect(4).put(new byte[] {9, 8, 7, 6});
        direct.flip().get();
        assertArrayEquals(new byte[] {8, 7, 6}, encoder.encode(Schema.OPTIONAL_BYTES_SCHEMA, direct));
        assertEquals(1, direct.position());
    }

    @Test
    void roundTripsThroughTheBytesDecoder() throws Exception {
        PayloadDecoder decoder = PayloadDecoders.create(PayloadFormat.BYTES, DecoderOptions.defaults());
        byte[] value = {42, 0, -1};
        assertArrayEquals(value, (byte[]) decoder.decode("t", encoder.encode(Schema.BYTES_SCHEMA, value)).value());
    }

    @Test
    void stringIsAnErrorSuggestingTheStringFormat() {
        String message = failure(Schema.STRING_SCHEMA, "text");
        assertTrue(message.contains("is a String"), message);
        assertTrue(message.contains("use payload.format=string"), message);
    }

    @Test
    void otherValuesAreAnErrorNamingTheirType() {
        String message = failure(Schema.INT32_SCHEMA, 5);
        assertTrue(message.contains("java.lang.Integer (schema INT32)"), message);
        assertTrue(message.contains("payload.format=string or payload.format=json"), message);
        String schemaless = failure(null, new ArrayList<>(List.of(1)));
        assertTrue(schemaless.contains("java.util.ArrayList;"), schemaless);
        assertFalse(schemaless.contains("(schema"), schemaless);
    }
}
