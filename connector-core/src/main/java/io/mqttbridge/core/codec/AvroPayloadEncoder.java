package io.mqttbridge.core.codec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Avro binary datums (no container file header, no schema registry prefix, as {@link AvroPayloadDecoder} reads
 * them) of one schema read from a {@code .avsc} file; values are converted by {@link AvroDatumConverter}.
 */
final class AvroPayloadEncoder implements PayloadEncoder {
    private final Schema avroSchema;
    private final AvroDatumConverter converter;
    // Holds no per-write state, so one serves all threads; only the BinaryEncoder is per call.
    private final GenericDatumWriter<Object> writer;

    private AvroPayloadEncoder(Schema avroSchema) {
        // An own GenericData: conversions registered on the shared GenericData.get() must not change the output.
        GenericData data = new GenericData();
        this.avroSchema = avroSchema;
        this.converter = AvroDatumConverter.forSchema(avroSchema, data);
        this.writer = new GenericDatumWriter<>(avroSchema, data);
    }

    /**
     * Reads the schema file and prepares the conversion.
     *
     * @throws IllegalArgumentException naming the file, if it does not exist, cannot be read or is not a valid
     *     Avro schema
     */
    static AvroPayloadEncoder fromSchemaFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("Avro schema file '" + file + "' does not exist or is not a file");
        }
        String json;
        try {
            json = Files.readString(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("Avro schema file '" + file + "' cannot be read: " + e, e);
        }
        Schema schema;
        try {
            schema = new Schema.Parser().parse(json);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("Avro schema file '" + file + "' is not a valid Avro schema: "
                    + e.getMessage(), e);
        }
        return new AvroPayloadEncoder(schema);
    }

    @Override
    public byte[] encode(org.apache.kafka.connect.data.Schema schema, Object value) throws PayloadEncodingException {
        Object datum = converter.convert(value);
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        // Direct, not buffered: the output is in memory anyway, and a buffered encoder allocates 2 KB per call.
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            writer.write(datum, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            // The converter produced only what the schema takes; this is a gap in its checks, not bad input alone.
            throw new PayloadEncodingException("cannot write the value as an Avro datum of schema "
                    + avroSchema.getFullName() + ": " + e, e);
        }
        return out.toByteArray();
    }
}
