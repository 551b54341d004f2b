package io.mqttbridge.testkit.aws;

import java.util.Arrays;

/**
 * An MQTT topic filter, checked and split into levels once, matched as MQTT 3.1.1 and 5 define it: {@code +} is one
 * level, {@code #} (last) the rest including the parent level, and a filter starting with a wildcard does not match
 * topics starting with {@code $} (so {@code #} never matches {@code $aws/...}).
 */
final class TopicFilter {

  private final String filter;
  private final String[] levels;

  private TopicFilter(String filter, String[] levels) {
    this.filter = filter;
    this.levels = levels;
  }

  /**
   * Parses {@code filter}.
   *
   * @throws IllegalArgumentException if it is empty, or a wildcard is not a whole level, or {@code #} is not last
   */
  static TopicFilter parse(String filter) {
    if (filter == null || filter.isEmpty()) {
      throw new IllegalArgumentException("empty topic filter");
    }
    String[] levels = filter.split("/", -1);
    for (int i = 0; i < levels.length; i++) {
      String level = levels[i];
      if (level.contains("#") && (!level.equals("#") || i != levels.length - 1)) {
        throw new IllegalArgumentException("'#' must be the last level on its own: " + filter);
      }
      if (level.contains("+") && !level.equals("+")) {
        throw new IllegalArgumentException("'+' must be a level on its own: " + filter);
      }
    }
    return new TopicFilter(filter, levels);
  }

  /** Whether {@code topic} (a topic name, no wildcards) matches this filter. */
  boolean matches(String topic) {
    if (topic.startsWith("$") && (levels[0].equals("#") || levels[0].equals("+"))) {
      return false;
    }
    String[] topicLevels = topic.split("/", -1);
    for (int i = 0; i < levels.length; i++) {
      String level = levels[i];
      if (level.equals("#")) {
        return true;
      }
      if (i >= topicLevels.length) {
        return false;
      }
      if (!level.equals("+") && !level.equals(topicLevels[i])) {
        return false;
      }
    }
    return levels.length == topicLevels.length;
  }

  /** The levels of this filter, wildcards included. */
  String[] levels() {
    return Arrays.copyOf(levels, levels.length);
  }

  /** Whether this is a shared subscription ({@code $share/GROUP/filter}). */
  boolean isShared() {
    return levels[0].equals("$share");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TopicFilter other && other.filter.equals(filter);
  }

  @Override
  public int hashCode() {
    return filter.hashCode();
  }

  @Override
  public String toString() {
    return filter;
  }
}
