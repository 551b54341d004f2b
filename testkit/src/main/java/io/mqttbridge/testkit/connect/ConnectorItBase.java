package io.mqttbridge.testkit.connect;

import io.mqttbridge.testkit.mqtt.BrokerConfig;
import io.mqttbridge.testkit.mqtt.MqttBroker;
import io.mqttbridge.testkit.mqtt.MqttBrokers;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
* Base of the connectors' integration tests: one embedded Connect cluster (one Kafka broker, one worker) per test
* class, started once because it costs about 8 s; each test starts its own MQTT brokers and uses its own topics
* and connector names, and the brokers and connectors it started are removed after it.
*
* <p>Every wait on a connector fails as soon as the connector or a task is FAILED, with the status trace, instead
* of running into its timeout.
*/
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ConnectorItBase {

  protected static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  protected static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(90);
  /** How long a topic must stay quiet after the last expected record, so late duplicates are counted too. */
  protected static final Duration QUIET = Duration.ofSeconds(2);
  protected static final Duration STATUS_POLL = Duration.ofMillis(500);

  protected ConnectCluster connect;
  private final List<MqttBroker> brokers = new ArrayList<>();
  private final List<String> connectors = new ArrayList<>();

  @BeforeAll
  protected void startConnect() {
    // The testkit's defaults flush offsets every second, so a restarted task resumes close to where it stopped.
    connect = ConnectCluster.start();
  }

  @AfterAll
  protected void stopConnect() {
    if (connect != null) {
      connect.close();
    }
  }

  @AfterEach
  protected void cleanUp() {
    for (String name : connectors) {
      try {
        connect.deleteConnector(name);
      } catch (RuntimeException e) {
        // already gone, or the worker is restarting: nothing left to clean
      }
    }
    connectors.clear();
    brokers.forEach(MqttBroker::close);
    brokers.clear();
  }

  protected MqttBroker broker(BrokerConfig config) {
    MqttBroker broker = MqttBrokers.start(config);
    brokers.add(broker);
    return broker;
  }

  /** Creates (or replaces) a connector; the caller awaits the state it expects. */
  protected void putConnector(String name, Map<String, String> config) {
    connectors.add(name);
    connect.putConnector(name, config);
  }

  /** Creates a connector and waits until it and its tasks run, so its subscriptions are in place. */
  protected void runConnector(String name, Map<String, String> config, int tasks) {
    putConnector(name, config);
    awaitRunning(name, tasks);
  }

  /** Waits until the connector and exactly {@code tasks} tasks are RUNNING; fails at once if one is FAILED. */
  protected void awaitRunning(String name, int tasks) {
    AtomicReference<Map<String, Object>> last = new AtomicReference<>(Map.of());
    try {
      Awaitility.await("connector " + name + " and " + tasks + " task(s) RUNNING").atMost(START_TIMEOUT)
        .pollInterval(STATUS_POLL).until(() -> {
          Map<String, Object> status = statusFailingFast(name);
          last.set(status);
          List<?> taskStates = (List<?>) status.getOrDefault("tasks", List.of());
          return "RUNNING".equals(state(status.get("connector"))) && taskStates.size() == tasks
            && taskStates.stream().allMatch(t -> "RUNNING".equals(state(t)));
        });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("Connector " + name + " did not reach RUNNING with " + tasks + " task(s) within "
        + START_TIMEOUT + "; last status: " + last.get(), e);
    }
  }

  /**
  * {@code PUT /connector-plugins/CLASS/config/validate}, reduced to what a test asserts on: each key that has
  * errors, with its messages.
  */
  protected Map<String, List<String>> validationErrors(String connectorClass, Map<String, String> config) {
    Map<String, List<String>> errors = new LinkedHashMap<>();
    for (Object entry : (List<?>) connect.validate(connectorClass, config).getOrDefault("configs", List.of())) {
      Map<?, ?> value = (Map<?, ?>) ((Map<?, ?>) entry).get("value");
      List<?> messages = (List<?>) value.get("errors");
      if (messages != null && !messages.isEmpty()) {
        errors.put(String.valueOf(value.get("name")), messages.stream().map(String::valueOf).toList());
      }
    }
    return errors;
  }

  protected Map<String, Object> statusFailingFast(String name) {
    return statusFailingFast(name, "");
  }

  /**
  * The connector's status; an {@link AssertionError} with the trace if the connector or a task is FAILED. While
  * a worker restarts, the REST API may not answer: that counts as "not yet", not as a failure.
  */
  protected Map<String, Object> statusFailingFast(String name, String context) {
    Map<String, Object> status = safeStatus(name).orElse(Map.of());
    Object connector = status.get("connector");
    if ("FAILED".equals(state(connector))) {
      throw new AssertionError("Connector " + name + " FAILED" + (context.isEmpty() ? "" : " (" + context + ")")
        + ": " + ((Map<?, ?>) connector).get("trace"));
    }
    for (Object task : (List<?>) status.getOrDefault("tasks", List.of())) {
      if ("FAILED".equals(state(task))) {
        throw new AssertionError("Task " + ((Map<?, ?>) task).get("id") + " of " + name + " FAILED"
          + (context.isEmpty() ? "" : " (" + context + ")") + ": " + ((Map<?, ?>) task).get("trace"));
      }
    }
    return status;
  }

  protected Optional<Map<String, Object>> safeStatus(String name) {
    try {
      return Optional.of(connect.status(name));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  protected static Object state(Object status) {
    return status instanceof Map<?, ?> map ? map.get("state") : null;
  }
}
