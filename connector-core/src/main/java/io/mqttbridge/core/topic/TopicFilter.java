package io.mqttbridge.core.topic;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed, validated MQTT topic filter, optionally with a {@code $share/GROUP/} prefix (an MQTT 5 shared
 * subscription). Immutable and thread-safe.
 *
 * <p>Validation follows MQTT 5 section 4.7 and 4.8.2: a filter is not empty; {@code +} and {@code #} each take a
 * whole level; {@code #} only as the last level; no U+0000; at most 65,535 UTF-8 bytes (counted for the whole
 * subscription string, prefix included). A share name is not empty and holds no {@code /}, {@code +} or {@code #}.
 *
 * <p>Matching follows section 4.7.1 and 4.7.2: {@code +} matches exactly one level (which may be empty),
 * {@code #} matches any number of levels including the parent level ({@code sport/#} matches {@code sport}),
 * and a filter whose first level is a wildcard never matches a topic that starts with {@code $}.
 */
public final class TopicFilter {
    /** The prefix of a shared subscription, {@code $share/}. */
    public static final String SHARE_PREFIX = "$share/";

    private static final String SINGLE = "+";
    private static final String MULTI = "#";

    private final String filter;
    private final String shareGroup;
    private final String[] levels;
    private final int wildcardCount;

    private TopicFilter(String filter, String shareGroup, String[] levels, int wildcardCount) {
        this.filter = filter;
        this.shareGroup = shareGroup;
        this.levels = levels;
        this.wildcardCount = wildcardCount;
    }

    /**
     * Parses and validates a topic filter, {@code a/+/c} or {@code $share/GROUP/a/+/c}.
     *
     * @throws IllegalArgumentException saying exactly what is wrong with the filter
     */
    public static TopicFilter parse(String filter) {
        Objects.requireNonNull(filter, "filter");
        if (!filter.startsWith(SHARE_PREFIX)) {
            return plain(filter);
        }
        int slash = filter.indexOf('/', SHARE_PREFIX.length());
        if (slash < 0) {
            throw new IllegalArgumentException("shared subscription " + MqttStrings.quote(filter)
                    + " has no topic filter: expected $share/GROUP/FILTER, e.g. $share/group1/sensors/#");
        }
        String group = filter.substring(SHARE_PREFIX.length(), slash);
        checkShareGroup(group, filter);
        String inner = filter.substring(slash + 1);
        if (inner.isEmpty()) {
            throw new IllegalArgumentException("shared subscription " + MqttStrings.quote(filter)
                    + " has an empty topic filter after the share name: expected $share/GROUP/FILTER");
        }
        TopicFilter parsed = plain(inner);
        MqttStrings.check("shared subscription " + MqttStrings.quote(filter), filter);
        return new TopicFilter(parsed.filter, group, parsed.levels, parsed.wildcardCount);
    }

    private static TopicFilter plain(String filter) {
        if (filter.isEmpty()) {
            throw new IllegalArgumentException("a topic filter must not be empty; use '#' to match every topic");
        }
        String what = "topic filter " + MqttStrings.quote(filter);
        MqttStrings.check(what, filter);
        String[] levels = filter.split("/", -1);
        int wildcards = 0;
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            if (level.equals(MULTI)) {
                if (i != levels.length - 1) {
                    throw new IllegalArgumentException(what + " has '#' at level " + (i + 1)
                            + ", but '#' must be the last level, e.g. 'sport/tennis/#'");
                }
                wildcards++;
            } else if (level.equals(SINGLE)) {
                wildcards++;
            } else if (level.indexOf('#') >= 0) {
                throw new IllegalArgumentException(what + " has '#' inside the level '" + level
                        + "'; '#' must take a whole level (as in 'sport/#') and be the last one");
            } else if (level.indexOf('+') >= 0) {
                throw new IllegalArgumentException(what + " has '+' inside the level '" + level
                        + "'; '+' must take a whole level, as in 'sport/+/player1'");
            }
        }
        return new TopicFilter(filter, null, levels, wildcards);
    }

    private static void checkShareGroup(String group, String context) {
        String where = context == null ? "" : " in " + MqttStrings.quote(context);
        if (group.isEmpty()) {
            throw new IllegalArgumentException("the share name" + where
                    + " is empty; expected $share/GROUP/FILTER with a non-empty GROUP");
        }
        for (int i = 0; i < group.length(); i++) {
            char c = group.charAt(i);
            if (c == '/' || c == '+' || c == '#') {
                throw new IllegalArgumentException("the share name " + MqttStrings.quote(group) + where
                        + " contains '" + c + "'; a share name may not contain '/', '+' or '#'");
            }
        }
        MqttStrings.check("share name " + MqttStrings.quote(group), group);
    }

    /** The filter without any {@code $share/GROUP/} prefix, e.g. {@code sensors/+/temp}. */
    public String filter() {
        return filter;
    }

    /** The share name of a shared subscription, or {@code null} if not shared. */
    public String shareGroup() {
        return shareGroup;
    }

    /** Whether this is a shared subscription ({@code $share/GROUP/...}). */
    public boolean isShared() {
        return shareGroup != null;
    }

    /** The filter as sent to the broker in SUBSCRIBE: with the {@code $share/GROUP/} prefix if shared. */
    public String subscriptionFilter() {
        return shareGroup == null ? filter : SHARE_PREFIX + shareGroup + "/" + filter;
    }

    /**
     * The same filter as a shared subscription of {@code group} (replacing any group it had).
     *
     * @throws IllegalArgumentException if the group is not a valid share name
     */
    public TopicFilter shared(String group) {
        Objects.requireNonNull(group, "group");
        checkShareGroup(group, null);
        String full = SHARE_PREFIX + group + "/" + filter;
        MqttStrings.check("shared subscription " + MqttStrings.quote(full), full);
        return new TopicFilter(filter, group, levels, wildcardCount);
    }

    /** The same filter without a share group. */
    public TopicFilter unshared() {
        return shareGroup == null ? this : new TopicFilter(filter, null, levels, wildcardCount);
    }

    /** The number of {@code +} and {@code #} levels; {@link #match} returns this many captures. */
    public int wildcardCount() {
        return wildcardCount;
    }

    /** Whether the filter has any wildcard level. */
    public boolean hasWildcards() {
        return wildcardCount > 0;
    }

    /**
     * Whether a topic name matches this filter (the share group plays no part). A topic that is empty or holds
     * a wildcard character is not a valid topic name and matches nothing.
     */
    public boolean matches(String topic) {
        return match(topic, null);
    }

    /**
     * Matches a topic name and returns what each wildcard level matched, in filter order: for {@code +} the one
     * level (possibly empty), for {@code #} the rest of the topic from that level on, with its {@code /}
     * separators ({@code ""} when {@code #} matches the parent level: {@code a/#} on {@code a}, and also on
     * {@code a/}). Empty if the topic does not match.
     */
    public Optional<List<String>> match(String topic) {
        if (wildcardCount == 0) {
            return match(topic, null) ? Optional.of(List.of()) : Optional.empty();
        }
        List<String> captures = new ArrayList<>(wildcardCount);
        return match(topic, captures) ? Optional.of(List.copyOf(captures)) : Optional.empty();
    }

    private boolean match(String topic, List<String> captures) {
        Objects.requireNonNull(topic, "topic");
        int n = topic.length();
        if (n == 0 || topic.indexOf('+') >= 0 || topic.indexOf('#') >= 0) {
            return false;
        }
        if (topic.charAt(0) == '$' && (levels[0].equals(SINGLE) || levels[0].equals(MULTI))) {
            return false;
        }
        int pos = 0; // start of the current topic level; n + 1 once every level is consumed
        for (String level : levels) {
            if (level.equals(MULTI)) {
                if (captures != null) {
                    captures.add(pos > n ? "" : topic.substring(pos));
                }
                return true;
            }
            if (pos > n) {
                return false;
            }
            int end = topic.indexOf('/', pos);
            if (end < 0) {
                end = n;
            }
            if (level.equals(SINGLE)) {
                if (captures != null) {
                    captures.add(topic.substring(pos, end));
                }
            } else if (end - pos != level.length() || !topic.startsWith(level, pos)) {
                return false;
            }
            pos = end + 1;
        }
        return pos > n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TopicFilter other && filter.equals(other.filter)
                && Objects.equals(shareGroup, other.shareGroup);
    }

    @Override
    public int hashCode() {
        return filter.hashCode() * 31 + Objects.hashCode(shareGroup);
    }

    /** The subscription filter, as sent to the broker. */
    @Override
    public String toString() {
        return subscriptionFilter();
    }

    // Visible for tests: the levels the filter was split into.
    List<String> levels() {
        return Arrays.asList(levels.clone());
    }
}
