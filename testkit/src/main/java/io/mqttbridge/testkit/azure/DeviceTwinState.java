package io.mqttbridge.testkit.azure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * One device's twin: the desired and reported sections with their {@code $version}s (1 for a new twin), and the
 * reported patches applied so far. Thread-safe.
 */
final class DeviceTwinState {
  private ObjectNode desired = JsonNodeFactory.instance.objectNode();
  private long desiredVersion = 1;
  private ObjectNode reported = JsonNodeFactory.instance.objectNode();
  private long reportedVersion = 1;
  private final List<ReportedPatch> reportedPatches = new ArrayList<>();

  /** Applies a device's reported patch; returns the new reported {@code $version}. */
  synchronized long patchReported(ObjectNode patch) throws TwinRejection {
    reported = patched(reported, patch, "reported");
    reportedVersion++;
    reportedPatches.add(new ReportedPatch(reportedVersion, patch.deepCopy()));
    return reportedVersion;
  }

  /** Applies a service-side desired patch; returns the new desired {@code $version}. */
  synchronized long patchDesired(ObjectNode patch) throws TwinRejection {
    desired = patched(desired, patch, "desired");
    desiredVersion++;
    return desiredVersion;
  }

  private static ObjectNode patched(ObjectNode section, ObjectNode patch, String name) throws TwinRejection {
    ObjectNode result = section.deepCopy();
    TwinRules.merge(result, patch);
    long size = TwinRules.size(result);
    if (size > TwinRules.MAX_SECTION_SIZE) {
      // IoT Hub "rejects with an error all operations that would increase the size ... above the limit".
      throw new TwinRejection(413, 413001, "The " + name + " properties would be " + size + " bytes, above the "
          + TwinRules.MAX_SECTION_SIZE + "-byte limit of a twin's " + name + " properties");
    }
    return result;
  }

  /** The twin as a device's GET receives it: {@code {"desired":{...,"$version":N},"reported":{...}}}. */
  synchronized ObjectNode document() {
    ObjectNode doc = JsonNodeFactory.instance.objectNode();
    doc.set("desired", desiredWithVersion());
    ObjectNode r = reported.deepCopy();
    r.put("$version", reportedVersion);
    doc.set("reported", r);
    return doc;
  }

  synchronized ObjectNode desiredWithVersion() {
    ObjectNode d = desired.deepCopy();
    d.put("$version", desiredVersion);
    return d;
  }

  synchronized JsonNode reported() {
    return reported.deepCopy();
  }

  synchronized JsonNode desired() {
    return desired.deepCopy();
  }

  synchronized long reportedVersion() {
    return reportedVersion;
  }

  synchronized long desiredVersion() {
    return desiredVersion;
  }

  synchronized List<ReportedPatch> reportedPatches() {
    return List.copyOf(reportedPatches);
  }
}
