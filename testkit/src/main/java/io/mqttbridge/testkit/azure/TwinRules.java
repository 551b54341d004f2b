package io.mqttbridge.testkit.azure;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * The documented rules of twin property documents: keys, depth, string lengths and the size of the desired and
 * reported sections, and JSON merge patches (a null member deletes a property).
 *
 * <p>Limits (IoT Hub's "Understand and use device twins"): keys are up to 1 KB of UTF-8 without control characters,
 * '.', '$' or spaces; string values up to 4 KB; objects nest at most 10 deep below the section; desired and
 * reported each hold at most 32 KB, counted as the characters of every key and string value (control characters
 * excluded), 8 bytes per number and 4 per boolean, read-only members such as {@code $version} excluded.
 */
final class TwinRules {
  static final int MAX_SECTION_SIZE = 32 * 1024;
  static final int MAX_DEPTH = 10;
  static final int MAX_KEY_BYTES = 1024;
  static final int MAX_STRING_BYTES = 4 * 1024;

  /** IoT Hub's error code for a body that cannot be parsed or validated. */
  static final int BAD_FORMAT = 400004;

  private static final ObjectMapper JSON = new ObjectMapper();

  private TwinRules() {
  }

  /** Parses a patch body: a JSON object whose keys, values and depth follow the rules. */
  static ObjectNode parsePatch(byte[] body) throws TwinRejection {
    JsonNode node;
    try {
      node = JSON.readTree(body);
    } catch (IOException e) {
      throw new TwinRejection(400, BAD_FORMAT, "The body is not valid JSON: " + shortMessage(e));
    }
    if (node == null || !node.isObject()) {
      throw new TwinRejection(400, BAD_FORMAT, "A twin patch must be a JSON object, was "
          + (node == null ? "empty" : node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)));
    }
    check((ObjectNode) node, "", 1);
    return (ObjectNode) node;
  }

  private static void check(ObjectNode object, String path, int depth) throws TwinRejection {
    if (depth > MAX_DEPTH) {
      throw new TwinRejection(400, BAD_FORMAT, "The object at '" + path + "' nests deeper than " + MAX_DEPTH
          + " levels");
    }
    Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String key = field.getKey();
      String keyPath = path.isEmpty() ? key : path + "." + key;
      String problem = keyProblem(key);
      if (problem != null) {
        throw new TwinRejection(400, BAD_FORMAT, "The property name '" + printable(keyPath) + "' " + problem);
      }
      checkValue(field.getValue(), keyPath, depth);
    }
  }

  private static void checkValue(JsonNode value, String path, int depth) throws TwinRejection {
    if (value.isObject()) {
      check((ObjectNode) value, path, depth + 1);
    } else if (value.isArray()) {
      for (JsonNode element : value) {
        checkValue(element, path + "[]", depth);
      }
    } else if (value.isTextual() && value.textValue().getBytes(StandardCharsets.UTF_8).length > MAX_STRING_BYTES) {
      throw new TwinRejection(400, BAD_FORMAT, "The value of '" + printable(path) + "' is longer than "
          + MAX_STRING_BYTES + " bytes");
    }
  }

  private static String keyProblem(String key) {
    if (key.isEmpty()) {
      return "is empty";
    }
    if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
      return "is longer than " + MAX_KEY_BYTES + " bytes";
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c == '.' || c == '$' || c == ' ' || isControl(c)) {
        return "contains '" + (isControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c))
            + "', which property names cannot contain ('.', '$', space, control characters)";
      }
    }
    return null;
  }

  /** Applies a merge patch to {@code target} in place: members replace, null members delete, objects merge. */
  static void merge(ObjectNode target, ObjectNode patch) {
    Iterator<Map.Entry<String, JsonNode>> fields = patch.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      JsonNode value = field.getValue();
      JsonNode existing = target.get(field.getKey());
      if (value.isNull()) {
        target.remove(field.getKey());
      } else if (value.isObject() && existing != null && existing.isObject()) {
        merge((ObjectNode) existing, (ObjectNode) value);
      } else if (value.isObject()) {
        ObjectNode fresh = target.putObject(field.getKey());
        merge(fresh, (ObjectNode) value);
      } else {
        target.set(field.getKey(), value.deepCopy());
      }
    }
  }

  /** The size of a section as IoT Hub counts it. */
  static long size(JsonNode node) {
    long size = 0;
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        if (!field.getKey().startsWith("$")) {
          size += characters(field.getKey()) + size(field.getValue());
        }
      }
    } else if (node.isArray()) {
      for (JsonNode element : node) {
        size += size(element);
      }
    } else if (node.isTextual()) {
      size += characters(node.textValue());
    } else if (node.isNumber()) {
      size += 8;
    } else if (node.isBoolean()) {
      size += 4;
    }
    return size;
  }

  private static long characters(String text) {
    return text.codePoints().filter(c -> !isControl(c)).count();
  }

  private static boolean isControl(int c) {
    return c <= 0x1f || (c >= 0x7f && c <= 0x9f);
  }

  private static String printable(String text) {
    String clean = text.replaceAll("\\p{Cntrl}", "?");
    return clean.length() <= 60 ? clean : clean.substring(0, 60) + "...";
  }

  private static String shortMessage(IOException e) {
    String message = e instanceof JsonProcessingException p ? p.getOriginalMessage() : e.getMessage();
    return message == null ? e.getClass().getSimpleName() : printable(message);
  }
}
