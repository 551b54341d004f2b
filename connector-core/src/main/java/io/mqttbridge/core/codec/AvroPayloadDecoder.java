package io.mqttbridge.core.codec;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.kafka.connect.data.SchemaAndValue;

/**
 * Avro binary datums (no container file header, no schema registry prefix) of one schema read from a
 * {@code .avsc} file, converted to Kafka Connect values by {@link AvroConnectConverter}.
 */
final class AvroPayloadDecoder implements PayloadDecoder {
    private final Schema avroSchema;
    private final AvroConnectConverter converter;
    private final GenericDatumReader<Object> reader;

    private AvroPayloadDecoder(Schema avroSchema, AvroConnectConverter converter) {
        this.avroSchema = avroSchema;
        this.converter = converter;
        this.reader = new BoundedDatumReader(avroSchema);
    }

    /**
     * Reads the schema file and prepares the conversion.
     *
     * @throws IllegalArgumentException naming the file, if it cannot be read, is not a valid Avro schema, or uses
     *     what Kafka Connect cannot represent
     */
    static AvroPayloadDecoder fromSchemaFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("Avro schema file '" + file + "' does not exist or is not a file");
        }
        Schema schema;
        try {
            schema = new Schema.Parser().parse(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("Avro schema file '" + file + "' is not a valid Avro schema: "
                    + e.getMessage(), e);
        }
        try {
            return new AvroPayloadDecoder(schema, AvroConnectConverter.forSchema(schema));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Avro schema file '" + file + "': " + e.getMessage(), e);
        }
    }

    @Override
    public SchemaAndValue decode(String mqttTopic, byte[] payload) throws PayloadDecodingException {
        // Decoders hold a read position, so one per call; GenericDatumReader itself may be shared across threads.
        BoundedBinaryDecoder in = new BoundedBinaryDecoder(payload);
        Object datum;
        try {
            datum = reader.read(null, in);
            if (!in.isEnd()) {
                int left = in.remaining();
                throw new PayloadDecodingException("payload has " + left + " byte(s) after the Avro datum of schema "
                        + avroSchema.getFullName() + " (" + payload.length + " bytes in all): it was probably "
                        + "written with a different schema, or in a container or schema-registry framing");
            }
        } catch (EOFException e) {
            throw new PayloadDecodingException("payload of " + payload.length + " bytes ends before the Avro datum "
                    + "of schema " + avroSchema.getFullName() + " is complete: truncated, or written with a "
                    + "different schema", e);
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException
                 | UnsupportedOperationException e) {
            // Avro's SystemLimitException checks throw UnsupportedOperationException for absurd item counts.
            throw new PayloadDecodingException("payload is not a valid Avro datum of schema "
                    + avroSchema.getFullName() + " (corrupt, or written with a different schema): "
                    + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
        return converter.convert(datum);
    }

    /**
     * Caps the capacity reserved up front for arrays and maps, so that a corrupt item count does not make the
     * reader allocate gigabytes before it finds the payload too short. Avro's "fast reader" would bypass these
     * hooks (it sizes arrays from the count directly), so it is switched off for this reader's own GenericData.
     */
    private static final class BoundedDatumReader extends GenericDatumReader<Object> {
        private static final int MAX_INITIAL_CAPACITY = 1024;

        BoundedDatumReader(Schema schema) {
            super(schema, schema, classicReaderData());
        }

        private static GenericData classicReaderData() {
            GenericData data = new GenericData();
            data.setFastReaderEnabled(false);
            return data;
        }

        @Override
        @SuppressWarnings("unchecked")
        protected Object newArray(Object old, int size, Schema schema) {
            if (old instanceof Collection) {
                ((Collection<Object>) old).clear();
                return old;
            }
            return new GenericData.Array<Object>(Math.min(size, MAX_INITIAL_CAPACITY), schema);
        }

        @Override
        protected Object newMap(Object old, int size) {
            return new HashMap<Object, Object>(Math.min(size, MAX_INITIAL_CAPACITY));
        }
    }
}
