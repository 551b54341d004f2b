package io.mqttbridge.testkit.azure;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A reported-properties patch the emulated hub applied, in the order it applied them.
 *
 * @param version the reported {@code $version} the patch produced
 * @param patch the patch as the device sent it
 */
public record ReportedPatch(long version, JsonNode patch) {
}
