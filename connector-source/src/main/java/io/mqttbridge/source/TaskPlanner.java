package io.mqttbridge.source;

import io.mqttbridge.core.config.MqttConnectionConfig;
import io.mqttbridge.core.topic.TopicFilter;
import io.mqttbridge.core.transport.MqttVersion;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits the connector's subscriptions among tasks. Each task gets {@code task.id}, its own stable client id, and
 * the filters it subscribes:
 * <ul>
 *   <li>MQTT 5 with more than one task (or an explicit group): every task subscribes every filter as
 *       {@code $share/GROUP/filter} and the broker spreads messages among them;</li>
 *   <li>MQTT 3.1.1: the filters are dealt round-robin, and there are never more tasks than filters.</li>
 * </ul>
 */
final class TaskPlanner {

    private TaskPlanner() {
    }

    static List<Map<String, String>> taskConfigs(Map<String, String> connectorProps, MqttSourceConfig config,
                                                 int maxTasks) {
        List<String> filters = config.topics();
        boolean v5 = config.mqttVersion() == MqttVersion.V5;
        String explicitGroup = config.sharedSubscriptionGroup();
        List<List<String>> perTask = new ArrayList<>();
        if (v5 && (maxTasks > 1 || explicitGroup != null)) {
            String group = explicitGroup != null ? explicitGroup : shareGroupName(config.connectorName());
            List<String> shared = filters.stream().map(f -> sharedFilter(f, group)).toList();
            for (int i = 0; i < Math.max(1, maxTasks); i++) {
                perTask.add(shared);
            }
        } else if (v5) {
            perTask.add(filters);
        } else {
            int tasks = Math.max(1, Math.min(maxTasks, filters.size()));
            for (int i = 0; i < tasks; i++) {
                perTask.add(new ArrayList<>());
            }
            for (int i = 0; i < filters.size(); i++) {
                perTask.get(i % tasks).add(filters.get(i));
            }
        }

        String configuredClientId = config.configuredClientId();
        List<Map<String, String>> configs = new ArrayList<>(perTask.size());
        for (int task = 0; task < perTask.size(); task++) {
            Map<String, String> props = new HashMap<>(connectorProps);
            props.put(MqttSourceConfig.TASK_ID_CONFIG, Integer.toString(task));
            props.put(MqttSourceConfig.TOPICS_CONFIG, String.join(",", perTask.get(task)));
            String clientId;
            if (configuredClientId == null) {
                clientId = config.connectorName() + "-" + task;
            } else {
                clientId = perTask.size() > 1 ? configuredClientId + "-" + task : configuredClientId;
            }
            props.put(MqttConnectionConfig.CLIENT_ID_CONFIG, clientId);
            configs.add(props);
        }
        return configs;
    }

    /** A filter as a shared subscription of {@code group}; a filter that is already shared is kept as is. */
    static String sharedFilter(String filter, String group) {
        TopicFilter parsed = TopicFilter.parse(filter);
        return parsed.isShared() ? filter : parsed.shared(group).subscriptionFilter();
    }

    /** A connector name made safe as a share group name: no '/', '+', '#' or white space. */
    static String shareGroupName(String connectorName) {
        String sanitized = connectorName.replaceAll("[/+#\\s]", "_");
        return sanitized.isEmpty() ? MqttSourceConfig.DEFAULT_NAME : sanitized;
    }
}
