package io.mqttbridge.source.integration;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON an operator would PUT to {@code /connectors/NAME/config}, built fluently. Defaults: one task, MQTT 5,
 * QoS 1, bytes payloads passed through {@code ByteArrayConverter}, string keys (the MQTT topic), fast reconnects.
 */
final class SourceConnectorProps {

    static final String CONNECTOR_CLASS = "io.mqttbridge.source.MqttSourceConnector";
    static final String BYTES_CONVERTER = "org.apache.kafka.connect.converters.ByteArrayConverter";
    static final String STRING_CONVERTER = "org.apache.kafka.connect.storage.StringConverter";
    static final String JSON_CONVERTER = "org.apache.kafka.connect.json.JsonConverter";

    private final Map<String, String> props = new LinkedHashMap<>();

    private SourceConnectorProps(String serverUri, String filters, String kafkaTopic) {
        props.put("connector.class", CONNECTOR_CLASS);
        props.put("tasks.max", "1");
        props.put("mqtt.server.uris", serverUri);
        props.put("mqtt.version", "5");
        props.put("mqtt.topics", filters);
        props.put("mqtt.qos", "1");
        props.put("kafka.topic", kafkaTopic);
        props.put("payload.format", "bytes");
        props.put("key.converter", STRING_CONVERTER);
        props.put("value.converter", BYTES_CONVERTER);
        props.put("mqtt.reconnect.backoff.ms", "100");
        props.put("mqtt.reconnect.backoff.max.ms", "1000");
    }

    static SourceConnectorProps of(String serverUri, String filters, String kafkaTopic) {
        return new SourceConnectorProps(serverUri, filters, kafkaTopic);
    }

    SourceConnectorProps version(String version) {
        return put("mqtt.version", version);
    }

    SourceConnectorProps qos(int qos) {
        return put("mqtt.qos", Integer.toString(qos));
    }

    SourceConnectorProps tasks(int tasks) {
        return put("tasks.max", Integer.toString(tasks));
    }

    SourceConnectorProps clientId(String clientId) {
        return put("mqtt.client.id", clientId);
    }

    SourceConnectorProps persistenceDir(Path dir) {
        return put("mqtt.persistence.dir", dir.toAbsolutePath().toString());
    }

    /** Structs with schemas, as a schema-based sink (JDBC) needs them. */
    SourceConnectorProps jsonStructs() {
        put("payload.format", "json");
        put("value.converter", JSON_CONVERTER);
        return put("value.converter.schemas.enable", "true");
    }

    SourceConnectorProps put(String key, String value) {
        props.put(key, value);
        return this;
    }

    SourceConnectorProps remove(String key) {
        props.remove(key);
        return this;
    }

    Map<String, String> build() {
        return Map.copyOf(props);
    }
}
