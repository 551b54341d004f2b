package io.mqttbridge.core.transport;

import java.util.List;
import java.util.Map;

/**
 * The MQTT 5 PUBLISH properties the connectors carry to and from Kafka headers.
 *
 * @param contentType content type, or null
 * @param responseTopic response topic, or null
 * @param correlationData correlation data, or null
 * @param userProperties user properties in the order sent (names may repeat), never null
 * @param messageExpiryIntervalSeconds message expiry interval, or null for none
 * @param payloadFormatIndicator true if the sender declared the payload UTF-8, or null if not set
 */
public record MqttProperties(String contentType, String responseTopic, byte[] correlationData,
                             List<Map.Entry<String, String>> userProperties, Long messageExpiryIntervalSeconds,
                             Boolean payloadFormatIndicator) {

    /** No properties at all: what every MQTT 3.1.1 message carries. */
    public static final MqttProperties EMPTY = new MqttProperties(null, null, null, List.of(), null, null);

    public MqttProperties {
        userProperties = userProperties == null ? List.of() : List.copyOf(userProperties);
    }

    /** Whether no property is set. */
    public boolean isEmpty() {
        return contentType == null && responseTopic == null && correlationData == null && userProperties.isEmpty()
            && messageExpiryIntervalSeconds == null && payloadFormatIndicator == null;
    }
}
