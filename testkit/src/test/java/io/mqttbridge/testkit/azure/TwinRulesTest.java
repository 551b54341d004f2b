package io.mqttbridge.testkit.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TwinRulesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static ObjectNode parse(String json) throws TwinRejection {
    return TwinRules.parsePatch(json.getBytes(StandardCharsets.UTF_8));
  }

  private static TwinRejection rejected(String json) {
    return assertThrows(TwinRejection.class, () -> parse(json));
  }

  @Test
  void mergePatchesReplaceMergeAndDelete() throws Exception {
    ObjectNode twin = (ObjectNode) JSON.readTree("{\"a\":1,\"o\":{\"x\":1,\"y\":2},\"gone\":true}");
    TwinRules.merge(twin, parse("{\"a\":2,\"o\":{\"y\":null,\"z\":3},\"gone\":null,\"new\":{\"k\":\"v\"}}"));
    assertEquals(JSON.readTree("{\"a\":2,\"o\":{\"x\":1,\"z\":3},\"new\":{\"k\":\"v\"}}"), twin);
  }

  @Test
  void sizeCountsKeysAndValuesAsDocumented() throws Exception {
    // "abc"(3) + "xyz"(3); "n"(1) + 8; "b"(1) + 4; "o"(1) + "k"(1) + "v"(1); $version not counted
    assertEquals(23, TwinRules.size(JSON.readTree(
        "{\"abc\":\"xyz\",\"n\":1.5,\"b\":true,\"o\":{\"k\":\"v\"},\"$version\":4}")));
  }

  @Test
  void malformedOrNonObjectPatchesAreBadRequests() {
    TwinRejection e = rejected("{\"a\":");
    assertEquals(400, e.status());
    assertEquals(400004, e.errorCode());
    assertTrue(rejected("[1,2]").getMessage().contains("must be a JSON object"));
  }

  @Test
  void propertyNamesFollowTheRules() {
    assertTrue(rejected("{\"a.b\":1}").getMessage().contains("'.'"));
    assertTrue(rejected("{\"$x\":1}").getMessage().contains("'$'"));
    assertTrue(rejected("{\"o\":{\"a b\":1}}").getMessage().contains("'o.a b'"));
    assertTrue(rejected("{\"a\\u0001\":1}").getMessage().contains("\\u0001"));
  }

  @Test
  void depthIsAtMostTenAndStringsAtMostFourKilobytes() throws Exception {
    StringBuilder ten = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      ten.append("{\"l").append(i).append("\":");
    }
    parse(ten + "1" + "}".repeat(10));
    assertTrue(rejected(ten + "{\"deep\":1}" + "}".repeat(10)).getMessage().contains("deeper than 10"));
    parse("{\"s\":\"" + "x".repeat(4096) + "\"}");
    assertTrue(rejected("{\"s\":\"" + "x".repeat(4097) + "\"}").getMessage().contains("longer than 4096"));
  }

  @Test
  void aSectionAboveThirtyTwoKilobytesIsRejectedWith413AndLeftUnchanged() throws Exception {
    DeviceTwinState twin = new DeviceTwinState();
    StringBuilder big = new StringBuilder("{");
    for (int i = 0; i < 8; i++) {
      big.append(i == 0 ? "" : ",").append("\"p").append(i).append("\":\"").append("x".repeat(4000)).append('"');
    }
    assertEquals(2, twin.patchReported(parse(big + "}")));
    TwinRejection e = assertThrows(TwinRejection.class,
        () -> twin.patchReported(parse("{\"p8\":\"" + "y".repeat(1000) + "\"}")));
    assertEquals(413, e.status());
    assertTrue(e.getMessage().contains("32768"), e.getMessage());
    assertEquals(2, twin.reportedVersion());
    assertEquals(8, twin.reported().size());
  }
}
