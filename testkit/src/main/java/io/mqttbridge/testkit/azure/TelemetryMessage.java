package io.mqttbridge.testkit.azure;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * A device-to-cloud message the emulated hub accepted on {@code devices/ID/messages/events/PROPERTIES}.
 *
 * @param deviceId the sending device (from its connection, which the topic must match)
 * @param properties application properties from the topic's property bag, URL-decoded
 * @param systemProperties system properties ({@code $.ct}, {@code $.ce}, {@code $.mid}, ...), URL-decoded
 * @param payload the body
 * @param received when the hub accepted it
 */
public record TelemetryMessage(String deviceId, Map<String, String> properties, Map<String, String> systemProperties,
                               byte[] payload, Instant received) {
  /** The body as UTF-8 text. */
  public String text() {
    return new String(payload, StandardCharsets.UTF_8);
  }
}
