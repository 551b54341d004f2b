package io.mqttbridge.testkit.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The Device Shadow rules, checked against the examples of the AWS IoT documentation without any network. */
class ShadowServiceTest {

  private final ObjectMapper mapper = new ObjectMapper();
  private final SettableClock clock = new SettableClock(1_700_000_000L);
  private final List<Published> published = new ArrayList<>();
  private ShadowService service;

  private record Published(String topic, JsonNode body) {
  }

  @BeforeEach
  void setUp() {
    service = new ShadowService(mapper, clock, (topic, payload) -> published.add(new Published(topic, read(payload))));
  }

  @Test
  void desiredUpdatePublishesAcceptedDocumentsAndDelta() {
    update("lamp", null, "{\"state\":{\"desired\":{\"color\":\"red\",\"power\":\"on\"}},\"clientToken\":\"t-1\"}");

    assertEquals(List.of("$aws/things/lamp/shadow/update/accepted", "$aws/things/lamp/shadow/update/documents",
        "$aws/things/lamp/shadow/update/delta"), topics());
    long ts = clock.seconds;
    assertJson("{\"state\":{\"desired\":{\"color\":\"red\",\"power\":\"on\"}},"
        + "\"metadata\":{\"desired\":{\"color\":{\"timestamp\":" + ts + "},\"power\":{\"timestamp\":" + ts + "}}},"
        + "\"version\":1,\"timestamp\":" + ts + ",\"clientToken\":\"t-1\"}", body(0));
    assertJson("{\"previous\":null,\"current\":{\"state\":{\"desired\":{\"color\":\"red\",\"power\":\"on\"}},"
        + "\"metadata\":{\"desired\":{\"color\":{\"timestamp\":" + ts + "},\"power\":{\"timestamp\":" + ts + "}}},"
        + "\"version\":1},\"timestamp\":" + ts + ",\"clientToken\":\"t-1\"}", body(1));
    assertJson("{\"version\":1,\"timestamp\":" + ts + ",\"state\":{\"color\":\"red\",\"power\":\"on\"},"
        + "\"metadata\":{\"color\":{\"timestamp\":" + ts + "},\"power\":{\"timestamp\":" + ts + "}},"
        + "\"clientToken\":\"t-1\"}", body(2));
  }

  @Test
  void reportedUpdateAnswersWithoutDeltaAndDocumentsCarryPreviousAndCurrent() {
    update("lamp", null, "{\"state\":{\"desired\":{\"color\":\"red\",\"power\":\"on\"}}}");
    long t1 = clock.seconds;
    clock.seconds += 5;
    published.clear();

    update("lamp", null, "{\"state\":{\"reported\":{\"color\":\"red\"}},\"clientToken\":\"dev\"}");

    assertEquals(List.of("$aws/things/lamp/shadow/update/accepted", "$aws/things/lamp/shadow/update/documents"),
        topics(), "a reported-only update publishes no delta");
    JsonNode documents = body(1);
    assertEquals(1, documents.at("/previous/version").asInt());
    assertFalse(documents.at("/previous/state").has("reported"));
    assertEquals(2, documents.at("/current/version").asInt());
    assertEquals("red", documents.at("/current/state/reported/color").asText());
    assertEquals(t1, documents.at("/current/metadata/desired/color/timestamp").asLong());
    assertEquals(clock.seconds, documents.at("/current/metadata/reported/color/timestamp").asLong());
    assertFalse(documents.has("state"), "documents carry state only inside previous and current");

    JsonNode shadow = service.read("lamp", null).orElseThrow();
    assertJson("{\"power\":\"on\"}", shadow.at("/state/delta"));
    assertJson("{\"power\":{\"timestamp\":" + t1 + "}}", shadow.at("/metadata/delta"));

    published.clear();
    update("lamp", null, "{\"state\":{\"desired\":{\"mode\":\"eco\"}}}");
    assertJson("{\"power\":\"on\",\"mode\":\"eco\"}", published(ShadowTopic.UPDATE, "/delta").at("/state"));
  }

  @Test
  void deltaOfNestedObjectsReachesTheLeavesAndArraysAreWholeValues() {
    update("car", null, "{\"state\":{\"reported\":{\"lights\":{\"color\":{\"r\":255,\"g\":0,\"b\":255}},"
        + "\"seq\":[\"RED\",\"GREEN\"],\"speed\":1.0}}}");
    published.clear();
    update("car", null, "{\"state\":{\"desired\":{\"lights\":{\"color\":{\"r\":255,\"g\":255,\"b\":255}},"
        + "\"seq\":[\"RED\"],\"speed\":1}}}");

    JsonNode delta = published(ShadowTopic.UPDATE, "/delta");
    assertJson("{\"lights\":{\"color\":{\"g\":255}},\"seq\":[\"RED\"]}", delta.at("/state"));
    long ts = clock.seconds;
    assertJson("{\"lights\":{\"color\":{\"g\":{\"timestamp\":" + ts + "}}},"
        + "\"seq\":[{\"timestamp\":" + ts + "}]}", delta.at("/metadata"));
  }

  @Test
  void nullDeletesKeysAndEmptiedObjectsAndSections() {
    update("t", null, "{\"state\":{\"desired\":{\"a\":1,\"b\":{\"c\":2}},\"reported\":{\"x\":true}}}");
    ShadowResponse accepted = update("t", null, "{\"state\":{\"desired\":{\"a\":null,\"b\":{\"c\":null}}}}");

    assertJson("{\"desired\":{\"a\":null,\"b\":{\"c\":null}}}", accepted.body().get("state"));
    assertEquals(clock.seconds, accepted.body().at("/metadata/desired/a/timestamp").asLong(),
        "the accepted echo has metadata for deleted keys too");
    JsonNode shadow = service.read("t", null).orElseThrow();
    assertFalse(shadow.get("state").has("desired"), "desired lost its last key");
    assertFalse(shadow.get("metadata").has("desired"));

    update("t", null, "{\"state\":{\"reported\":null}}");
    assertJson("{}", service.read("t", null).orElseThrow().get("state"));
    assertEquals(3, service.read("t", null).orElseThrow().get("version").asInt());
  }

  @Test
  void arraysReplaceAndCarryMetadataPerElement() {
    update("t", null, "{\"state\":{\"desired\":{\"colors\":[\"RED\",\"GREEN\",\"BLUE\"]}}}");
    clock.seconds += 1;
    update("t", null, "{\"state\":{\"desired\":{\"colors\":[\"RED\"]}}}");

    JsonNode shadow = service.read("t", null).orElseThrow();
    assertJson("{\"colors\":[\"RED\"]}", shadow.at("/state/desired"));
    assertJson("{\"colors\":[{\"timestamp\":" + clock.seconds + "}]}", shadow.at("/metadata/desired"));
  }

  @Test
  void metadataTimestampsFollowEachUpdatedLeaf() {
    update("t", null, "{\"state\":{\"reported\":{\"temp\":20,\"net\":{\"rssi\":-70,\"ip\":\"10.0.0.2\"}}}}");
    long t1 = clock.seconds;
    clock.seconds += 60;
    update("t", null, "{\"state\":{\"reported\":{\"net\":{\"rssi\":-60}}}}");

    JsonNode meta = service.read("t", null).orElseThrow().at("/metadata/reported");
    assertEquals(t1, meta.at("/temp/timestamp").asLong());
    assertEquals(t1, meta.at("/net/ip/timestamp").asLong());
    assertEquals(clock.seconds, meta.at("/net/rssi/timestamp").asLong());
    assertEquals(clock.seconds, service.read("t", null).orElseThrow().get("timestamp").asLong());
  }

  @Test
  void versionMustMatchWhenGiven() {
    update("t", null, "{\"state\":{\"desired\":{\"colors\":[\"RED\",\"GREEN\",\"BLUE\"]}}}");
    published.clear();

    ShadowResponse conflict = update("t", null,
        "{\"state\":{\"desired\":{\"colors\":[\"BLUE\"]}},\"version\":9,\"clientToken\":\"c-9\"}");
    assertEquals(409, conflict.code());
    assertJson("{\"code\":409,\"message\":\"Version conflict\",\"timestamp\":" + clock.seconds
        + ",\"clientToken\":\"c-9\"}", conflict.body());
    assertEquals(List.of("$aws/things/t/shadow/update/rejected"), topics());

    ShadowResponse ok = update("t", null, "{\"state\":{\"desired\":{\"colors\":[\"BLUE\"]}},\"version\":1}");
    assertEquals(2, ok.body().get("version").asInt());
    assertEquals(1, service.rejected("t"));
    assertEquals(2, service.accepted("t"));
  }

  @Test
  void sectionsLargerThan8KbAreRejectedAfterTheMerge() {
    String fits = "x".repeat(ShadowService.MAX_SECTION_BYTES - "{\"s\":\"\"}".length());
    assertEquals(200, update("t", null, "{\"state\":{\"reported\":{\"s\":\"" + fits + "\"}}}").code());
    ShadowResponse tooLarge = update("t", null, "{\"state\":{\"reported\":{\"s\":\"" + fits + "y\"}}}");
    assertEquals(413, tooLarge.code());
    assertEquals("The payload exceeds the maximum size allowed", tooLarge.message());

    String half = "z".repeat(5000);
    assertEquals(200, update("u", null, "{\"state\":{\"desired\":{\"a\":\"" + half + "\"}}}").code());
    assertEquals(413, update("u", null, "{\"state\":{\"desired\":{\"b\":\"" + half + "\"}}}").code(),
        "the stored desired section would exceed 8 KB");
    assertEquals(200, update("u", null, "{\"state\":{\"reported\":{\"b\":\"" + half + "\"}}}").code(),
        "each section has its own 8 KB");
    assertEquals(2, service.read("u", null).orElseThrow().get("version").asInt());
  }

  @Test
  void sixLevelsOfNestingAreAllowedSevenAreNot() {
    String six = "{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":1}}}}}}";
    String seven = "{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":1}}}}}}}";
    assertEquals(200, update("t", null, "{\"state\":{\"desired\":" + six + "}}").code());
    ShadowResponse rejected = update("t", null, "{\"state\":{\"reported\":" + seven + ",\"desired\":{}}}");
    assertEquals(400, rejected.code());
    assertEquals("JSON contains too many levels of nesting; maximum is 6", rejected.message());
    assertEquals(400, update("t", null, "{\"state\":{\"desired\":{\"a\":[[[[[[1]]]]]]}}}").code(),
        "arrays count as levels too");
  }

  static Stream<Arguments> invalidUpdates() {
    return Stream.of(
        Arguments.of("{\"state\":", 400, ShadowService.INVALID_JSON),
        Arguments.of("[1,2]", 400, ShadowService.INVALID_JSON),
        Arguments.of("", 400, ShadowService.INVALID_JSON),
        Arguments.of("{\"desired\":{\"a\":1}}", 400, ShadowService.MISSING_STATE),
        Arguments.of("{\"state\":\"on\"}", 400, ShadowService.STATE_NOT_OBJECT),
        Arguments.of("{\"state\":{\"desired\":[1]}}", 400, ShadowService.DESIRED_NOT_OBJECT),
        Arguments.of("{\"state\":{\"reported\":5}}", 400, ShadowService.REPORTED_NOT_OBJECT),
        Arguments.of("{\"state\":{\"delta\":{\"a\":1}}}", 400, ShadowService.INVALID_NODE),
        Arguments.of("{\"state\":{\"desired\":{\"colors\":[null,\"RED\"]}}}", 400, ShadowService.INVALID_NODE),
        Arguments.of("{\"state\":{\"desired\":{}},\"version\":\"3\"}", 400, ShadowService.INVALID_VERSION),
        Arguments.of("{\"state\":{\"desired\":{}},\"version\":1.5}", 400, ShadowService.INVALID_VERSION),
        Arguments.of("{\"state\":{\"desired\":{}},\"clientToken\":\"" + "k".repeat(65) + "\"}", 400,
            ShadowService.INVALID_CLIENT_TOKEN),
        Arguments.of("{\"state\":{\"desired\":{}},\"clientToken\":7}", 400, ShadowService.INVALID_CLIENT_TOKEN));
  }

  @ParameterizedTest
  @MethodSource("invalidUpdates")
  void invalidUpdatesAreRejectedWithTheDocumentedMessages(String request, int code, String message) {
    ShadowResponse response = update("bad", null, request);
    assertEquals(code, response.code());
    assertEquals(message, response.message());
    assertTrue(response.body().has("timestamp"));
    assertFalse(service.read("bad", null).isPresent(), "a rejected update creates no shadow");
    assertEquals(List.of("$aws/things/bad/shadow/update/rejected"), topics());
  }

  @Test
  void clientTokenIsEchoedOnRejectionsUnlessItIsTheProblem() {
    assertEquals("tok", update("t", null, "{\"clientToken\":\"tok\"}").body().get("clientToken").asText());
    assertFalse(update("t", null, "{\"clientToken\":\"" + "k".repeat(65) + "\",\"state\":{}}").body()
        .has("clientToken"));
    ShadowResponse notUtf8 = service.handle(new ShadowTopic("t", null, ShadowTopic.UPDATE),
        new byte[] {'{', '"', (byte) 0xC3, '"', '}'});
    assertEquals(415, notUtf8.code());
  }

  @Test
  void getIs404UntilTheShadowExistsAndEchoesTheClientToken() {
    ShadowResponse missing = get("pump", null, "{\"clientToken\":\"g-1\"}");
    assertEquals(404, missing.code());
    assertJson("{\"code\":404,\"message\":\"No shadow exists with name: 'pump'\",\"clientToken\":\"g-1\"}",
        missing.body());
    assertEquals(List.of("$aws/things/pump/shadow/get/rejected"), topics());
    ShadowResponse named = get("pump", "config", "");
    assertEquals("No shadow exists with name: 'pump~config'", named.message());

    update("pump", null, "{\"state\":{\"desired\":{\"rpm\":1200},\"reported\":{\"rpm\":900}}}");
    published.clear();
    ShadowResponse found = get("pump", null, "{\"clientToken\":\"g-2\"}");
    assertEquals(200, found.code());
    assertEquals(List.of("$aws/things/pump/shadow/get/accepted"), topics());
    long ts = clock.seconds;
    assertJson("{\"state\":{\"desired\":{\"rpm\":1200},\"reported\":{\"rpm\":900},\"delta\":{\"rpm\":1200}},"
        + "\"metadata\":{\"desired\":{\"rpm\":{\"timestamp\":" + ts + "}},\"reported\":{\"rpm\":{\"timestamp\":"
        + ts + "}},\"delta\":{\"rpm\":{\"timestamp\":" + ts + "}}},\"version\":1,\"timestamp\":" + ts
        + ",\"clientToken\":\"g-2\"}", found.body());
  }

  @Test
  void deleteKeepsTheVersionForTheNextShadow() {
    update("t", "cfg", "{\"state\":{\"desired\":{\"a\":1}}}");
    update("t", "cfg", "{\"state\":{\"desired\":{\"a\":2}}}");
    published.clear();

    ShadowResponse deleted = service.handle(new ShadowTopic("t", "cfg", ShadowTopic.DELETE),
        "{\"clientToken\":\"d\"}".getBytes(StandardCharsets.UTF_8));
    assertJson("{\"version\":2,\"timestamp\":" + clock.seconds + ",\"clientToken\":\"d\"}", deleted.body());
    assertEquals(List.of("$aws/things/t/shadow/name/cfg/delete/accepted"), topics());
    assertEquals(404, get("t", "cfg", "").code());
    assertEquals(404, service.handle(new ShadowTopic("t", "cfg", ShadowTopic.DELETE), new byte[0]).code());

    published.clear();
    ShadowResponse again = update("t", "cfg", "{\"state\":{\"reported\":{\"b\":1}}}");
    assertEquals(3, again.body().get("version").asInt());
    assertTrue(published(ShadowTopic.UPDATE, "/documents").get("previous").isNull());
    assertJson("{\"reported\":{\"b\":1}}", service.read("t", "cfg").orElseThrow().get("state"));
  }

  @Test
  void namedShadowsAreIndependentOfTheClassicShadow() {
    update("t", null, "{\"state\":{\"reported\":{\"classic\":true}}}");
    update("t", "ota", "{\"state\":{\"reported\":{\"fw\":\"1.2\"}}}");
    assertEquals("$aws/things/t/shadow/name/ota/update/accepted", published.get(2).topic());
    assertJson("{\"reported\":{\"classic\":true}}", service.read("t", null).orElseThrow().get("state"));
    assertJson("{\"reported\":{\"fw\":\"1.2\"}}", service.read("t", "ota").orElseThrow().get("state"));
    assertEquals(1, service.read("t", "ota").orElseThrow().get("version").asInt());
  }

  @Test
  void injectedFailuresHitOnlyDeviceUpdatesInOrder() {
    service.injectFailures("t", 1, 429);
    service.injectFailures("t", 1, 503);
    assertEquals(200, service.updateFromCloud("t", null, "{\"state\":{\"desired\":{\"a\":1}}}").code(),
        "cloud updates are not throttled");
    ShadowResponse throttled = update("t", "named", "{\"state\":{\"reported\":{\"a\":1}},\"clientToken\":\"x\"}");
    assertEquals(429, throttled.code());
    assertEquals("Too Many Requests", throttled.message());
    assertEquals("x", throttled.body().get("clientToken").asText());
    ShadowResponse unavailable = update("t", null, "{\"state\":{\"reported\":{\"a\":1}}}");
    assertEquals(503, unavailable.code());
    assertEquals("Service unavailable", unavailable.message());
    assertEquals(200, update("t", null, "{\"state\":{\"reported\":{\"a\":1}}}").code());
    assertEquals(1, service.accepted("t"));
    assertEquals(2, service.rejected("t"));
    assertEquals(2, service.read("t", null).orElseThrow().get("version").asInt());
  }

  @Test
  void cloudUpdatesPublishLikeDeviceUpdatesButNotTheirRejections() {
    service.updateFromCloud("t", null, "{\"state\":{\"desired\":{\"on\":true}}}");
    assertEquals(List.of("$aws/things/t/shadow/update/accepted", "$aws/things/t/shadow/update/documents",
        "$aws/things/t/shadow/update/delta"), topics());
    published.clear();
    assertEquals(409, service.updateFromCloud("t", null, "{\"state\":{},\"version\":7}").code());
    assertTrue(published.isEmpty());
    assertEquals(0, service.accepted() + service.rejected(), "only MQTT updates are counted");
  }

  private ShadowResponse update(String thing, String shadow, String request) {
    return service.handle(new ShadowTopic(thing, shadow, ShadowTopic.UPDATE),
        request.getBytes(StandardCharsets.UTF_8));
  }

  private ShadowResponse get(String thing, String shadow, String request) {
    return service.handle(new ShadowTopic(thing, shadow, ShadowTopic.GET), request.getBytes(StandardCharsets.UTF_8));
  }

  private List<String> topics() {
    return published.stream().map(Published::topic).toList();
  }

  private JsonNode body(int index) {
    return published.get(index).body();
  }

  private JsonNode published(String operation, String suffix) {
    return published.stream().filter(p -> p.topic().endsWith("/" + operation + suffix)).findFirst()
        .orElseThrow(() -> new AssertionError("nothing published on " + operation + suffix + ": " + topics()))
        .body();
  }

  /** Compares as parsed JSON, so 1 written as a long equals 1 read back as an int. */
  private void assertJson(String expected, JsonNode actual) {
    assertEquals(read(expected.getBytes(StandardCharsets.UTF_8)),
        read(actual.toString().getBytes(StandardCharsets.UTF_8)));
  }

  private JsonNode read(byte[] json) {
    try {
      return mapper.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A clock the test moves by hand, in whole seconds. */
  private static final class SettableClock extends Clock {
    long seconds;

    SettableClock(long seconds) {
      this.seconds = seconds;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochSecond(seconds);
    }
  }
}
