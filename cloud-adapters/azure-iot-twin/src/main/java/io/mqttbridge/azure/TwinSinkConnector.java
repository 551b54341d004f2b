package io.mqttbridge.azure;

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
 * Kafka Connect sink connector from Kafka topics to Azure IoT Hub device twins (reported properties) and device
 * telemetry, on the Azure IoT Device SDK. Offsets are committed only after the hub acknowledged every record before
 * them; see {@link TwinSinkConfig} for the keys and {@link TwinSinkTask} for the delivery guarantees. Each task has
 * its own bounded pool of device clients; a device's records stay in order when they stay in one partition.
 */
public class TwinSinkConnector extends SinkConnector {

    private Map<String, String> props;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        UnknownKeys.warn(props.get("name"), TwinSinkConfig.CONFIG_DEF, props);
        this.props = Map.copyOf(props);
        new TwinSinkConfig(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return TwinSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        int tasks = Math.max(1, maxTasks);
        List<Map<String, String>> configs = new ArrayList<>(tasks);
        for (int task = 0; task < tasks; task++) {
            Map<String, String> taskProps = new HashMap<>(props);
            taskProps.put(TwinSinkConfig.TASK_ID_CONFIG, Integer.toString(task));
            configs.add(taskProps);
        }
        return configs;
    }

    @Override
    public void stop() {
        // Nothing to release: tasks own the device clients.
    }

    @Override
    public ConfigDef config() {
        return TwinSinkConfig.CONFIG_DEF;
    }

    /** Adds the checks that span keys (authentication mode and its keys, device id template, targets). */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        return CrossKeyValidation.apply(super.validate(connectorConfigs), TwinSinkConfig::crossKeyProblems);
    }
}
