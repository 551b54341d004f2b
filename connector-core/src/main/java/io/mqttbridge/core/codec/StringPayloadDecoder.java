package io.mqttbridge.core.codec;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;

/** Strict UTF-8: malformed input is an error, never replaced by U+FFFD. */
final class StringPayloadDecoder implements PayloadDecoder {

    @Override
    public SchemaAndValue decode(String mqttTopic, byte[] payload) throws PayloadDecodingException {
        // CharsetDecoder keeps state, so one per call; it is cheap next to the decoding itself.
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(payload);
        CharBuffer out = CharBuffer.allocate(payload.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int at = in.position();
            throw new PayloadDecodingException("payload is not valid UTF-8: malformed sequence at byte offset " + at
                    + " (" + hex(payload, at, Math.max(1, result.length())) + ") of " + payload.length
                    + " bytes; use payload.format=bytes for binary payloads");
        }
        out.flip();
        return new SchemaAndValue(Schema.STRING_SCHEMA, out.toString());
    }

    private static String hex(byte[] bytes, int from, int count) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < Math.min(bytes.length, from + count); i++) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(String.format("0x%02X", bytes[i] & 0xff));
        }
        return sb.toString();
    }
}
