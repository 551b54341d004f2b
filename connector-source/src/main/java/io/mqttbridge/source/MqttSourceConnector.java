package io.mqttbridge.source;

import io.mqttbridge.core.Version;
import io.mqttbridge.core.config.CrossKeyValidation;
import io.mqttbridge.core.config.UnknownKeys;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.SourceConnector;

import java.util.List;
import java.util.Map;

/**
 * Kafka Connect source connector from MQTT topic filters to Kafka topics. Messages are acknowledged to the
 * broker only after Kafka stored them; see {@link MqttSourceConfig} for the keys and {@link MqttSourceTask} for
 * the delivery guarantees.
 */
public class MqttSourceConnector extends SourceConnector {

    private Map<String, String> props;
    private MqttSourceConfig config;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        UnknownKeys.warn(props.get("name"), MqttSourceConfig.CONFIG_DEF, props);
        this.props = Map.copyOf(props);
        this.config = new MqttSourceConfig(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return MqttSourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return TaskPlanner.taskConfigs(props, config, maxTasks);
    }

    @Override
    public void stop() {
        // Nothing to release: tasks own the connections.
    }

    @Override
    public ConfigDef config() {
        return MqttSourceConfig.CONFIG_DEF;
    }

    /** Adds the checks that span keys (templates against filters, avro schema, shared group and version). */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        return CrossKeyValidation.apply(super.validate(connectorConfigs), MqttSourceConfig::crossKeyProblems);
    }
}
