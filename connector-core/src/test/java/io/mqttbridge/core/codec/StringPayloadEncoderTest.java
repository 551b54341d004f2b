package io.mqttbridge.core.codec;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.junit.jupiter.api.Test;

class StringPayloadEncoderTest {
    private final PayloadEncoder encoder = PayloadEncoders.create(PayloadFormat.STRING, EncoderOptions.defaults());

    private String text(Schema schema, Object value) throws PayloadEncodingException {
        return new String(encoder.encode(schema, value), UTF_8);
    }

    private String failure(Schema schema, Object value) {
        return assertThrows(PayloadEncodingException.class, () -> encoder.encode(schema, value)).getMessage();
    }

    @Test
    void stringIsUtf8AndRoundTrips() throws Exception {
        String text = "temp=21.5 \u00b0C \u20ac \uD83D\uDE00 a\u0000b";
        byte[] payload = encoder.encode(Schema.STRING_SCHEMA, text);
        assertArrayEquals(text.getBytes(UTF_8), payload);
        PayloadDecoder decoder = PayloadDecoders.create(PayloadFormat.STRING, DecoderOptions.defaults());
        assertEquals(text, decoder.decode("t", payload).value());
        assertArrayEquals(new byte[0], encoder.encode(null, ""));
    }

    @Test
    void numbersAndBooleansAsTheirText() throws Exception {
        assertEquals("42", text(Schema.INT32_SCHEMA, 42));
        assertEquals("-7", text(Schema.INT8_SCHEMA, (byte) -7));
        assertEquals("300", text(Schema.INT16_SCHEMA, (short) 300));
        assertEquals("9223372036854775807", text(Schema.INT64_SCHEMA, Long.MAX_VALUE));
        assertEquals("21.5", text(Schema.FLOAT32_SCHEMA, 21.5f));
        assertEquals("0.1", text(null, 0.1));
        assertEquals("NaN", text(null, Double.NaN));
        assertEquals("true", text(Schema.BOOLEAN_SCHEMA, true));
        assertEquals("123456789012345678901234567890", text(null, new BigInteger("123456789012345678901234567890")));
    }

    @Test
    void decimalsInPlainNotation() throws Exception {
        assertEquals("1000", text(Decimal.schema(0), new BigDecimal("1E+3")));
        assertEquals("0.000001", text(null, new BigDecimal("1E-6")));
        assertEquals("-123.450", text(Decimal.schema(3), new BigDecimal("-123.450")));
    }

    @Test
    void datesAsIsoTextInUtcByTheirLogicalSchema() throws Exception {
        java.util.Date day = new java.util.Date(19_783L * 86_400_000L);
        assertEquals("2024-03-01", text(Date.SCHEMA, day));
        assertEquals("12:00:00.123", text(Time.SCHEMA, new java.util.Date(43_200_123L)));
        java.util.Date at = new java.util.Date(day.getTime() + 43_200_123L);
        assertEquals("2024-03-01T12:00:00.123Z", text(Timestamp.SCHEMA, at));
        assertEquals("2024-03-01T00:00:00.000Z", text(null, day));
        String message = failure(Date.SCHEMA, at);
        assertTrue(message.contains("has a time of day"), message);
    }

    @Test
    void bytesAreAnErrorSuggestingTheBytesFormat() {
        String message = failure(Schema.BYTES_SCHEMA, new byte[] {1});
        assertTrue(message.contains("the value is bytes (byte[])"), message);
        assertTrue(message.contains("use payload.format=bytes"), message);
        assertTrue(failure(null, ByteBuffer.allocate(1)).contains("use payload.format=bytes"));
    }

    @Test
    void structuredValuesAreAnErrorSuggestingJson() {
        Schema schema = SchemaBuilder.struct().field("a", Schema.INT32_SCHEMA).build();
        String message = failure(schema, new Struct(schema).put("a", 1));
        assertTrue(message.contains("org.apache.kafka.connect.data.Struct"), message);
        assertTrue(message.contains("use payload.format=json"), message);
        assertTrue(failure(null, Map.of("a", 1)).contains("use payload.format=json"));
        assertTrue(failure(null, List.of(1)).contains("use payload.format=json"));
    }

    @Test
    void otherTypesAreAnErrorNamingTheType() {
        String message = failure(null, UUID.randomUUID());
        assertTrue(message.contains("java.util.UUID"), message);
    }

    @Test
    void unpairedSurrogateIsAnError() {
        String message = failure(Schema.STRING_SCHEMA, "ab\uD83Dc");
        assertTrue(message.contains("unpaired UTF-16 surrogate (\\uD83D) at index 2"), message);
        assertTrue(failure(null, "x\uDE00").contains("at index 1"));
        assertTrue(failure(null, "\uD83D\uDE00\uD83D").contains("at index 2"));
    }
}
