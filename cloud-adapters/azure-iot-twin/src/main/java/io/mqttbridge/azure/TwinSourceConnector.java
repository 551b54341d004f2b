package io.mqttbridge.azure;

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
 * Kafka Connect source connector from Azure IoT Hub device twins to Kafka: every change of the desired properties of
 * a set of devices becomes a record keyed by device id, on the Azure IoT Device SDK. See {@link TwinSourceConfig} for
 * the keys and {@link TwinSourceTask} for the guarantees. {@code tasks.max} spreads the devices over tasks in
 * contiguous shares of the configured list.
 */
public class TwinSourceConnector extends SourceConnector {

    private Map<String, String> props;
    private TwinSourceConfig config;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        UnknownKeys.warn(props.get("name"), TwinSourceConfig.CONFIG_DEF, props);
        this.props = Map.copyOf(props);
        this.config = new TwinSourceConfig(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return TwinSourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<String> ids = config.deviceIds();
        int tasks = Math.max(1, Math.min(maxTasks, ids.size()));
        List<Map<String, String>> configs = new ArrayList<>(tasks);
        for (int task = 0; task < tasks; task++) {
            List<String> share = ids.subList(task * ids.size() / tasks, (task + 1) * ids.size() / tasks);
            Map<String, String> taskProps = new HashMap<>(props);
            taskProps.put(TwinSourceConfig.DEVICE_IDS_CONFIG, String.join(",", share));
            taskProps.put(TwinSourceConfig.TASK_ID_CONFIG, Integer.toString(task));
            configs.add(taskProps);
        }
        return configs;
    }

    @Override
    public void stop() {
        // Nothing to release: tasks own the device sessions.
    }

    @Override
    public ConfigDef config() {
        return TwinSourceConfig.CONFIG_DEF;
    }

    /** Adds the checks that span keys (authentication mode and its keys, device ids, topic template). */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        return CrossKeyValidation.apply(super.validate(connectorConfigs), TwinSourceConfig::crossKeyProblems);
    }
}
