package io.mqttbridge.testkit.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The Device Shadow service: get, update and delete of classic and named shadows, with the response documents and
 * error codes of the AWS IoT documentation ("Device Shadow service documents", "Device Shadow MQTT topics",
 * "Device Shadow error messages"). Thread-safe; requests for one shadow run one at a time, in arrival order, and
 * their responses are handed to the {@link Publisher} in that order.
 */
final class ShadowService {

  /** Where responses go: the broker publishes them to the subscribers of the topic. */
  interface Publisher {
    void publish(String topic, byte[] payload);
  }

  static final int MAX_SECTION_BYTES = 8 * 1024;
  static final int MAX_DEPTH = 6;
  static final int MAX_CLIENT_TOKEN_BYTES = 64;

  static final String INVALID_JSON = "Invalid JSON";
  static final String MISSING_STATE = "Missing required node: state";
  static final String STATE_NOT_OBJECT = "State node must be an object";
  static final String DESIRED_NOT_OBJECT = "Desired node must be an object";
  static final String REPORTED_NOT_OBJECT = "Reported node must be an object";
  static final String INVALID_VERSION = "Invalid version";
  static final String INVALID_CLIENT_TOKEN = "Invalid clientToken";
  static final String TOO_DEEP = "JSON contains too many levels of nesting; maximum is " + MAX_DEPTH;
  static final String INVALID_NODE = "State contains an invalid node";
  static final String VERSION_CONFLICT = "Version conflict";
  static final String TOO_LARGE = "The payload exceeds the maximum size allowed";
  static final String NOT_UTF8 = "Unsupported documented encoding; supported encoding is UTF-8";

  private record Key(String thingName, String shadowName) {
  }

  /** A rejected request: the error document's code and message, and the client token to echo if it was valid. */
  private static final class Rejection extends Exception {
    private static final long serialVersionUID = 1L;
    final int code;
    final String clientToken;

    Rejection(int code, String message, String clientToken) {
      super(message, null, false, false);
      this.code = code;
      this.clientToken = clientToken;
    }
  }

  private final ObjectMapper mapper;
  private final Clock clock;
  private final Publisher publisher;
  private final ConcurrentMap<Key, ShadowDocument> shadows = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Queue<Integer>> injectedFailures = new ConcurrentHashMap<>();
  private final LongAdder accepted = new LongAdder();
  private final LongAdder rejected = new LongAdder();
  private final ConcurrentMap<String, LongAdder> acceptedByThing = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, LongAdder> rejectedByThing = new ConcurrentHashMap<>();

  ShadowService(ObjectMapper mapper, Clock clock, Publisher publisher) {
    this.mapper = mapper;
    this.clock = clock;
    this.publisher = publisher;
  }

  /**
   * Handles a request a client published on a shadow topic: the response goes to {@code /accepted} or
   * {@code /rejected}, an accepted update also to {@code /update/documents} and, when it changed desired state
   * that differs from reported, {@code /update/delta}.
   */
  ShadowResponse handle(ShadowTopic request, byte[] payload) {
    return switch (request.operation()) {
      case ShadowTopic.GET -> get(request, payload, true);
      case ShadowTopic.UPDATE -> update(request, payload, true);
      case ShadowTopic.DELETE -> delete(request, payload, true);
      default -> throw new IllegalArgumentException("not a shadow request: " + request.topic());
    };
  }

  /**
   * An update made as a cloud application does through the UpdateThingShadow API: accepted updates publish
   * {@code /update/accepted}, {@code /update/documents} and {@code /update/delta} to MQTT subscribers; a rejected
   * one publishes nothing (the HTTP caller gets the error). Injected failures and the counters do not apply.
   */
  ShadowResponse updateFromCloud(String thingName, String shadowName, String request) {
    return update(new ShadowTopic(thingName, shadowName, ShadowTopic.UPDATE),
        request.getBytes(StandardCharsets.UTF_8), false);
  }

  /** A delete made through the DeleteThingShadow API; {@code /delete/accepted} is published when it succeeds. */
  ShadowResponse deleteFromCloud(String thingName, String shadowName) {
    return delete(new ShadowTopic(thingName, shadowName, ShadowTopic.DELETE), new byte[0], false);
  }

  /** The /get/accepted document of a shadow (without clientToken), or empty if it does not exist. */
  Optional<ObjectNode> read(String thingName, String shadowName) {
    ShadowDocument doc = shadows.get(new Key(thingName, shadowName));
    if (doc == null) {
      return Optional.empty();
    }
    synchronized (doc) {
      return doc.exists() ? Optional.of(doc.getDocument(now())) : Optional.empty();
    }
  }

  /** The next {@code count} updates of any shadow of {@code thingName} received over MQTT fail with {@code code}. */
  void injectFailures(String thingName, int count, int code) {
    Queue<Integer> queue = injectedFailures.computeIfAbsent(thingName, t -> new ConcurrentLinkedQueue<>());
    for (int i = 0; i < count; i++) {
      queue.add(code);
    }
  }

  void clearInjectedFailures() {
    injectedFailures.clear();
  }

  long accepted() {
    return accepted.sum();
  }

  long rejected() {
    return rejected.sum();
  }

  long accepted(String thingName) {
    LongAdder a = acceptedByThing.get(thingName);
    return a == null ? 0 : a.sum();
  }

  long rejected(String thingName) {
    LongAdder r = rejectedByThing.get(thingName);
    return r == null ? 0 : r.sum();
  }

  /** The error message the service uses for an injected failure code. */
  static String injectedMessage(int code) {
    return switch (code) {
      case 429 -> "Too Many Requests";
      case 500 -> "Internal service failure";
      case 503 -> "Service unavailable";
      default -> throw new IllegalArgumentException("injectable failure codes are 429, 500 and 503, not " + code);
    };
  }

  private ShadowResponse get(ShadowTopic request, byte[] payload, boolean viaMqtt) {
    String clientToken;
    try {
      clientToken = clientTokenOf(parseOptional(payload));
    } catch (Rejection r) {
      return reject(request, r, viaMqtt);
    }
    ShadowDocument doc = shadows.get(new Key(request.thingName(), request.shadowName()));
    if (doc == null) {
      return reject(request, notFound(request, clientToken), viaMqtt);
    }
    synchronized (doc) {
      if (!doc.exists()) {
        return reject(request, notFound(request, clientToken), viaMqtt);
      }
      ObjectNode body = withToken(doc.getDocument(now()), clientToken);
      if (viaMqtt) {
        publish(request, "/accepted", body);
      }
      return new ShadowResponse(200, body.deepCopy());
    }
  }

  private ShadowResponse delete(ShadowTopic request, byte[] payload, boolean viaMqtt) {
    String clientToken;
    try {
      clientToken = clientTokenOf(parseOptional(payload));
    } catch (Rejection r) {
      return reject(request, r, viaMqtt);
    }
    ShadowDocument doc = shadows.get(new Key(request.thingName(), request.shadowName()));
    if (doc == null) {
      return reject(request, notFound(request, clientToken), viaMqtt);
    }
    synchronized (doc) {
      if (!doc.exists()) {
        return reject(request, notFound(request, clientToken), viaMqtt);
      }
      doc.delete();
      ObjectNode body = mapper.createObjectNode();
      body.put("version", doc.version());
      body.put("timestamp", now());
      withToken(body, clientToken);
      publish(request, "/accepted", body);
      return new ShadowResponse(200, body.deepCopy());
    }
  }

  private ShadowResponse update(ShadowTopic request, byte[] payload, boolean viaMqtt) {
    String thing = request.thingName();
    JsonNode root;
    String clientToken;
    try {
      root = parseRequired(payload);
      clientToken = clientTokenOf(root);
    } catch (Rejection r) {
      return countRejected(thing, viaMqtt, reject(request, r, viaMqtt));
    }
    ShadowDocument doc = shadows.computeIfAbsent(new Key(thing, request.shadowName()), k -> new ShadowDocument());
    synchronized (doc) {
      try {
        Integer injected = viaMqtt ? pollInjected(thing) : null;
        if (injected != null) {
          throw new Rejection(injected, injectedMessage(injected), clientToken);
        }
        Long version = versionOf(root, clientToken);
        JsonNode state = stateOf(root, clientToken);
        if (version != null && version != doc.version()) {
          throw new Rejection(409, VERSION_CONFLICT, clientToken);
        }
        long timestamp = now();
        ShadowDocument.Candidate candidate = doc.prepare(state, timestamp);
        if (ShadowDocument.sizeOf(candidate.desired()) > MAX_SECTION_BYTES
            || ShadowDocument.sizeOf(candidate.reported()) > MAX_SECTION_BYTES) {
          throw new Rejection(413, TOO_LARGE, clientToken);
        }
        ObjectNode previous = doc.exists() ? doc.snapshot() : null;
        doc.commit(candidate);

        ObjectNode acceptedBody = mapper.createObjectNode();
        acceptedBody.set("state", state.deepCopy());
        if (!state.isNull()) {
          acceptedBody.set("metadata", ShadowDocument.metadataFor(state, timestamp));
        }
        acceptedBody.put("version", doc.version());
        acceptedBody.put("timestamp", timestamp);
        withToken(acceptedBody, clientToken);
        publish(request, "/accepted", acceptedBody);

        ObjectNode documents = mapper.createObjectNode();
        documents.set("previous", previous == null ? mapper.nullNode() : previous);
        documents.set("current", doc.snapshot());
        documents.put("timestamp", timestamp);
        withToken(documents, clientToken);
        publish(request, "/documents", documents);

        JsonNode desiredRequest = state.get("desired");
        ObjectNode delta = doc.delta();
        if (desiredRequest != null && desiredRequest.isObject() && !desiredRequest.isEmpty() && !delta.isEmpty()) {
          ObjectNode deltaBody = mapper.createObjectNode();
          deltaBody.put("version", doc.version());
          deltaBody.put("timestamp", timestamp);
          deltaBody.set("state", delta);
          deltaBody.set("metadata", doc.deltaMetadata(delta));
          withToken(deltaBody, clientToken);
          publish(request, "/delta", deltaBody);
        }
        if (viaMqtt) {
          accepted.increment();
          acceptedByThing.computeIfAbsent(thing, t -> new LongAdder()).increment();
        }
        return new ShadowResponse(200, acceptedBody.deepCopy());
      } catch (Rejection r) {
        return countRejected(thing, viaMqtt, reject(request, r, viaMqtt));
      }
    }
  }

  private ShadowResponse countRejected(String thing, boolean viaMqtt, ShadowResponse response) {
    if (viaMqtt) {
      rejected.increment();
      rejectedByThing.computeIfAbsent(thing, t -> new LongAdder()).increment();
    }
    return response;
  }

  private Integer pollInjected(String thingName) {
    Queue<Integer> queue = injectedFailures.get(thingName);
    return queue == null ? null : queue.poll();
  }

  private ShadowResponse reject(ShadowTopic request, Rejection r, boolean viaMqtt) {
    ObjectNode body = mapper.createObjectNode();
    body.put("code", r.code);
    body.put("message", r.getMessage());
    if (r.code != 404) {
      body.put("timestamp", now());
    }
    withToken(body, r.clientToken);
    if (viaMqtt) {
      publish(request, "/rejected", body);
    }
    return new ShadowResponse(r.code, body.deepCopy());
  }

  private static Rejection notFound(ShadowTopic request, String clientToken) {
    String name = request.shadowName() == null
        ? request.thingName() : request.thingName() + "~" + request.shadowName();
    return new Rejection(404, "No shadow exists with name: '" + name + "'", clientToken);
  }

  private void publish(ShadowTopic request, String suffix, ObjectNode body) {
    try {
      publisher.publish(request.topic() + suffix, mapper.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize a shadow response", e);
    }
  }

  private long now() {
    return clock.instant().getEpochSecond();
  }

  /** An update's payload: a UTF-8 JSON object. */
  private JsonNode parseRequired(byte[] payload) throws Rejection {
    JsonNode root = parseOptional(payload);
    if (root == null) {
      throw new Rejection(400, INVALID_JSON, null);
    }
    return root;
  }

  /** A get's or delete's payload: empty, or a UTF-8 JSON object (with a clientToken, say). */
  private JsonNode parseOptional(byte[] payload) throws Rejection {
    if (payload.length == 0) {
      return null;
    }
    try {
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(payload));
    } catch (CharacterCodingException e) {
      throw new Rejection(415, NOT_UTF8, null);
    }
    try {
      JsonNode root = mapper.readTree(payload);
      if (root == null || !root.isObject()) {
        throw new Rejection(400, INVALID_JSON, null);
      }
      return root;
    } catch (IOException e) {
      throw new Rejection(400, INVALID_JSON, null);
    }
  }

  private static String clientTokenOf(JsonNode root) throws Rejection {
    JsonNode token = root == null ? null : root.get("clientToken");
    if (token == null || token.isNull()) {
      return null;
    }
    if (!token.isTextual() || token.asText().getBytes(StandardCharsets.UTF_8).length > MAX_CLIENT_TOKEN_BYTES) {
      throw new Rejection(400, INVALID_CLIENT_TOKEN, null);
    }
    return token.asText();
  }

  private static Long versionOf(JsonNode root, String clientToken) throws Rejection {
    JsonNode version = root.get("version");
    if (version == null || version.isNull()) {
      return null;
    }
    if (!version.isIntegralNumber() || !version.canConvertToLong()) {
      throw new Rejection(400, INVALID_VERSION, clientToken);
    }
    return version.longValue();
  }

  private static JsonNode stateOf(JsonNode root, String clientToken) throws Rejection {
    JsonNode state = root.get("state");
    if (state == null) {
      throw new Rejection(400, MISSING_STATE, clientToken);
    }
    if (state.isNull()) {
      return state;
    }
    if (!state.isObject()) {
      throw new Rejection(400, STATE_NOT_OBJECT, clientToken);
    }
    for (Map.Entry<String, JsonNode> e : state.properties()) {
      if (!e.getKey().equals("desired") && !e.getKey().equals("reported")) {
        throw new Rejection(400, INVALID_NODE, clientToken);
      }
    }
    checkSection(state.get("desired"), DESIRED_NOT_OBJECT, clientToken);
    checkSection(state.get("reported"), REPORTED_NOT_OBJECT, clientToken);
    return state;
  }

  private static void checkSection(JsonNode section, String notObject, String clientToken) throws Rejection {
    if (section == null || section.isNull()) {
      return;
    }
    if (!section.isObject()) {
      throw new Rejection(400, notObject, clientToken);
    }
    if (ShadowDocument.depth(section) > MAX_DEPTH) {
      throw new Rejection(400, TOO_DEEP, clientToken);
    }
    if (ShadowDocument.hasNullInArray(section)) {
      throw new Rejection(400, INVALID_NODE, clientToken);
    }
  }

  private static ObjectNode withToken(ObjectNode body, String clientToken) {
    if (clientToken != null) {
      body.put("clientToken", clientToken);
    }
    return body;
  }
}
