package io.mqttbridge.core.codec;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.junit.jupiter.api.Test;

class PayloadDecodersTest {

    @Test
    void bytesPassThroughUntouched() throws Exception {
        PayloadDecoder decoder = PayloadDecoders.create(PayloadFormat.BYTES, DecoderOptions.defaults());
        byte[] payload = {0, (byte) 0xff, 0x7f, (byte) 0x80};
        SchemaAndValue result = decoder.decode("t", payload);
        assertEquals(Schema.BYTES_SCHEMA, result.schema());
        assertSame(payload, result.value());
        assertArrayEquals(new byte[] {0, (byte) 0xff, 0x7f, (byte) 0x80}, payload);
        assertArrayEquals(new byte[0], (byte[]) decoder.decode("t", new byte[0]).value());
    }

    @Test
    void nullOptionsMeanDefaults() throws Exception {
        PayloadDecoder decoder = PayloadDecoders.create(PayloadFormat.JSON, null);
        assertEquals(Schema.Type.STRUCT, decoder.decode("t", "{\"a\":1}".getBytes(UTF_8)).schema().type());
    }

    @Test
    void avroNeedsASchemaFile() {
        String message = assertThrows(IllegalArgumentException.class,
                () -> PayloadDecoders.create(PayloadFormat.AVRO, DecoderOptions.defaults())).getMessage();
        assertTrue(message.contains("needs an Avro schema file"), message);
    }

    @Test
    void missingAvroSchemaFileIsNamed() {
        Path missing = Path.of("/nonexistent/reading.avsc");
        String message = assertThrows(IllegalArgumentException.class,
                () -> PayloadDecoders.create(PayloadFormat.AVRO, new DecoderOptions(false, missing))).getMessage();
        assertTrue(message.contains("/nonexistent/reading.avsc"), message);
        assertTrue(message.contains("does not exist"), message);
    }
}
