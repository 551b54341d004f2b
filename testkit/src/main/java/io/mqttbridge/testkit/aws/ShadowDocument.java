package io.mqttbridge.testkit.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The stored state of one shadow and the document rules of the Device Shadow service: how an update merges, how
 * metadata and delta are derived. Not thread-safe: {@link ShadowService} guards each document with its own lock.
 *
 * <p>Merge: objects merge key by key recursively; a {@code null} value deletes the key (and its metadata); any
 * other value, arrays included, replaces what was there. An object emptied by deletions is removed, and so is a
 * section ({@code desired}, {@code reported}) without keys. Metadata mirrors the state: {@code {"timestamp":N}}
 * (epoch seconds) per updated leaf, an array of per-element metadata for an array (as the service returns it).
 */
final class ShadowDocument {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  /** Numbers compare by value (1 equals 1.0) when the delta is computed; everything else by equals. */
  private static final Comparator<JsonNode> VALUE_ORDER = (a, b) -> {
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue());
    }
    return a.equals(b) ? 0 : 1;
  };

  private boolean exists;
  private long version;
  private ObjectNode desired = NODES.objectNode();
  private ObjectNode reported = NODES.objectNode();
  private ObjectNode desiredMeta = NODES.objectNode();
  private ObjectNode reportedMeta = NODES.objectNode();

  /** The sections an update would leave behind, computed on copies so a rejected update changes nothing. */
  record Candidate(ObjectNode desired, ObjectNode desiredMeta, ObjectNode reported, ObjectNode reportedMeta) {
  }

  boolean exists() {
    return exists;
  }

  /** The current version; after a delete, the version of the deleted shadow (a new one continues from it). */
  long version() {
    return version;
  }

  /**
   * Applies the request's {@code state} ({@code null} clears both sections, a {@code null} section clears that
   * section) to copies of the stored sections.
   */
  Candidate prepare(JsonNode requestState, long timestamp) {
    Candidate c = new Candidate(desired.deepCopy(), desiredMeta.deepCopy(), reported.deepCopy(),
        reportedMeta.deepCopy());
    if (requestState.isNull()) {
      clear(c.desired(), c.desiredMeta());
      clear(c.reported(), c.reportedMeta());
      return c;
    }
    apply(requestState.get("desired"), c.desired(), c.desiredMeta(), timestamp);
    apply(requestState.get("reported"), c.reported(), c.reportedMeta(), timestamp);
    return c;
  }

  /** Stores the candidate as the new state: the shadow exists and its version grows by one. */
  void commit(Candidate c) {
    desired = c.desired();
    desiredMeta = c.desiredMeta();
    reported = c.reported();
    reportedMeta = c.reportedMeta();
    exists = true;
    version++;
  }

  /** Deletes the state; the version is kept, as the service keeps it for a shadow re-created later. */
  void delete() {
    exists = false;
    clear(desired, desiredMeta);
    clear(reported, reportedMeta);
  }

  /** {@code {"state":{desired,reported},"metadata":{desired,reported},"version":N}} as in /update/documents. */
  ObjectNode snapshot() {
    ObjectNode out = NODES.objectNode();
    ObjectNode state = out.putObject("state");
    ObjectNode metadata = out.putObject("metadata");
    putSection(state, metadata, "desired", desired, desiredMeta);
    putSection(state, metadata, "reported", reported, reportedMeta);
    out.put("version", version);
    return out;
  }

  /** The /get/accepted document: state and metadata with {@code delta} when desired differs from reported. */
  ObjectNode getDocument(long timestamp) {
    ObjectNode out = NODES.objectNode();
    ObjectNode state = out.putObject("state");
    ObjectNode metadata = out.putObject("metadata");
    putSection(state, metadata, "desired", desired, desiredMeta);
    putSection(state, metadata, "reported", reported, reportedMeta);
    ObjectNode delta = delta();
    putSection(state, metadata, "delta", delta, deltaMetadata(delta));
    out.put("version", version);
    out.put("timestamp", timestamp);
    return out;
  }

  /** The desired keys whose values differ from reported (or are not reported), nested objects to the leaf. */
  ObjectNode delta() {
    return delta(desired, reported);
  }

  /** The desired metadata of the keys in {@code delta}, as the service includes it in /update/delta. */
  ObjectNode deltaMetadata(ObjectNode delta) {
    return deltaMetadata(delta, desiredMeta);
  }

  /** Metadata for a value written at {@code timestamp}, e.g. for the /update/accepted echo of a request. */
  static JsonNode metadataFor(JsonNode value, long timestamp) {
    if (value.isObject()) {
      ObjectNode out = NODES.objectNode();
      for (Map.Entry<String, JsonNode> e : value.properties()) {
        out.set(e.getKey(), metadataFor(e.getValue(), timestamp));
      }
      return out;
    }
    if (value.isArray()) {
      ArrayNode out = NODES.arrayNode();
      for (JsonNode element : value) {
        out.add(metadataFor(element, timestamp));
      }
      return out;
    }
    return NODES.objectNode().put("timestamp", timestamp);
  }

  /** Compact UTF-8 size of a section, which the 8 KB limit applies to (metadata does not count). */
  static int sizeOf(ObjectNode section) {
    return section.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
  }

  /** Nesting depth: a section holding only values is 1 level, each object or array inside adds one. */
  static int depth(JsonNode node) {
    if (!node.isContainerNode()) {
      return 0;
    }
    int deepest = 0;
    for (JsonNode child : node) {
      deepest = Math.max(deepest, depth(child));
    }
    return 1 + deepest;
  }

  /** Whether an array anywhere below {@code node} holds a null, which the service refuses. */
  static boolean hasNullInArray(JsonNode node) {
    for (JsonNode child : node) {
      if ((node.isArray() && child.isNull()) || hasNullInArray(child)) {
        return true;
      }
    }
    return false;
  }

  private static void apply(JsonNode section, ObjectNode state, ObjectNode meta, long timestamp) {
    if (section == null) {
      return;
    }
    if (section.isNull()) {
      clear(state, meta);
      return;
    }
    merge(state, meta, (ObjectNode) section, timestamp);
  }

  private static void merge(ObjectNode state, ObjectNode meta, ObjectNode request, long timestamp) {
    for (Map.Entry<String, JsonNode> e : request.properties()) {
      String key = e.getKey();
      JsonNode value = e.getValue();
      JsonNode current = state.get(key);
      if (value.isNull()) {
        state.remove(key);
        meta.remove(key);
      } else if (value.isObject() && current != null && current.isObject()) {
        JsonNode currentMeta = meta.get(key);
        ObjectNode childMeta = currentMeta != null && currentMeta.isObject()
            ? (ObjectNode) currentMeta : meta.putObject(key);
        merge((ObjectNode) current, childMeta, (ObjectNode) value, timestamp);
        if (current.isEmpty() && !value.isEmpty()) {
          state.remove(key);
          meta.remove(key);
        }
      } else {
        JsonNode stored = value.isObject() ? withoutNulls((ObjectNode) value) : value.deepCopy();
        if (stored.isObject() && stored.isEmpty() && !value.isEmpty()) {
          state.remove(key);
          meta.remove(key);
        } else {
          state.set(key, stored);
          meta.set(key, metadataFor(stored, timestamp));
        }
      }
    }
  }

  private static ObjectNode withoutNulls(ObjectNode value) {
    ObjectNode out = NODES.objectNode();
    for (Map.Entry<String, JsonNode> e : value.properties()) {
      JsonNode v = e.getValue();
      if (v.isNull()) {
        continue;
      }
      if (v.isObject()) {
        ObjectNode child = withoutNulls((ObjectNode) v);
        if (child.isEmpty() && !v.isEmpty()) {
          continue;
        }
        out.set(e.getKey(), child);
      } else {
        out.set(e.getKey(), v.deepCopy());
      }
    }
    return out;
  }

  private static ObjectNode delta(ObjectNode desired, ObjectNode reported) {
    ObjectNode out = NODES.objectNode();
    for (Map.Entry<String, JsonNode> e : desired.properties()) {
      JsonNode want = e.getValue();
      JsonNode have = reported.get(e.getKey());
      if (have == null) {
        out.set(e.getKey(), want.deepCopy());
      } else if (want.isObject() && have.isObject()) {
        ObjectNode nested = delta((ObjectNode) want, (ObjectNode) have);
        if (!nested.isEmpty()) {
          out.set(e.getKey(), nested);
        }
      } else if (!want.equals(VALUE_ORDER, have)) {
        out.set(e.getKey(), want.deepCopy());
      }
    }
    return out;
  }

  private static ObjectNode deltaMetadata(ObjectNode delta, ObjectNode meta) {
    ObjectNode out = NODES.objectNode();
    for (Map.Entry<String, JsonNode> e : delta.properties()) {
      JsonNode m = meta.get(e.getKey());
      if (m == null) {
        continue;
      }
      if (e.getValue().isObject() && m.isObject()) {
        out.set(e.getKey(), deltaMetadata((ObjectNode) e.getValue(), (ObjectNode) m));
      } else {
        out.set(e.getKey(), m.deepCopy());
      }
    }
    return out;
  }

  private static void putSection(ObjectNode state, ObjectNode metadata, String name, ObjectNode section,
      ObjectNode sectionMeta) {
    if (!section.isEmpty()) {
      state.set(name, section.deepCopy());
      metadata.set(name, sectionMeta.deepCopy());
    }
  }

  private static void clear(ObjectNode... nodes) {
    for (ObjectNode n : List.of(nodes)) {
      n.removeAll();
    }
  }
}
