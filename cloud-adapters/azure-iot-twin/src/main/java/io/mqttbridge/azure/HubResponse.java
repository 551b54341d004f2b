package io.mqttbridge.azure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The hub's answer to a twin request: the status of {@code $iothub/twin/res/STATUS/?$rid=..}, the {@code $version}
 * it carries (after a reported patch) and the body (the twin after a GET, an error document after a failure).
 *
 * @param status the HTTP-like status, e.g. 200, 204, 400, 413, 429, 503
 * @param version the new reported {@code $version}, or null
 * @param body the body, possibly empty
 */
record HubResponse(int status, Long version, byte[] body) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** 2xx: the hub did what was asked. */
    boolean isSuccess() {
        return status >= 200 && status < 300;
    }

    /** 429 (throttled) or 5xx: the same request may succeed later. */
    boolean isRetryable() {
        return status == 429 || status >= 500;
    }

    /** The error document's {@code message} (and {@code errorCode}), or the body as text, for logs and the DLQ. */
    String errorMessage() {
        if (body == null || body.length == 0) {
            return "(no error message)";
        }
        try {
            JsonNode doc = JSON.readTree(body);
            if (doc != null && doc.hasNonNull("message")) {
                return doc.get("message").asText() + (doc.hasNonNull("errorCode")
                    ? " (errorCode " + doc.get("errorCode").asText() + ")" : "");
            }
        } catch (IOException e) {
            // not JSON: the text itself is the best description
        }
        String text = new String(body, StandardCharsets.UTF_8).replaceAll("\\p{Cntrl}", " ");
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }

    /** The body parsed as JSON, for a GET's twin. */
    JsonNode json() throws IOException {
        return JSON.readTree(body);
    }

    @Override
    public String toString() {
        return "HubResponse[status=" + status + (version == null ? "" : ", $version=" + version) + "]";
    }
}
