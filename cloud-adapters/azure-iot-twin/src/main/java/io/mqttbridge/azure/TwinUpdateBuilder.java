package io.mqttbridge.azure;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mqttbridge.core.codec.PayloadEncoder;
import io.mqttbridge.core.codec.PayloadEncoders;
import io.mqttbridge.core.codec.PayloadEncodingException;
import io.mqttbridge.core.codec.PayloadFormat;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a sink record into a {@link TwinUpdate}: the device id from the template, the value as JSON (core's JSON
 * encoder: Structs, maps, logical types) for the reported patch (the value's members, or the value under one
 * property) and the telemetry body, telemetry properties from headers. Stateless and thread-safe.
 */
final class TwinUpdateBuilder {
    /** IoT Hub closes a connection that sends an MQTT message larger than this. */
    static final int MAX_MESSAGE_BYTES = 256 * 1024;
    static final String ALL_HEADERS = "*";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DeviceIdTemplate deviceIds;
    private final boolean reported;
    private final String reportedProperty;
    private final boolean telemetry;
    private final List<String> propertyHeaders;
    private final TwinSinkConfig.TombstoneBehavior tombstones;
    private final PayloadEncoder encoder = PayloadEncoders.create(PayloadFormat.JSON, null);

    TwinUpdateBuilder(DeviceIdTemplate deviceIds, Set<TwinSinkConfig.Target> targets, String reportedProperty,
                      List<String> propertyHeaders, TwinSinkConfig.TombstoneBehavior tombstones) {
        this.deviceIds = deviceIds;
        this.reported = targets.contains(TwinSinkConfig.Target.REPORTED);
        this.telemetry = targets.contains(TwinSinkConfig.Target.TELEMETRY);
        this.reportedProperty = reportedProperty;
        this.propertyHeaders = propertyHeaders;
        this.tombstones = tombstones;
    }

    /**
     * The update for a record.
     *
     * @return the update, or null for a tombstone that {@code tombstone.behavior=skip} drops
     * @throws UndeliverableRecordException if the record cannot become an update, saying why
     */
    TwinUpdate build(SinkRecord record) throws UndeliverableRecordException {
        if (record.value() == null) {
            if (tombstones == TwinSinkConfig.TombstoneBehavior.FAIL) {
                throw new UndeliverableRecordException("the record is a tombstone (null value) and "
                    + TwinSinkConfig.TOMBSTONE_BEHAVIOR_CONFIG + "=fail");
            }
            return null;
        }
        String deviceId = deviceIds.render(record);
        byte[] json;
        try {
            json = encoder.encode(record.valueSchema(), record.value());
        } catch (PayloadEncodingException e) {
            throw new UndeliverableRecordException("the value cannot be written as JSON: " + e.getMessage(), e);
        }
        if (json.length > MAX_MESSAGE_BYTES) {
            throw new UndeliverableRecordException("the value is " + json.length + " bytes of JSON, more than IoT "
                + "Hub accepts in one message (" + MAX_MESSAGE_BYTES + ")");
        }
        String patch = reported ? reportedPatch(json) : null;
        DeviceSession.Telemetry message = telemetry ? new DeviceSession.Telemetry(json, properties(record),
            "application/json", "utf-8") : null;
        return new TwinUpdate(deviceId, patch, message);
    }

    /** The patch as text, spliced rather than re-parsed, so numbers keep every digit the encoder wrote. */
    private String reportedPatch(byte[] json) throws UndeliverableRecordException {
        String text = new String(json, StandardCharsets.UTF_8);
        if (!reportedProperty.isEmpty()) {
            return "{" + quote(reportedProperty) + ":" + text + "}";
        }
        if (!text.startsWith("{")) {
            throw new UndeliverableRecordException("reported properties must be a JSON object, the value is a JSON "
                + kind(text) + ": send objects, or set " + TwinSinkConfig.REPORTED_PROPERTY_CONFIG
                + " to report the value under one property");
        }
        return text;
    }

    private static String quote(String name) {
        try {
            return JSON.writeValueAsString(name);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String kind(String json) {
        char first = json.isEmpty() ? ' ' : json.charAt(0);
        return switch (first) {
            case '[' -> "array";
            case '"' -> "string";
            case 't', 'f' -> "boolean";
            case 'n' -> "null";
            default -> "number";
        };
    }

    private Map<String, String> properties(SinkRecord record) {
        if (propertyHeaders.isEmpty()) {
            return Map.of();
        }
        boolean all = propertyHeaders.contains(ALL_HEADERS);
        Map<String, String> properties = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            if ((all || propertyHeaders.contains(header.key())) && header.value() != null) {
                String text = text(header.value());
                if (text != null) {
                    properties.put(header.key(), text);
                }
            }
        }
        return properties;
    }

    private static String text(Object value) {
        if (value instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        if (value instanceof ByteBuffer buffer) {
            byte[] copy = new byte[buffer.remaining()];
            buffer.duplicate().get(copy);
            return new String(copy, StandardCharsets.UTF_8);
        }
        if (value instanceof Struct || value instanceof Map<?, ?> || value instanceof List<?>) {
            return null; // properties are strings; structured headers have no single text form
        }
        return value.toString();
    }
}
