package io.mqttbridge.aws;

import io.mqttbridge.core.Version;
import io.mqttbridge.core.config.CrossKeyValidation;
import io.mqttbridge.core.config.UnknownKeys;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.SourceConnector;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * AWS IoT device shadow changes to Kafka: {@code update/delta} (or {@code update/documents}) of a list of things,
 * or of every thing with {@code +}. The listed things are divided among the tasks; {@code +} runs in one task.
 * See {@link ShadowSourceConfig} and {@link ShadowSourceTask}.
 */
public class ShadowSourceConnector extends SourceConnector {
    private Map<String, String> props;
    private ShadowSourceConfig config;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        UnknownKeys.warn(props.get("name"), ShadowSourceConfig.CONFIG_DEF, props);
        this.config = new ShadowSourceConfig(props);
        this.props = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return ShadowSourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<String> things = config.things();
        int tasks = config.allThings() ? 1 : Math.max(1, Math.min(maxTasks, things.size()));
        List<List<String>> shares = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            shares.add(new ArrayList<>());
        }
        for (int i = 0; i < things.size(); i++) {
            shares.get(i % tasks).add(things.get(i));
        }
        List<Map<String, String>> configs = new ArrayList<>(tasks);
        for (int i = 0; i < tasks; i++) {
            Map<String, String> task = new HashMap<>(props);
            task.put(ShadowSourceConfig.THINGS_CONFIG, String.join(",", shares.get(i)));
            task.put(ShadowSourceConfig.TASK_ID_CONFIG, Integer.toString(i));
            task.put(ShadowSourceConfig.TASKS_CONFIG, Integer.toString(tasks));
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
        return ShadowSourceConfig.CONFIG_DEF;
    }

    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        return CrossKeyValidation.apply(super.validate(connectorConfigs), ShadowSourceConfig::crossKeyProblems);
    }
}
