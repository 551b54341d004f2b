package io.mqttbridge.testkit.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The emulator on its own, driven by a plain MQTT client with the topics, payloads and tokens of IoT Hub's MQTT
 * documentation ("Communicate with an IoT hub using the MQTT protocol", "Understand and use device twins",
 * "Control access to IoT Hub using shared access signatures").
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IotHubEmulatorIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  private IotHubEmulator hub;

  @BeforeAll
  void startHub(@TempDir Path dir) {
    hub = IotHubEmulator.start(dir.resolve("hub"));
  }

  @AfterAll
  void stopHub() {
    hub.close();
  }

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }

  @Test
  void listensOnAnOwnLoopbackAddressOnPort8883() {
    assertTrue(hub.gatewayHost().startsWith("127.0.0."), hub.gatewayHost());
    assertFalse(hub.gatewayHost().equals("127.0.0.1"));
    assertEquals(8883, hub.address().getPort());
    assertTrue(hub.hostName().contains("."));
  }

  @Test
  void getTwinAnswersWithBothSectionsAndTheirVersions() throws Exception {
    String key = hub.registerDevice("get-1");
    try (TestDevice device = TestDevice.connect(hub, "get-1", key)) {
      assertEquals(1, device.subscribe("$iothub/twin/res/#"));
      TestDevice.Received reply = device.request("$iothub/twin/GET/?$rid=1", "1", "");
      assertEquals("$iothub/twin/res/200/?$rid=1", reply.topic());
      assertEquals(json("{\"desired\":{\"$version\":1},\"reported\":{\"$version\":1}}"), json(reply.body()));
    }
  }

  @Test
  void reportedPatchesAnswer204WithTheNewVersionAndNullDeletes() throws Exception {
    String key = hub.registerDevice("rep-1");
    try (TestDevice device = TestDevice.connect(hub, "rep-1", key)) {
      device.subscribe("$iothub/twin/res/#");
      // The documented example.
      TestDevice.Received reply = device.request("$iothub/twin/PATCH/properties/reported/?$rid=123", "123",
          "{\"telemetrySendFrequency\":\"35m\",\"batteryLevel\":60}");
      assertEquals("$iothub/twin/res/204/?$rid=123&$version=2", reply.topic());
      assertEquals("", reply.body());
      assertEquals(json("{\"telemetrySendFrequency\":\"35m\",\"batteryLevel\":60}"), hub.reported("rep-1"));

      reply = device.request("$iothub/twin/PATCH/properties/reported/?$rid=124", "124",
          "{\"telemetrySendFrequency\":null,\"location\":{\"lat\":52.5}}");
      assertEquals("$iothub/twin/res/204/?$rid=124&$version=3", reply.topic());
      assertEquals(json("{\"batteryLevel\":60,\"location\":{\"lat\":52.5}}"), hub.reported("rep-1"));
      assertEquals(List.of(2L, 3L), hub.reportedPatches("rep-1").stream().map(ReportedPatch::version).toList());

      reply = device.request("$iothub/twin/GET/?$rid=125", "125", "");
      assertEquals(json("{\"desired\":{\"$version\":1},\"reported\":{\"batteryLevel\":60,\"location\":"
          + "{\"lat\":52.5},\"$version\":3}}"), json(reply.body()));
    }
  }

  @Test
  void desiredChangesReachTheSubscribedDeviceWithTheirVersion() throws Exception {
    String key = hub.registerDevice("des-1");
    try (TestDevice device = TestDevice.connect(hub, "des-1", key)) {
      device.subscribe("$iothub/twin/PATCH/properties/desired/#");
      hub.updateDesired("des-1", "{\"telemetrySendFrequency\":\"5m\",\"route\":{\"a\":1}}");
      long version = hub.updateDesired("des-1", "{\"route\":null}");
      assertEquals(3, version);
      TestDevice.Received second = device.await("the second desired patch",
          r -> r.topic().equals("$iothub/twin/PATCH/properties/desired/?$version=3"));
      assertEquals(json("{\"route\":null,\"$version\":3}"), json(second.body()));
      assertEquals(json("{\"telemetrySendFrequency\":\"5m\"}"), hub.desired("des-1"));
    }
  }

  @Test
  void telemetryKeepsItsPropertyBag() throws Exception {
    String key = hub.registerDevice("tel-1");
    try (TestDevice device = TestDevice.connect(hub, "tel-1", key)) {
      device.publish("devices/tel-1/messages/events/$.ct=application%2Fjson&$.ce=utf-8&alert=high%20temp", "{\"t\":71}",
          1);
      device.publish("devices/tel-1/messages/events/", "plain", 1);
      List<TelemetryMessage> messages = hub.telemetry("tel-1");
      assertEquals(2, messages.size());
      assertEquals(Map.of("alert", "high temp"), messages.get(0).properties());
      assertEquals(Map.of("$.ct", "application/json", "$.ce", "utf-8"), messages.get(0).systemProperties());
      assertEquals("{\"t\":71}", messages.get(0).text());
      assertEquals(Map.of(), messages.get(1).properties());
    }
  }

  @Test
  void repliesGoToTheAskingConnectionOnly() throws Exception {
    String keyA = hub.registerDevice("route-a");
    String keyB = hub.registerDevice("route-b");
    try (TestDevice a = TestDevice.connect(hub, "route-a", keyA);
         TestDevice b = TestDevice.connect(hub, "route-b", keyB)) {
      a.subscribe("$iothub/twin/res/#");
      b.subscribe("$iothub/twin/res/#");
      a.request("$iothub/twin/PATCH/properties/reported/?$rid=7", "7", "{\"who\":\"a\"}");
      b.request("$iothub/twin/PATCH/properties/reported/?$rid=7", "7", "{\"who\":\"b\"}");
      assertEquals("a", json(a.request("$iothub/twin/GET/?$rid=8", "8", "").body()).at("/reported/who").asText());
      assertEquals("b", json(b.request("$iothub/twin/GET/?$rid=8", "8", "").body()).at("/reported/who").asText());
      assertEquals(2, a.received().size(), "a got its own two replies only: " + a.received());
      assertEquals(2, b.received().size(), "b got its own two replies only: " + b.received());
    }
  }

  @Test
  void rejectedPatchesAnswerWithStatusAndErrorDocument() throws Exception {
    String key = hub.registerDevice("bad-1");
    try (TestDevice device = TestDevice.connect(hub, "bad-1", key)) {
      device.subscribe("$iothub/twin/res/#");
      TestDevice.Received reply = device.request("$iothub/twin/PATCH/properties/reported/?$rid=1", "1", "{oops");
      assertEquals("$iothub/twin/res/400/?$rid=1", reply.topic());
      assertEquals(400004, json(reply.body()).get("errorCode").asInt());
      assertTrue(json(reply.body()).get("message").asText().contains("not valid JSON"));

      reply = device.request("$iothub/twin/PATCH/properties/reported/?$rid=2", "2", "{\"$version\":5}");
      assertEquals("$iothub/twin/res/400/?$rid=2", reply.topic());

      StringBuilder big = new StringBuilder("{");
      for (int i = 0; i < 9; i++) {
        big.append(i == 0 ? "" : ",").append("\"p").append(i).append("\":\"").append("x".repeat(4000)).append('"');
      }
      reply = device.request("$iothub/twin/PATCH/properties/reported/?$rid=3", "3", big + "}");
      assertEquals("$iothub/twin/res/413/?$rid=3", reply.topic());
      assertTrue(json(reply.body()).get("message").asText().contains("32768-byte limit"), reply.body());
      assertEquals(1, hub.reportedVersion("bad-1"), "nothing was applied");

      hub.failNextTwinRequests(1, 429);
      reply = device.request("$iothub/twin/PATCH/properties/reported/?$rid=4", "4", "{\"ok\":1}");
      assertEquals("$iothub/twin/res/429/?$rid=4", reply.topic());
      reply = device.request("$iothub/twin/PATCH/properties/reported/?$rid=5", "5", "{\"ok\":1}");
      assertEquals("$iothub/twin/res/204/?$rid=5&$version=2", reply.topic());
    }
  }

  @Test
  void expiredForgedAndMisaddressedTokensAreRefused() throws Exception {
    String key = hub.registerDevice("auth-1");
    String resource = SasToken.deviceResource(hub.hostName(), "auth-1");
    String user = TestDevice.userName(hub, "auth-1");

    String expired = SasToken.create(resource, key, Instant.now().minusSeconds(60));
    assertEquals(5, refusal("auth-1", user, expired));
    assertTrue(lastFailure().contains("expired at"), lastFailure());

    String forged = SasToken.create(resource, Base64.getEncoder().encodeToString(new byte[32]),
        Instant.now().plusSeconds(600));
    assertEquals(5, refusal("auth-1", user, forged));
    assertTrue(lastFailure().contains("matches neither key"), lastFailure());

    String otherDevice = SasToken.create(SasToken.deviceResource(hub.hostName(), "someone-else"), key,
        Instant.now().plusSeconds(600));
    assertEquals(5, refusal("auth-1", user, otherDevice));
    assertTrue(lastFailure().contains("not '" + resource + "'"), lastFailure());

    String valid = SasToken.create(resource, key, Instant.now().plusSeconds(600));
    assertEquals(4, refusal("auth-1", hub.hostName() + "/auth-1", valid), "no api-version");
    assertEquals(4, refusal("auth-1", "other.azure-devices.net/auth-1/?api-version=2021-04-12", valid));
    assertEquals(4, refusal("auth-1", TestDevice.userName(hub, "auth-2"), valid), "user name of another client id");
    assertEquals(5, refusal("ghost", TestDevice.userName(hub, "ghost"),
        SasToken.create(SasToken.deviceResource(hub.hostName(), "ghost"), key, Instant.now().plusSeconds(600))));
    assertTrue(lastFailure().contains("no device 'ghost'"), lastFailure());
    try (TestDevice ok = TestDevice.connect(hub, "auth-1", user, valid, hub.tls().clientSslContext(false),
        true)) {
      assertTrue(ok.isConnected());
    }
  }

  private int refusal(String clientId, String user, String password) {
    MqttException e = assertThrows(MqttException.class, () -> TestDevice.connect(hub, clientId, user, password,
        hub.tls().clientSslContext(false), true).close());
    return e.getReasonCode();
  }

  private String lastFailure() {
    List<AuthFailure> failures = hub.authFailures();
    return failures.get(failures.size() - 1).reason();
  }

  @Test
  void devicesMayUseTheirOwnTopicsOnly() throws Exception {
    String key = hub.registerDevice("rights-1");
    hub.registerDevice("rights-2");
    try (TestDevice device = TestDevice.connect(hub, "rights-1", key)) {
      assertEquals(128, device.subscribe("devices/rights-2/messages/devicebound/#"));
      assertEquals(128, device.subscribe("#"));
      assertEquals(1, device.subscribe("devices/rights-1/messages/devicebound/#"));
      device.publish("devices/rights-2/messages/events/", "spoofed", 0);
      Awaitility.await("the hub closes the connection").atMost(TestDevice.TIMEOUT).until(() -> !device.isConnected());
    }
    assertTrue(hub.telemetry("rights-2").isEmpty());
  }

  @Test
  void groupEnrollmentKeysAuthenticateAndRegisterDevices() throws Exception {
    String groupKey = Base64.getEncoder().encodeToString("an enrollment group key of 32 b.".getBytes());
    hub.addEnrollmentGroup(groupKey);
    try (TestDevice device = TestDevice.connect(hub, "grp-17", SasToken.deriveDeviceKey(groupKey, "grp-17"))) {
      assertTrue(device.isConnected());
    }
    assertTrue(hub.deviceIds().contains("grp-17"));
    assertEquals(5, refusal("grp-18", TestDevice.userName(hub, "grp-18"), SasToken.create(
        SasToken.deviceResource(hub.hostName(), "grp-18"), groupKey, Instant.now().plusSeconds(60))),
        "the group key itself is not a device key");
  }

  @Test
  void x509DevicesAreKnownByThumbprint() throws Exception {
    X509Certificate certificate;
    try (InputStream in = Files.newInputStream(hub.tls().clientCertPem())) {
      certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    hub.registerX509Device("x509-1", IotHubEmulator.thumbprint(certificate), null);
    try (TestDevice device = TestDevice.connect(hub, "x509-1", TestDevice.userName(hub, "x509-1"), null,
        hub.tls().clientSslContext(true), true)) {
      device.subscribe("$iothub/twin/res/#");
      assertEquals("$iothub/twin/res/200/?$rid=1", device.request("$iothub/twin/GET/?$rid=1", "1", "").topic());
    }
    assertEquals(5, refusal("x509-1", TestDevice.userName(hub, "x509-1"), null), "no certificate");
    hub.registerX509Device("x509-2", "AB".repeat(20), null);
    MqttException e = assertThrows(MqttException.class, () -> TestDevice.connect(hub, "x509-2",
        TestDevice.userName(hub, "x509-2"), null, hub.tls().clientSslContext(true), true).close());
    assertEquals(5, e.getReasonCode());
    assertTrue(lastFailure().contains("is not registered for device 'x509-2'"), lastFailure());
  }

  @Test
  void aSecondConnectionOfTheSameDeviceTakesOver() throws Exception {
    String key = hub.registerDevice("twice-1");
    try (TestDevice first = TestDevice.connect(hub, "twice-1", key);
         TestDevice second = TestDevice.connect(hub, "twice-1", key)) {
      Awaitility.await("the first connection is closed").atMost(TestDevice.TIMEOUT).until(() -> !first.isConnected());
      assertTrue(second.isConnected());
      assertEquals(java.util.Set.of("twice-1"), hub.connectedDevices().stream()
          .filter(d -> d.startsWith("twice")).collect(java.util.stream.Collectors.toSet()));
    }
  }

  @Test
  void aRestartDropsConnectionsAndKeepsTwinsAndSessions(@TempDir Path own) throws Exception {
    try (IotHubEmulator restarting = IotHubEmulator.start(own)) {
      String key = restarting.registerDevice("rs-1");
      String token = SasToken.create(SasToken.deviceResource(restarting.hostName(), "rs-1"), key,
          Instant.now().plusSeconds(600));
      String user = TestDevice.userName(restarting, "rs-1");
      try (TestDevice device = TestDevice.connect(restarting, "rs-1", user, token,
          restarting.tls().clientSslContext(false), false)) {
        device.subscribe("$iothub/twin/res/#");
        device.request("$iothub/twin/PATCH/properties/reported/?$rid=1", "1", "{\"before\":true}");
        restarting.restart();
        Awaitility.await("the restart drops the connection").atMost(TestDevice.TIMEOUT)
            .until(() -> !device.isConnected());
      }
      try (TestDevice again = TestDevice.connect(restarting, "rs-1", user, token,
          restarting.tls().clientSslContext(false), false)) {
        // No SUBSCRIBE: the persistent session kept the subscription.
        TestDevice.Received reply = again.request("$iothub/twin/GET/?$rid=2", "2", "");
        assertTrue(json(reply.body()).at("/reported/before").asBoolean());
      }
      assertEquals(2, restarting.acceptedConnectionCount());
    }
  }
}
