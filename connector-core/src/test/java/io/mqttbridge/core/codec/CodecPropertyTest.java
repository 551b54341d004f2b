package io.mqttbridge.core.codec;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzing the payload codecs: any bytes an MQTT client may send either decode or fail with
 * {@link PayloadDecodingException} and a message, never with another exception that would kill the task instead of
 * dead-lettering the message; and what the encoders write, the decoders read back. Seeds are fixed so a failure
 * reproduces; jqwik's failure database (see {@code junit-platform.properties}) replays the last failing sample first.
 */
class CodecPropertyTest {

    private static final String AVRO_SCHEMA = """
        {"type": "record", "name": "Reading", "fields": [
          {"name": "device", "type": "string"},
          {"name": "values", "type": {"type": "array", "items": "double"}},
          {"name": "tags", "type": {"type": "map", "values": "string"}},
          {"name": "note", "type": ["null", "string"], "default": null}]}
        """;

    private static Path dir;
    private static PayloadDecoder avro;
    private final PayloadDecoder json = PayloadDecoders.create(PayloadFormat.JSON, DecoderOptions.defaults());
    private final PayloadDecoder schemalessJson =
        PayloadDecoders.create(PayloadFormat.JSON, new DecoderOptions(true, null));
    private final PayloadDecoder string = PayloadDecoders.create(PayloadFormat.STRING, DecoderOptions.defaults());
    private final PayloadEncoder jsonEncoder = PayloadEncoders.create(PayloadFormat.JSON, EncoderOptions.defaults());
    private final PayloadEncoder stringEncoder =
        PayloadEncoders.create(PayloadFormat.STRING, EncoderOptions.defaults());

    @BeforeContainer
    static void writeAvroSchema() throws IOException {
        dir = Files.createTempDirectory("codec-properties");
        Path schema = dir.resolve("reading.avsc");
        Files.writeString(schema, AVRO_SCHEMA);
        avro = PayloadDecoders.create(PayloadFormat.AVRO, new DecoderOptions(false, schema));
    }

    @AfterContainer
    static void deleteAvroSchema() throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Property(tries = 3000, seed = "4100")
    void anyBytesDecodeOrFailCleanly(@ForAll("payloads") byte[] payload) {
        for (PayloadDecoder decoder : new PayloadDecoder[] {json, schemalessJson, string, avro}) {
            try {
                SchemaAndValue decoded = decoder.decode("fuzz/topic", payload);
                assertTrue(decoded != null, "a value or an exception");
            } catch (PayloadDecodingException e) {
                assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "a message saying what is wrong");
            }
        }
    }

    /** Found by {@link #anyBytesDecodeOrFailCleanly}: an array count past Avro's limit escaped as a RuntimeException. */
    @Example
    void anAbsurdAvroArrayCountIsADecodingError() {
        byte[] payload = {6, 'd', 'e', 'v', (byte) 0xFE, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F};
        PayloadDecodingException e = assertThrows(PayloadDecodingException.class, () -> avro.decode("t", payload));
        assertTrue(e.getMessage().contains("not a valid Avro datum"), e.getMessage());
    }

    @Property(tries = 2000, seed = "4101")
    void anyJsonLikeTextDecodesOrFailsCleanly(@ForAll("jsonish") String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        for (PayloadDecoder decoder : new PayloadDecoder[] {json, schemalessJson}) {
            try {
                decoder.decode("fuzz/topic", payload);
            } catch (PayloadDecodingException e) {
                assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "a message for " + text);
            }
        }
    }

    @Property(tries = 1000, seed = "4102")
    void stringsRoundTripAndOnlyValidUtf8Decodes(@ForAll String text) throws Exception {
        byte[] encoded = stringEncoder.encode(Schema.STRING_SCHEMA, text);
        boolean wellFormed = text.codePoints().noneMatch(cp -> cp >= Character.MIN_SURROGATE
            && cp <= Character.MAX_SURROGATE);
        if (wellFormed) {
            assertEquals(text, string.decode("t", encoded).value());
        }
        assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), encoded.length == 0 ? new byte[0] : encoded);
    }

    @Property(tries = 1000, seed = "4103")
    void schemalessJsonRoundTrips(@ForAll("flatMaps") Map<String, Object> value) throws Exception {
        byte[] encoded = jsonEncoder.encode(null, value);
        assertEquals(value, schemalessJson.decode("t", encoded).value(), new String(encoded, StandardCharsets.UTF_8));
    }

    @Provide
    Arbitrary<byte[]> payloads() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        // Prefixes of valid documents and Avro-ish varints make the decoders go deeper than random noise does.
        Arbitrary<byte[]> structured = Arbitraries.of(
                "{\"seq\":1,\"a\":[1,2,{\"b\":null}]}", "[1,\"x\",true]", "\"text\"", "12e400", "-0", "{\"a\":1}{",
                "\u0006dev\u0002\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000")
            .map(s -> s.getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> mutated = structured.flatMap(base -> Arbitraries.integers().between(0, base.length)
            .flatMap(cut -> Arbitraries.bytes().array(byte[].class).ofMaxSize(8).map(tail -> {
                byte[] out = new byte[cut + tail.length];
                System.arraycopy(base, 0, out, 0, cut);
                System.arraycopy(tail, 0, out, cut, tail.length);
                return out;
            })));
        Arbitrary<byte[]> hugeLength = Arbitraries.of(
            new byte[] {(byte) 0xFE, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F},
            new byte[] {0x06, 'd', 'e', 'v', (byte) 0xFE, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F},
            new byte[] {0x06, 'd', 'e', 'v', 0x00, (byte) 0xFE, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F});
        return Arbitraries.frequencyOf(Tuple.of(5, random), Tuple.of(4, mutated), Tuple.of(1, hugeLength));
    }

    @Provide
    Arbitrary<String> jsonish() {
        return Arbitraries.strings().withChars("{}[]\":,0123456789.eE+-truefalsn \\u\u0000é").ofMaxLength(60);
    }

    @Provide
    Arbitrary<Map<String, Object>> flatMaps() {
        Arbitrary<Object> values = Arbitraries.oneOf(
            Arbitraries.strings().ofMaxLength(20).map(s -> (Object) s),
            Arbitraries.longs().map(l -> (Object) l),
            Arbitraries.of(true, false).map(b -> (Object) b));
        return Arbitraries.maps(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8), values).ofMaxSize(6)
            .map(LinkedHashMap::new);
    }
}
