package io.mqttbridge.testkit.aws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * The emulator over real sockets and mutual TLS with Paho MQTT 5 and 3.1.1 clients: the documented shadow
 * exchanges, failure injection, restarts, and the broker behaviour the SDK relies on.
 */
class AwsIotEmulatorTest extends EmulatorTestSupport {

  @Test
  void mqtt5UpdateIsAnsweredOnAcceptedDocumentsAndDelta() throws Exception {
    TestClient.V5 device = v5("m5-device");
    String update = "$aws/things/m5-thing/shadow/update";
    for (String suffix : List.of("accepted", "rejected", "delta", "documents")) {
      assertEquals(1, device.subscribe(update + "/" + suffix, 1));
    }
    long before = Instant.now().getEpochSecond();
    assertEquals(0, device.publish(update,
        "{\"state\":{\"desired\":{\"color\":\"green\"},\"reported\":{\"color\":\"red\"}},\"clientToken\":\"ct-1\"}"));

    JsonNode accepted = device.awaitToken(update + "/accepted", "ct-1");
    assertEquals(1, accepted.get("version").asInt());
    assertEquals("green", accepted.at("/state/desired/color").asText());
    long stamped = accepted.at("/metadata/reported/color/timestamp").asLong();
    assertTrue(stamped >= before && stamped <= Instant.now().getEpochSecond(), "epoch seconds: " + stamped);
    JsonNode documents = device.awaitToken(update + "/documents", "ct-1");
    assertTrue(documents.get("previous").isNull());
    assertEquals("red", documents.at("/current/state/reported/color").asText());
    JsonNode delta = device.awaitToken(update + "/delta", "ct-1");
    assertEquals("{\"color\":\"green\"}", delta.get("state").toString());
    assertEquals(1, delta.get("version").asInt());

    assertEquals("green", aws.shadow("m5-thing").orElseThrow().at("/state/delta/color").asText());
    assertEquals(1, aws.updatesAccepted("m5-thing"));
    assertTrue(device.received(update + "/rejected").isEmpty());
  }

  @Test
  void mqtt311GetIs404UntilAnUpdateCreatesTheShadow() throws Exception {
    TestClient.V3 device = v3("v3-device");
    String prefix = "$aws/things/v3-thing/shadow";
    assertEquals(1, device.subscribe(prefix + "/get/+", 1));
    assertEquals(1, device.subscribe(prefix + "/update/accepted", 1));

    device.publish(prefix + "/get", "");
    JsonNode missing = device.await(prefix + "/get/rejected").json();
    assertEquals(404, missing.get("code").asInt());
    assertEquals("No shadow exists with name: 'v3-thing'", missing.get("message").asText());

    device.publish(prefix + "/update", "{\"state\":{\"reported\":{\"temp\":21.5}},\"clientToken\":\"u\"}");
    device.awaitToken(prefix + "/update/accepted", "u");
    device.publish(prefix + "/get", "{\"clientToken\":\"g\"}");
    JsonNode found = device.awaitToken(prefix + "/get/accepted", "g");
    assertEquals(21.5, found.at("/state/reported/temp").asDouble());
    assertEquals(1, found.get("version").asInt());
    assertFalse(found.get("state").has("delta"));
  }

  @Test
  void namedShadowsLiveBesideTheClassicShadow() throws Exception {
    TestClient.V5 device = v5("named-device");
    String named = "$aws/things/named-thing/shadow/name/config";
    assertEquals(1, device.subscribe(named + "/#", 1));

    device.publish(named + "/get", "{\"clientToken\":\"n1\"}");
    assertEquals("No shadow exists with name: 'named-thing~config'",
        device.awaitToken(named + "/get/rejected", "n1").get("message").asText());
    device.publish(named + "/update", "{\"state\":{\"desired\":{\"interval\":30}},\"clientToken\":\"n2\"}");
    assertEquals(1, device.awaitToken(named + "/update/accepted", "n2").get("version").asInt());
    assertEquals(30, device.awaitToken(named + "/update/delta", "n2").at("/state/interval").asInt());

    assertEquals(30, aws.shadow("named-thing", "config").orElseThrow().at("/state/desired/interval").asInt());
    assertFalse(aws.shadow("named-thing").isPresent());
  }

  @Test
  void invalidUpdatesAreRejectedWithDocumentedCodes() throws Exception {
    TestClient.V5 device = v5("rejected-device");
    String update = "$aws/things/strict-thing/shadow/update";
    assertEquals(1, device.subscribe(update + "/rejected", 1));
    device.publish(update, "{\"state\":{\"reported\":{\"a\":1}}}");
    await().until(() -> aws.shadow("strict-thing").isPresent());

    device.publish(update, "{\"state\":{\"reported\":{\"a\":2}},\"version\":5,\"clientToken\":\"v\"}");
    assertRejected(device.awaitToken(update + "/rejected", "v"), 409, "Version conflict");
    String big = "b".repeat(8 * 1024);
    device.publish(update, "{\"state\":{\"reported\":{\"big\":\"" + big + "\"}},\"clientToken\":\"s\"}");
    assertRejected(device.awaitToken(update + "/rejected", "s"), 413, "The payload exceeds the maximum size allowed");
    device.publish(update, "{\"state\":{\"desired\":{\"1\":{\"2\":{\"3\":{\"4\":{\"5\":{\"6\":{\"7\":0}}}}}}}},"
        + "\"clientToken\":\"d\"}");
    assertRejected(device.awaitToken(update + "/rejected", "d"), 400,
        "JSON contains too many levels of nesting; maximum is 6");
    device.publish(update, "not json");
    assertRejected(device.await(update + "/rejected", m -> m.json().get("code").asInt() == 400
        && !m.json().has("clientToken")).json(), 400, "Invalid JSON");

    assertEquals(4, aws.updatesRejected("strict-thing"));
    assertEquals(1, aws.shadow("strict-thing").orElseThrow().get("version").asInt());
  }

  @Test
  void cloudDesiredChangeReachesTheDeviceWhichReportsDeletesKeysAndDeletesTheShadow() throws Exception {
    TestClient.V5 device = v5("cloud-device");
    String prefix = "$aws/things/cloud-thing/shadow";
    device.subscribe(prefix + "/update/delta", 1);
    device.subscribe(prefix + "/update/documents", 1);
    device.subscribe(prefix + "/update/accepted", 1);
    device.subscribe(prefix + "/delete/+", 1);

    ShadowResponse set = aws.updateDesired("cloud-thing", null, "{\"fan\":\"high\"}");
    assertTrue(set.accepted());
    JsonNode delta = device.await(prefix + "/update/delta").json();
    assertEquals("{\"fan\":\"high\"}", delta.get("state").toString());
    assertEquals(1, delta.get("version").asInt());
    assertEquals("high", device.await(prefix + "/update/documents").json().at("/current/state/desired/fan").asText());

    device.publish(prefix + "/update",
        "{\"state\":{\"reported\":{\"fan\":\"high\",\"rpm\":900}},\"clientToken\":\"r\"}");
    device.awaitToken(prefix + "/update/accepted", "r");
    device.publish(prefix + "/update", "{\"state\":{\"reported\":{\"rpm\":null}},\"clientToken\":\"n\"}");
    assertTrue(device.awaitToken(prefix + "/update/accepted", "n").at("/state/reported/rpm").isNull());
    JsonNode shadow = aws.shadow("cloud-thing").orElseThrow();
    assertEquals("{\"fan\":\"high\"}", shadow.at("/state/reported").toString());
    assertFalse(shadow.get("state").has("delta"));
    assertEquals(1, device.received(prefix + "/update/delta").size(), "reported updates publish no delta");

    device.publish(prefix + "/delete", "{\"clientToken\":\"del\"}");
    JsonNode deleted = device.awaitToken(prefix + "/delete/accepted", "del");
    assertEquals(3, deleted.get("version").asInt());
    assertFalse(aws.shadow("cloud-thing").isPresent());
    device.publish(prefix + "/delete", "{\"clientToken\":\"del2\"}");
    assertEquals(404, device.awaitToken(prefix + "/delete/rejected", "del2").get("code").asInt());
  }

  @Test
  void injectedFailuresRejectTheNextUpdatesOfAThing() throws Exception {
    TestClient.V5 device = v5("busy-device");
    String update = "$aws/things/busy-thing/shadow/update";
    device.subscribe(update + "/+", 1);
    aws.rejectNextUpdates("busy-thing", 2, 429);
    aws.rejectNextUpdates("busy-thing", 1, 503);

    for (String token : List.of("a", "b", "c", "d")) {
      device.publish(update,
          "{\"state\":{\"reported\":{\"try\":\"" + token + "\"}},\"clientToken\":\"" + token + "\"}");
    }
    assertRejected(device.awaitToken(update + "/rejected", "a"), 429, "Too Many Requests");
    assertRejected(device.awaitToken(update + "/rejected", "b"), 429, "Too Many Requests");
    assertRejected(device.awaitToken(update + "/rejected", "c"), 503, "Service unavailable");
    assertEquals(1, device.awaitToken(update + "/accepted", "d").get("version").asInt());
    assertEquals(3, aws.updatesRejected("busy-thing"));
    assertEquals(1, aws.updatesAccepted("busy-thing"));
    assertThrows(IllegalArgumentException.class, () -> aws.rejectNextUpdates("busy-thing", 1, 404));
  }

  @Test
  void restartKeepsShadowsAndThePort() throws Exception {
    TestClient.V5 device = v5("restart-device");
    String prefix = "$aws/things/restart-thing/shadow";
    device.subscribe(prefix + "/update/accepted", 1);
    device.publish(prefix + "/update", "{\"state\":{\"reported\":{\"n\":1}},\"clientToken\":\"1\"}");
    device.awaitToken(prefix + "/update/accepted", "1");
    int port = aws.port();

    aws.stop();
    device.awaitDisconnected();
    assertFalse(aws.isRunning());
    assertEquals(1, aws.shadow("restart-thing").orElseThrow().at("/state/reported/n").asInt());
    aws.start();
    assertEquals(port, aws.port());

    TestClient.V5 again = v5("restart-device");
    again.subscribe(prefix + "/get/accepted", 1);
    again.subscribe(prefix + "/update/accepted", 1);
    again.publish(prefix + "/get", "{\"clientToken\":\"g\"}");
    assertEquals(1, again.awaitToken(prefix + "/get/accepted", "g").get("version").asInt());
    again.publish(prefix + "/update", "{\"state\":{\"reported\":{\"n\":2}},\"version\":1,\"clientToken\":\"2\"}");
    assertEquals(2, again.awaitToken(prefix + "/update/accepted", "2").get("version").asInt());
  }

  @Test
  void aSecondConnectionWithTheSameClientIdTakesOver() throws Exception {
    TestClient.V5 first = v5("same-id");
    TestClient.V5 second = v5("same-id");
    first.awaitDisconnected();
    assertEquals(0x8E, first.disconnectReason());
    assertTrue(second.isConnected());
    assertEquals(1, second.subscribe("takeover/check", 1));
    assertTrue(aws.connectedClientIds().contains("same-id"));
  }

  @Test
  void brokerRoutesWildcardsRetainedMessagesAndWillsAndDowngradesQos2() throws Exception {
    TestClient.V5 v5 = v5("route-v5");
    TestClient.V3 v3 = v3("route-v3");
    TestClient.V5 everything = v5("route-all");
    assertEquals(1, v5.subscribe("plant/+/temp", 2), "QoS 2 is granted as QoS 1");
    assertEquals(0, v3.subscribe("plant/#", 0));
    assertEquals(1, everything.subscribe("#", 1));

    v5.publish("$aws/things/hidden/shadow/update", "{\"state\":{\"reported\":{}}}");
    v3.publish("plant/a/temp", "21", 1, false);
    assertEquals(1, v5.await("plant/a/temp").qos());
    assertEquals(0, v3.await("plant/a/temp").qos());
    everything.await("plant/a/temp");
    assertTrue(everything.messages.stream().noneMatch(m -> m.topic().startsWith("$")), "# skips $ topics");

    v5.unsubscribe("plant/+/temp");
    v5.subscribe("plant/+/status", 1);
    v3.publish("plant/b/temp", "22", 1, false);
    v3.publish("plant/b/status", "running", 1, true);
    assertFalse(v5.await("plant/b/status").retained(), "live messages arrive without the retain flag");
    assertTrue(v5.received("plant/b/temp").isEmpty(), "one publisher's messages arrive in order: temp was not sent");

    v3.subscribe("plant/+/status", 1);
    assertTrue(v3.await("plant/b/status", TestClient.Received::retained).retained(), "retained for a new subscription");

    TestClient.V3 dying = track(new TestClient.V3(aws.serverUri(), "route-dying", tls.clientSslContext(true),
        new TestClient.Will("plant/c/will", "gone")));
    assertTrue(aws.disconnectClient("route-dying"));
    assertEquals("gone", everything.await("plant/c/will").text());
    dying.awaitDisconnected();

    v3.publishAsync("plant/d/temp", "x", 2);
    v3.awaitDisconnected();
  }

  @Test
  void qos1DeliveriesRespectTheClientsReceiveMaximumAndItsPubacks() throws Exception {
    TestClient.V5 slow = track(new TestClient.V5(aws.serverUri(), "receive-max-2", tls.clientSslContext(true), null,
        2));
    assertEquals(1, slow.subscribe("burst/#", 1));
    TestClient.V5 publisher = v5("burst-publisher");
    for (int i = 0; i < 30; i++) {
      publisher.publish("burst/" + i, Integer.toString(i), 1, false);
    }
    await().until(() -> slow.messages.size() == 30);
    assertEquals(IntStream.range(0, 30).mapToObj(Integer::toString).toList(),
        slow.messages.stream().map(TestClient.Received::text).toList());
  }

  @Test
  void subscriptionsPerConnectionAreLimitedTo50() throws Exception {
    // MQTT 3.1.1 here: Paho's MQTT 5 client rejects SUBACK reason code 0x97 (quota exceeded), which MQTT 5 allows
    TestClient.V3 device = v3("quota");
    for (int i = 0; i < 50; i++) {
      assertEquals(1, device.subscribe("quota/" + i, 1));
    }
    assertEquals(1, device.subscribe("quota/7", 1), "renewing a subscription is not a new one");
    assertEquals(0x80, device.subscribe("quota/50", 1));
    assertTrue(device.isConnected());
    assertEquals(0x9E, v5("shared").subscribe("$share/group/quota/x", 1), "no shared subscriptions");
  }

  @Test
  void pingsAreAnsweredAndSilentClientsDisconnectedAfterOneAndAHalfKeepAlives() throws Exception {
    SSLContext ssl = tls.clientSslContext(true);
    try (SSLSocket socket = (SSLSocket) ssl.getSocketFactory().createSocket("localhost", aws.port())) {
      socket.setSoTimeout(10_000);
      byte[] clientId = "silent".getBytes(StandardCharsets.US_ASCII);
      OutputStream out = socket.getOutputStream();
      out.write(new byte[] {0x10, (byte) (12 + clientId.length), 0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 1, 0,
          (byte) clientId.length});
      out.write(clientId);
      out.flush();
      InputStream in = socket.getInputStream();
      assertArrayEquals(new byte[] {0x20, 0x02, 0x00, 0x00}, in.readNBytes(4), "CONNACK accepted");
      out.write(new byte[] {(byte) 0xC0, 0x00});
      out.flush();
      assertArrayEquals(new byte[] {(byte) 0xD0, 0x00}, in.readNBytes(2), "PINGRESP");
      long connected = System.nanoTime();
      assertEquals(-1, in.read(), "the emulator closes the connection");
      long silentMillis = (System.nanoTime() - connected) / 1_000_000;
      assertTrue(silentMillis >= 1_000, "closed after " + silentMillis + " ms, before the keep-alive ran out");
    }
  }

  @Test
  void concurrentClientsUpdateManyThingsAndOneThingSeesItsUpdatesInOrder() throws Exception {
    int clients = 4;
    int updates = 50;
    List<TestClient.V5> devices = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      devices.add(v5("order-device-" + c));
    }
    TestClient.V5 observer = devices.get(0);
    String shared = "$aws/things/shared-thing/shadow/update";
    observer.subscribe(shared + "/documents", 1);
    List<CompletableFuture<Void>> runs = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int id = c;
      runs.add(CompletableFuture.runAsync(() -> {
        try {
          for (int n = 0; n < updates; n++) {
            String state = "{\"state\":{\"reported\":{\"c" + id + "\":" + n + "}}}";
            assertEquals(0, devices.get(id).publish(shared, state));
            assertEquals(0, devices.get(id).publish("$aws/things/own-" + id + "/shadow/update", state));
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }));
    }
    CompletableFuture.allOf(runs.toArray(new CompletableFuture<?>[0])).get();

    await().until(() -> observer.received(shared + "/documents").size() == clients * updates);
    List<Integer> versions = observer.received(shared + "/documents").stream()
        .map(m -> m.json().at("/current/version").asInt()).toList();
    assertEquals(IntStream.rangeClosed(1, clients * updates).boxed().toList(), versions);
    JsonNode reported = aws.shadow("shared-thing").orElseThrow().at("/state/reported");
    for (int c = 0; c < clients; c++) {
      assertEquals(updates - 1, reported.get("c" + c).asInt());
      assertEquals(updates, aws.shadow("own-" + c).orElseThrow().get("version").asInt());
    }
    assertEquals(clients * updates, aws.updatesAccepted("shared-thing"));
  }
}
