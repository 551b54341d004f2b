package io.mqttbridge.testkit.connect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The Kafka Connect REST API spoken as a user speaks it: JSON over HTTP, for a worker in this JVM
 * ({@link ConnectCluster}) or in its own ({@link WorkerProcess}).
 */
public final class ConnectRestClient {

  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private final Supplier<URI> baseUrl;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final ObjectMapper json = new ObjectMapper();

  /** A client of the worker at {@code baseUrl}, read on every request since a restarted worker may move. */
  public ConnectRestClient(Supplier<URI> baseUrl) {
    this.baseUrl = baseUrl;
  }

  /** Waits until {@code GET /connectors} answers 200. */
  public void awaitUp(Duration timeout) {
    Awaitility.await("Connect worker REST API up at " + baseUrl.get()).atMost(timeout)
        .pollInterval(Duration.ofMillis(200)).ignoreExceptions()
        .until(() -> request("GET", "connectors", null).statusCode() == 200);
  }

  /** {@code PUT /connectors/NAME/config} with the config as JSON; creates or updates the connector. */
  public void putConnector(String name, Map<String, String> config) {
    send("PUT", "connectors/" + encode(name) + "/config", config, 200, 201);
  }

  /**
   * {@code PUT /connector-plugins/CLASS/config/validate}: the parsed JSON answer ({@code error_count}, {@code configs}
   * with each key's {@code value.errors}).
   */
  public Map<String, Object> validate(String connectorClass, Map<String, String> config) {
    Map<String, String> body = new LinkedHashMap<>(config);
    body.putIfAbsent("connector.class", connectorClass);
    return parse(send("PUT", "connector-plugins/" + encode(connectorClass) + "/config/validate", body, 200));
  }

  /** {@code DELETE /connectors/NAME}; returns once the worker no longer lists the connector. */
  public void deleteConnector(String name) {
    send("DELETE", "connectors/" + encode(name), null, 200, 204);
    Awaitility.await("connector " + name + " deleted").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100)).ignoreExceptions()
        .until(() -> request("GET", "connectors/" + encode(name), null).statusCode() == 404);
  }

  /** {@code GET /connectors/NAME/status}, parsed; empty map when the connector does not exist. */
  public Map<String, Object> status(String name) {
    HttpResponse<String> response = request("GET", "connectors/" + encode(name) + "/status", null);
    return response.statusCode() == 200 ? parse(response.body()) : Map.of();
  }

  /** Waits until the connector and {@code tasks} tasks are RUNNING; fails with the last status otherwise. */
  public void awaitRunning(String name, int tasks, Duration timeout) {
    AtomicReference<Map<String, Object>> last = new AtomicReference<>(Map.of());
    try {
      Awaitility.await("connector " + name + " and " + tasks + " tasks RUNNING")
          .atMost(timeout).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
          .until(() -> {
            Map<String, Object> status = status(name);
            last.set(status);
            if (!"RUNNING".equals(state(status.get("connector")))) {
              return false;
            }
            List<?> taskStates = (List<?>) status.getOrDefault("tasks", List.of());
            return taskStates.size() == tasks && taskStates.stream().allMatch(t -> "RUNNING".equals(state(t)));
          });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("Connector " + name + " did not reach RUNNING with " + tasks + " tasks within "
          + timeout + "; last status: " + last.get(), e);
    }
  }

  /** Waits until task {@code task} of the connector is FAILED and returns its trace. */
  public String awaitTaskFailed(String name, int task, Duration timeout) {
    AtomicReference<Map<String, Object>> last = new AtomicReference<>(Map.of());
    AtomicReference<String> trace = new AtomicReference<>();
    try {
      Awaitility.await("task " + name + "-" + task + " FAILED")
          .atMost(timeout).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
          .until(() -> {
            Map<String, Object> status = status(name);
            last.set(status);
            for (Object t : (List<?>) status.getOrDefault("tasks", List.of())) {
              Map<?, ?> taskStatus = (Map<?, ?>) t;
              if (((Number) taskStatus.get("id")).intValue() == task && "FAILED".equals(taskStatus.get("state"))) {
                Object text = taskStatus.get("trace");
                trace.set(text == null ? "" : text.toString());
                return true;
              }
            }
            return false;
          });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("Task " + task + " of " + name + " did not fail within " + timeout
          + "; last status: " + last.get(), e);
    }
    return trace.get();
  }

  /** {@code POST /connectors/NAME/restart?includeTasks=true}. */
  public void restartConnector(String name) {
    send("POST", "connectors/" + encode(name) + "/restart?includeTasks=true", null, 200, 202, 204);
  }

  private String send(String method, String path, Object body, int... expected) {
    HttpResponse<String> response = request(method, path, body);
    for (int code : expected) {
      if (response.statusCode() == code) {
        return response.body();
      }
    }
    throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": "
        + response.body());
  }

  private HttpResponse<String> request(String method, String path, Object body) {
    try {
      HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
          : HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body));
      HttpRequest request = HttpRequest.newBuilder(baseUrl.get().resolve(path))
          .timeout(REQUEST_TIMEOUT)
          .header("Content-Type", "application/json")
          .header("Accept", "application/json")
          .method(method, publisher)
          .build();
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted during " + method + " " + path, e);
    }
  }

  private Map<String, Object> parse(String body) {
    try {
      return json.readValue(body, new TypeReference<Map<String, Object>>() { });
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Not a JSON object from the Connect REST API: " + body, e);
    }
  }

  private static Object state(Object status) {
    return status instanceof Map<?, ?> map ? map.get("state") : null;
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
