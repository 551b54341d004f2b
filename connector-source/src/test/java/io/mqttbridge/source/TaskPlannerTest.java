package io.mqttbridge.source;

import io.mqttbridge.core.config.MqttConnectionConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.mqttbridge.source.MqttSourceConnectorTest.props;
import static org.junit.jupiter.api.Assertions.assertEquals;

class TaskPlannerTest {

    private static List<Map<String, String>> plan(Map<String, String> props, int maxTasks) {
        MqttSourceConnector connector = new MqttSourceConnector();
        connector.start(props);
        return connector.taskConfigs(maxTasks);
    }

    private static List<String> column(List<Map<String, String>> configs, String key) {
        return configs.stream().map(c -> c.get(key)).toList();
    }

    @Test
    void oneTaskSubscribesPlainFiltersWithADerivedClientId() {
        List<Map<String, String>> configs = plan(props(MqttSourceConfig.TOPICS_CONFIG, "a/+,b/#"), 1);
        assertEquals(1, configs.size());
        assertEquals("0", configs.get(0).get(MqttSourceConfig.TASK_ID_CONFIG));
        assertEquals("a/+,b/#", configs.get(0).get(MqttSourceConfig.TOPICS_CONFIG));
        assertEquals("plant-source-0", configs.get(0).get(MqttConnectionConfig.CLIENT_ID_CONFIG));
        assertEquals("tcp://127.0.0.1:1883", configs.get(0).get(MqttConnectionConfig.SERVER_URIS_CONFIG));
    }

    @Test
    void mqtt5TasksAllSubscribeEveryFilterAsSharedSubscription() {
        List<Map<String, String>> configs = plan(props(MqttSourceConfig.TOPICS_CONFIG, "a/+,b/#",
            "name", "plant source/1"), 3);
        assertEquals(3, configs.size());
        assertEquals(List.of("0", "1", "2"), column(configs, MqttSourceConfig.TASK_ID_CONFIG));
        String shared = "$share/plant_source_1/a/+,$share/plant_source_1/b/#";
        assertEquals(List.of(shared, shared, shared), column(configs, MqttSourceConfig.TOPICS_CONFIG));
        assertEquals(List.of("plant source/1-0", "plant source/1-1", "plant source/1-2"),
            column(configs, MqttConnectionConfig.CLIENT_ID_CONFIG));
    }

    @Test
    void anExplicitGroupIsUsedEvenForOneTaskAndAlreadySharedFiltersAreKept() {
        List<Map<String, String>> configs = plan(props(MqttSourceConfig.TOPICS_CONFIG, "a/+,$share/other/c",
            MqttSourceConfig.SHARED_SUBSCRIPTION_GROUP_CONFIG, "ingest"), 1);
        assertEquals(List.of("$share/ingest/a/+,$share/other/c"), column(configs, MqttSourceConfig.TOPICS_CONFIG));
    }

    @Test
    void mqtt311FiltersAreDealtRoundRobinAndNeverMoreTasksThanFilters() {
        List<Map<String, String>> configs = plan(props(MqttConnectionConfig.VERSION_CONFIG, "3.1.1",
            MqttSourceConfig.TOPICS_CONFIG, "a,b,c,d,e"), 2);
        assertEquals(List.of("a,c,e", "b,d"), column(configs, MqttSourceConfig.TOPICS_CONFIG));

        configs = plan(props(MqttConnectionConfig.VERSION_CONFIG, "3.1.1", MqttSourceConfig.TOPICS_CONFIG, "a,b"), 8);
        assertEquals(List.of("a", "b"), column(configs, MqttSourceConfig.TOPICS_CONFIG));
        assertEquals(List.of("plant-source-0", "plant-source-1"),
            column(configs, MqttConnectionConfig.CLIENT_ID_CONFIG));
    }

    @Test
    void aConfiguredClientIdIsSuffixedOnlyWhenThereAreSeveralTasks() {
        assertEquals(List.of("gateway-7"), column(plan(props(MqttConnectionConfig.CLIENT_ID_CONFIG, "gateway-7"), 1),
            MqttConnectionConfig.CLIENT_ID_CONFIG));
        assertEquals(List.of("gateway-7-0", "gateway-7-1"),
            column(plan(props(MqttConnectionConfig.CLIENT_ID_CONFIG, "gateway-7"), 2),
                MqttConnectionConfig.CLIENT_ID_CONFIG));
        assertEquals(List.of("gateway-7"), column(plan(props(MqttConnectionConfig.CLIENT_ID_CONFIG, "gateway-7",
            MqttConnectionConfig.VERSION_CONFIG, "3.1.1"), 4), MqttConnectionConfig.CLIENT_ID_CONFIG),
            "one filter on 3.1.1 means one task, so no suffix");
    }

    @Test
    void taskConfigsParseAndGiveEachTaskItsClientId() {
        List<Map<String, String>> configs = plan(props(MqttConnectionConfig.VERSION_CONFIG, "3.1.1",
            MqttSourceConfig.TOPICS_CONFIG, "a,b"), 2);
        for (int i = 0; i < configs.size(); i++) {
            MqttSourceConfig taskConfig = new MqttSourceConfig(configs.get(i));
            assertEquals(i, taskConfig.taskId());
            assertEquals("plant-source-" + i, taskConfig.connectionSettings().clientId());
        }
    }
}
