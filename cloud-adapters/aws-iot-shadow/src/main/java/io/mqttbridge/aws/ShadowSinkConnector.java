package io.mqttbridge.aws;

import io.mqttbridge.core.Version;
import io.mqttbridge.core.config.CrossKeyValidation;
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
 * Kafka records to AWS IoT device shadows: each record's value is merged into the reported (or desired) state of
 * the shadow its templates name; offsets are committed only after {@code update/accepted}. See
 * {@link ShadowSinkConfig} and {@link ShadowSinkTask}.
 */
public class ShadowSinkConnector extends SinkConnector {
    private Map<String, String> props;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        UnknownKeys.warn(props.get("name"), ShadowSinkConfig.CONFIG_DEF, props);
        new ShadowSinkConfig(props);
        this.props = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return ShadowSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        int tasks = Math.max(1, maxTasks);
        List<Map<String, String>> configs = new ArrayList<>(tasks);
        for (int i = 0; i < tasks; i++) {
            Map<String, String> task = new HashMap<>(props);
            task.put(ShadowSinkConfig.TASK_ID_CONFIG, Integer.toString(i));
            task.put(ShadowSinkConfig.TASKS_CONFIG, Integer.toString(tasks));
            configs.add(task);
        }
        return configs;
    }

    @Override
    public void stop() {
        // tasks own the connections
    }

    @Override
    public ConfigDef config() {
        return ShadowSinkConfig.CONFIG_DEF;
    }

    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        return CrossKeyValidation.apply(super.validate(connectorConfigs), ShadowSinkConfig::crossKeyProblems);
    }
}
