package io.mqttbridge.core.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

import java.util.List;

/** Validates {@code mqtt.ssl.enabled.protocols}: a non-empty list of TLSv1.2 and/or TLSv1.3, nothing older. */
public final class EnabledProtocolsValidator implements ConfigDef.Validator {

    @Override
    public void ensureValid(String name, Object value) {
        List<?> protocols = (List<?>) value;
        if (protocols == null || protocols.isEmpty()) {
            throw new ConfigException(name, value, "at least one protocol is required: "
                + String.join(", ", MqttConnectionConfig.TLS_PROTOCOLS));
        }
        for (Object protocol : protocols) {
            if (!MqttConnectionConfig.TLS_PROTOCOLS.contains(String.valueOf(protocol))) {
                throw new ConfigException(name, value, "'" + protocol + "' is not accepted; only "
                    + String.join(" and ", MqttConnectionConfig.TLS_PROTOCOLS) + " are (older TLS is insecure)");
            }
        }
    }

    @Override
    public String toString() {
        return "[" + String.join(", ", MqttConnectionConfig.TLS_PROTOCOLS) + "]";
    }
}
