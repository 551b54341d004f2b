package io.mqttbridge.aws;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A device shadow MQTT topic: {@code $aws/things/THING/shadow[/name/SHADOW]/OPERATION[/RESULT]}, for the classic
 * shadow (no name) and named shadows, as the AWS IoT Device Shadow service documents them.
 *
 * @param thing the thing name
 * @param shadowName the named shadow, or {@code ""} for the classic shadow
 * @param suffix what follows the shadow: {@code update}, {@code update/accepted}, {@code update/delta}, ...
 */
public record ShadowTopic(String thing, String shadowName, String suffix) {
    private static final String PREFIX = "$aws/things/";
    /** Thing and shadow names as AWS IoT allows them. */
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9:_-]+");
    static final int MAX_THING_NAME = 128;
    static final int MAX_SHADOW_NAME = 64;

    public ShadowTopic {
        Objects.requireNonNull(thing, "thing");
        Objects.requireNonNull(shadowName, "shadowName");
        Objects.requireNonNull(suffix, "suffix");
    }

    /** The topic text. */
    public String topic() {
        return PREFIX + thing + "/shadow/" + (shadowName.isEmpty() ? "" : "name/" + shadowName + "/") + suffix;
    }

    /** The topic of another operation on the same shadow. */
    public ShadowTopic with(String otherSuffix) {
        return new ShadowTopic(thing, shadowName, otherSuffix);
    }

    /** Parses a shadow topic; null if {@code topic} is not one. */
    public static ShadowTopic parse(String topic) {
        if (!topic.startsWith(PREFIX)) {
            return null;
        }
        String rest = topic.substring(PREFIX.length());
        int slash = rest.indexOf('/');
        if (slash <= 0 || !rest.startsWith("shadow/", slash + 1)) {
            return null;
        }
        String thing = rest.substring(0, slash);
        String after = rest.substring(slash + 1 + "shadow/".length());
        if (after.startsWith("name/")) {
            int end = after.indexOf('/', "name/".length());
            if (end < 0) {
                return null;
            }
            return new ShadowTopic(thing, after.substring("name/".length(), end), after.substring(end + 1));
        }
        return new ShadowTopic(thing, "", after);
    }

    /**
     * Checks a thing name as AWS IoT does (1 to 128 of {@code a-zA-Z0-9:_-}).
     *
     * @return a message saying what is wrong, or null if the name is fine
     */
    public static String thingNameProblem(String name) {
        return nameProblem("thing name", name, MAX_THING_NAME);
    }

    /** Like {@link #thingNameProblem} for a shadow name (1 to 64 characters); the empty name is the classic one. */
    public static String shadowNameProblem(String name) {
        return name.isEmpty() ? null : nameProblem("shadow name", name, MAX_SHADOW_NAME);
    }

    private static String nameProblem(String what, String name, int max) {
        if (name.isEmpty() || name.length() > max || !NAME.matcher(name).matches()) {
            return what + " '" + (name.length() > 80 ? name.substring(0, 80) + "..." : name) + "' is not valid: AWS"
                + " IoT allows 1 to " + max + " of the characters a-z, A-Z, 0-9, ':', '_' and '-'";
        }
        return null;
    }
}
