package io.mqttbridge.testkit.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mqttbridge.testkit.tls.TlsMaterial;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * One emulator per test class on fresh TLS material (server certificate for {@code localhost} only, as the SDK
 * checks it), Paho clients that are closed after each test, and the emulator reset between tests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class EmulatorTestSupport {

  /** The subject CN of the client certificate of {@link TlsMaterial}. */
  static final String CLIENT_CN = "mqtt-client";

  TlsMaterial tls;
  AwsIotEmulator aws;
  private final List<AutoCloseable> cleanup = new ArrayList<>();

  @BeforeAll
  void startEmulator(@TempDir Path dir) {
    tls = TlsMaterial.generate(dir.resolve("tls"), List.of("localhost"));
    aws = AwsIotEmulator.start(AwsIotEmulator.Config.builder(tls).build());
  }

  @AfterAll
  void stopEmulator() {
    aws.close();
  }

  @AfterEach
  void resetEmulator() throws Exception {
    for (AutoCloseable c : cleanup) {
      c.close();
    }
    cleanup.clear();
    aws.start();
    aws.setPolicy(CLIENT_CN, ThingPolicy.allowAll());
    aws.reinstateCertificate(CLIENT_CN);
    aws.clearInjectedFailures();
  }

  TestClient.V5 v5(String clientId) throws MqttException {
    return track(TestClient.v5(aws.serverUri(), clientId, tls.clientSslContext(true)));
  }

  TestClient.V3 v3(String clientId) throws org.eclipse.paho.client.mqttv3.MqttException {
    return track(TestClient.v3(aws.serverUri(), clientId, tls.clientSslContext(true)));
  }

  /** Closes {@code closeable} after the test. */
  <T extends AutoCloseable> T track(T closeable) {
    cleanup.add(closeable);
    return closeable;
  }

  /** Awaitility with the test clients' timeout and a short poll interval. */
  static ConditionFactory await() {
    return Awaitility.await().atMost(TestClient.TIMEOUT).pollInterval(Duration.ofMillis(10));
  }

  static void assertRejected(JsonNode error, int code, String message) {
    assertEquals(code, error.get("code").asInt(), error.toString());
    assertEquals(message, error.get("message").asText());
    assertTrue(error.get("timestamp").asLong() > 0);
  }
}
