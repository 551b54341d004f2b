package io.mqttbridge.testkit.aws;

/**
 * A Device Shadow request topic: {@code $aws/things/THING/shadow/OP} (classic shadow) or
 * {@code $aws/things/THING/shadow/name/SHADOW/OP} (named shadow), OP one of {@code get}, {@code update},
 * {@code delete}; plus the thing a {@code $aws/things/...} topic or filter names, for policy checks.
 *
 * @param thingName the thing
 * @param shadowName the named shadow, or null for the classic shadow
 * @param operation {@code get}, {@code update} or {@code delete}
 */
record ShadowTopic(String thingName, String shadowName, String operation) {

  static final String GET = "get";
  static final String UPDATE = "update";
  static final String DELETE = "delete";

  /** The request topic this stands for; response topics append {@code /accepted} and so on. */
  String topic() {
    return prefix(thingName, shadowName) + "/" + operation;
  }

  /** {@code $aws/things/THING/shadow} or {@code $aws/things/THING/shadow/name/SHADOW}. */
  static String prefix(String thingName, String shadowName) {
    return shadowName == null
        ? "$aws/things/" + thingName + "/shadow"
        : "$aws/things/" + thingName + "/shadow/name/" + shadowName;
  }

  /** The request {@code topic} parses to, or null if it is not a shadow get, update or delete request. */
  static ShadowTopic parseRequest(String topic) {
    String[] l = topic.split("/", -1);
    if (l.length < 5 || !l[0].equals("$aws") || !l[1].equals("things") || l[2].isEmpty() || !l[3].equals("shadow")) {
      return null;
    }
    if (l.length == 5 && isOperation(l[4])) {
      return new ShadowTopic(l[2], null, l[4]);
    }
    if (l.length == 7 && l[4].equals("name") && !l[5].isEmpty() && isOperation(l[6])) {
      return new ShadowTopic(l[2], l[5], l[6]);
    }
    return null;
  }

  /** The thing a {@code $aws/things/THING/...} topic belongs to, or null for any other topic. */
  static String thingOf(String topic) {
    String[] l = topic.split("/", 4);
    if (l.length >= 3 && l[0].equals("$aws") && l[1].equals("things")) {
      return l[2];
    }
    return null;
  }

  /**
   * The thing level of a filter that may match {@code $aws/things/THING/...} topics, as written ({@code +} and
   * {@code #} included, since an IoT policy matches the filter text), or null if it cannot match any.
   */
  static String thingLevelOf(TopicFilter filter) {
    String[] l = filter.levels();
    if (!l[0].equals("$aws") || l.length < 2) {
      return null; // a filter starting with a wildcard never matches a topic starting with '$'
    }
    if (l[1].equals("#")) {
      return "#";
    }
    if ((!l[1].equals("things") && !l[1].equals("+")) || l.length < 3) {
      return null;
    }
    return l[2];
  }

  private static boolean isOperation(String s) {
    return s.equals(GET) || s.equals(UPDATE) || s.equals(DELETE);
  }
}
