package io.mqttbridge.core.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.connect.data.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PayloadEncodersTest {
    @TempDir
    Path dir;

    private String avroFailure(Path file) {
        String message = assertThrows(IllegalArgumentException.class,
                () -> PayloadEncoders.create(PayloadFormat.AVRO, new EncoderOptions(file))).getMessage();
        assertTrue(message.contains(file.toString()), message);
        return message;
    }

    @Test
    void everyFormatHasAnEncoder() throws Exception {
        assertInstanceOf(BytesPayloadEncoder.class, PayloadEncoders.create(PayloadFormat.BYTES, null));
        assertInstanceOf(StringPayloadEncoder.class, PayloadEncoders.create(PayloadFormat.STRING, null));
        assertInstanceOf(JsonPayloadEncoder.class, PayloadEncoders.create(PayloadFormat.JSON, null));
        Path avsc = Files.writeString(dir.resolve("s.avsc"), "\"string\"");
        PayloadEncoder avro = PayloadEncoders.create(PayloadFormat.AVRO, new EncoderOptions(avsc));
        assertEquals(3, avro.encode(Schema.STRING_SCHEMA, "ab").length);
    }

    @Test
    void nullOptionsMeanDefaults() throws Exception {
        assertEquals(new EncoderOptions(null), EncoderOptions.defaults());
        assertEquals("1", new String(PayloadEncoders.create(PayloadFormat.JSON, null).encode(null, 1)));
    }

    @Test
    void avroNeedsASchemaFile() {
        String message = assertThrows(IllegalArgumentException.class,
                () -> PayloadEncoders.create(PayloadFormat.AVRO, EncoderOptions.defaults())).getMessage();
        assertTrue(message.contains("needs an Avro schema file"), message);
    }

    @Test
    void missingSchemaFileIsNamed() {
        assertTrue(avroFailure(Path.of("/nonexistent/reading.avsc")).contains("does not exist"));
        assertTrue(avroFailure(dir).contains("is not a file"));
    }

    @Test
    void unreadableSchemaFileIsNamed() throws Exception {
        Path latin1 = Files.write(dir.resolve("latin1.avsc"), new byte[] {'"', (byte) 0xe9, '"'});
        assertTrue(avroFailure(latin1).contains("cannot be read"));
    }

    @Test
    void invalidSchemaFileIsNamed() throws Exception {
        String truncated = avroFailure(Files.writeString(dir.resolve("a.avsc"), "{\"type\": \"record\", \"name\": "));
        assertTrue(truncated.contains("is not a valid Avro schema"), truncated);
        String unknown = avroFailure(Files.writeString(dir.resolve("b.avsc"), "{\"type\": \"nonsense\"}"));
        assertTrue(unknown.contains("is not a valid Avro schema"), unknown);
        String badDefault = avroFailure(Files.writeString(dir.resolve("c.avsc"), """
                {"type": "record", "name": "R", "fields": [{"name": "n", "type": "int", "default": "x"}]}"""));
        assertTrue(badDefault.contains("is not a valid Avro schema"), badDefault);
    }
}
