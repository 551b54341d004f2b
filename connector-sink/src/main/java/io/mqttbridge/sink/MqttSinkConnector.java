package io.mqttbridge.sink;

import io.mqttbridge.core.Version;
import io.mqttbridge.core.config.CrossKeyValidation;
import io.mqttbridge.core.config.MqttConnectionConfig;
import io.mqttbridge.core.config.UnknownKeys;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Kafka Connect sink connector from Kafka topics to MQTT topics. Offsets are committed only after the broker
 * confirmed every publish before them; see {@link MqttSinkConfig} for the keys and {@link MqttSinkTask} for the
 * delivery guarantees. Each task has its own MQTT client id: the configured one with the task number appended
 * when there are several tasks, else the connector name and task number.
 */
public class MqttSinkConnector extends SinkConnector {

    private Map<String, String> props;
    private MqttSinkConfig config;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        UnknownKeys.warn(props.get("name"), MqttSinkConfig.CONFIG_DEF, props);
        this.props = Map.copyOf(props);
        this.config = new MqttSinkConfig(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return MqttSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        int tasks = Math.max(1, maxTasks);
        String configured = config.configuredClientId();
        List<Map<String, String>> configs = new ArrayList<>(tasks);
        for (int task = 0; task < tasks; task++) {
            Map<String, String> taskProps = new HashMap<>(props);
            taskProps.put(MqttSinkConfig.TASK_ID_CONFIG, Integer.toString(task));
            String clientId = configured == null ? config.connectorName() + "-" + task
                : tasks > 1 ? configured + "-" + task : configured;
            taskProps.put(MqttConnectionConfig.CLIENT_ID_CONFIG, clientId);
            configs.add(taskProps);
        }
        return configs;
    }

    @Override
    public void stop() {
        // Nothing to release: tasks own the connections.
    }

    @Override
    public ConfigDef config() {
        return MqttSinkConfig.CONFIG_DEF;
    }

    /** Adds the checks that span keys or need parsing (topic template, Avro schema, backoff). */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        return CrossKeyValidation.apply(super.validate(connectorConfigs), MqttSinkConfig::crossKeyProblems);
    }
}
