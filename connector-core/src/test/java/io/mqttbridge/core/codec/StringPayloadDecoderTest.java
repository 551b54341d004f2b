package io.mqttbridge.core.codec;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.junit.jupiter.api.Test;

class StringPayloadDecoderTest {
    private final PayloadDecoder decoder = PayloadDecoders.create(PayloadFormat.STRING, DecoderOptions.defaults());

    private String failure(byte... payload) {
        return assertThrows(PayloadDecodingException.class, () -> decoder.decode("t", payload)).getMessage();
    }

    @Test
    void decodesUtf8() throws Exception {
        String text = "temp=21.5 \u00b0C \u20ac \uD83D\uDE00";
        SchemaAndValue result = decoder.decode("t", text.getBytes(UTF_8));
        assertEquals(Schema.STRING_SCHEMA, result.schema());
        assertEquals(text, result.value());
        assertEquals("", decoder.decode("t", new byte[0]).value());
        assertEquals("a\u0000b", decoder.decode("t", new byte[] {'a', 0, 'b'}).value());
    }

    @Test
    void rejectsMalformedUtf8WithItsOffset() {
        String message = failure((byte) 'a', (byte) 'b', (byte) 0xff, (byte) 'c');
        assertTrue(message.contains("not valid UTF-8"), message);
        assertTrue(message.contains("byte offset 2"), message);
        assertTrue(message.contains("0xFF"), message);
        // a lone continuation byte
        assertTrue(failure((byte) 0x80).contains("byte offset 0"));
        // an overlong encoding of '/'
        assertTrue(failure((byte) 0xc0, (byte) 0xaf).contains("byte offset 0"));
        // an encoded surrogate (CESU-8), which UTF-8 forbids
        assertTrue(failure((byte) 0xed, (byte) 0xa0, (byte) 0x80).contains("not valid UTF-8"));
    }

    @Test
    void rejectsTruncatedSequenceAtTheEnd() {
        byte[] euro = "x\u20ac".getBytes(UTF_8);
        String message = failure(euro[0], euro[1], euro[2]);
        assertTrue(message.contains("byte offset 1"), message);
    }
}
