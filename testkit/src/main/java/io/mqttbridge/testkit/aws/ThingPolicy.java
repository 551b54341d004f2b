package io.mqttbridge.testkit.aws;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Which things a client certificate may act for: the emulator's stand-in for the AWS IoT policy attached to a
 * certificate. Patterns use {@code *} (any characters, also none) and {@code ?} (one character), as the resource
 * names of an IoT policy do.
 *
 * <p>Like an IoT policy, a pattern is matched against the topic (filter) text itself: a subscription to
 * {@code $aws/things/+/shadow/update/accepted} names the thing {@code +}, which only {@code *} matches, so a
 * policy for {@code sensor-*} refuses it. What a refusal looks like is described on {@link AwsIotEmulator}.
 */
public final class ThingPolicy {

  private static final ThingPolicy ALL = new ThingPolicy(List.of("*"));
  private static final ThingPolicy NONE = new ThingPolicy(List.of());

  private final List<String> patterns;
  private final List<Pattern> compiled;

  private ThingPolicy(List<String> patterns) {
    this.patterns = List.copyOf(patterns);
    this.compiled = this.patterns.stream().map(ThingPolicy::toRegex).toList();
  }

  /** Every thing (the default for certificates without a policy of their own). */
  public static ThingPolicy allowAll() {
    return ALL;
  }

  /** No thing at all: every publish or subscription to a {@code $aws/things/...} topic is refused. */
  public static ThingPolicy denyAll() {
    return NONE;
  }

  /** The things matching any of {@code patterns}, e.g. {@code "sensor-*", "gateway-1"}. */
  public static ThingPolicy allowThings(String... patterns) {
    for (String p : patterns) {
      if (p == null || p.isEmpty()) {
        throw new IllegalArgumentException("a thing name pattern must not be empty");
      }
    }
    return new ThingPolicy(List.of(patterns));
  }

  /** Whether the certificate may act for {@code thingName} (a name, or a wildcard level of a topic filter). */
  public boolean allows(String thingName) {
    for (Pattern p : compiled) {
      if (p.matcher(thingName).matches()) {
        return true;
      }
    }
    return false;
  }

  /** The patterns, in the order given. */
  public List<String> patterns() {
    return patterns;
  }

  @Override
  public String toString() {
    return "ThingPolicy" + patterns;
  }

  private static Pattern toRegex(String glob) {
    StringBuilder regex = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    for (char c : glob.toCharArray()) {
      if (c == '*' || c == '?') {
        if (literal.length() > 0) {
          regex.append(Pattern.quote(literal.toString()));
          literal.setLength(0);
        }
        regex.append(c == '*' ? ".*" : ".");
      } else {
        literal.append(c);
      }
    }
    if (literal.length() > 0) {
      regex.append(Pattern.quote(literal.toString()));
    }
    return Pattern.compile(regex.toString(), Pattern.DOTALL);
  }
}
