package io.mqttbridge.core.transport;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The size on the wire of the PUBLISH packet a message becomes (MQTT 3.1.1 section 3.3, MQTT 5 section 3.3), to
 * compare with a broker's maximum packet size before sending: a broker drops the connection of a client that sends a
 * larger packet, and the client library may refuse to write it, which breaks the connection just the same.
 */
public final class MqttPacketSize {
    /** A topic alias the client library may add on its own (MQTT 5): its identifier byte and two-byte value. */
    private static final int TOPIC_ALIAS = 3;

    private MqttPacketSize() {
    }

    /**
     * The PUBLISH packet of {@code message}: fixed header, topic, packet identifier (QoS 1 and 2), for MQTT 5 the
     * properties (with room for a topic alias), and the payload. Exact for MQTT 3.1.1; for MQTT 5 at most
     * {@value #TOPIC_ALIAS} bytes more than the packet, so it never underestimates.
     */
    public static long publish(OutboundMessage message, MqttVersion version) {
        long variableHeader = utf8(message.topic()) + (message.qos() > 0 ? 2 : 0);
        if (version == MqttVersion.V5) {
            long properties = properties(message.properties()) + TOPIC_ALIAS;
            variableHeader += varIntBytes(properties) + properties;
        }
        long remaining = variableHeader + message.payload().length;
        return 1 + varIntBytes(remaining) + remaining;
    }

    private static long properties(MqttProperties p) {
        long size = 0;
        if (p.payloadFormatIndicator() != null) {
            size += 1 + 1;
        }
        if (p.messageExpiryIntervalSeconds() != null) {
            size += 1 + 4;
        }
        if (p.contentType() != null) {
            size += 1 + utf8(p.contentType());
        }
        if (p.responseTopic() != null) {
            size += 1 + utf8(p.responseTopic());
        }
        if (p.correlationData() != null) {
            size += 1 + 2 + p.correlationData().length;
        }
        for (Map.Entry<String, String> user : p.userProperties()) {
            size += 1 + utf8(user.getKey()) + utf8(user.getValue());
        }
        return size;
    }

    /** A UTF-8 encoded string: two length bytes and the bytes. */
    private static long utf8(String s) {
        return 2 + s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** Bytes of a Variable Byte Integer (MQTT 5 section 1.5.5; 3.1.1's Remaining Length). */
    static int varIntBytes(long value) {
        int bytes = 1;
        for (long v = value >>> 7; v > 0; v >>>= 7) {
            bytes++;
        }
        return bytes;
    }
}
