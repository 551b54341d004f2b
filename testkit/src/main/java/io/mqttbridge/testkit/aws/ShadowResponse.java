package io.mqttbridge.testkit.aws;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What the shadow service answered to a request made through the emulator's test hooks: {@code code} 200 and the
 * {@code /accepted} document, or the HTTP-style error code and the error document
 * ({@code {"code":..,"message":..,"timestamp":..}}) the service would publish on {@code /rejected}.
 *
 * @param code 200 when accepted, else the error code (400, 404, 409, 413, ...)
 * @param body the response document (a copy the caller may keep)
 */
public record ShadowResponse(int code, ObjectNode body) {

  /** Whether the request was accepted. */
  public boolean accepted() {
    return code == 200;
  }

  /** The error message of a rejected request, or null if accepted. */
  public String message() {
    return accepted() ? null : body.path("message").asText(null);
  }

  /** The response document as compact JSON. */
  public String json() {
    return body.toString();
  }
}
