package io.mqttbridge.testkit.mqtt;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts the sequence numbers that arrived against an expected range {@code [from, from + count)}: missing ones,
 * duplicates, numbers outside the range and arrivals out of order. Thread-safe, so MQTT and Kafka callbacks can
 * record into it directly. {@link #report()} is a one-line summary for assertion messages.
 */
public final class SequenceCheck {

  private static final Pattern SEQ = Pattern.compile("\"seq\"\\s*:\\s*(-?\\d+)");
  private static final int LISTED = 20;

  private final int from;
  private final int count;
  private final BitSet seen = new BitSet();
  private final Map<Integer, Integer> duplicates = new TreeMap<>();
  private final TreeSet<Integer> unexpected = new TreeSet<>();
  private int received;
  private int outOfOrder;
  private int highest = Integer.MIN_VALUE;

  /** Expects every number in {@code [from, from + count)} exactly once. */
  public SequenceCheck(int from, int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0, was " + count);
    }
    this.from = from;
    this.count = count;
  }

  /** Same as the constructor. */
  public static SequenceCheck expecting(int from, int count) {
    return new SequenceCheck(from, count);
  }

  /** The {@code "seq":N} number in a JSON-ish payload; {@link IllegalArgumentException} when there is none. */
  public static int parseSeq(String payload) {
    Matcher m = SEQ.matcher(payload);
    if (!m.find()) {
      throw new IllegalArgumentException("No \"seq\":N in payload: "
          + (payload.length() > 200 ? payload.substring(0, 200) + "..." : payload));
    }
    return Integer.parseInt(m.group(1));
  }

  /** {@link #parseSeq(String)} of UTF-8 bytes. */
  public static int parseSeq(byte[] payload) {
    return parseSeq(new String(payload, StandardCharsets.UTF_8));
  }

  /** Records one arrival of {@code seq}. */
  public synchronized void record(int seq) {
    received++;
    if (seq < highest) {
      outOfOrder++;
    }
    highest = Math.max(highest, seq);
    if (seq < from || seq - from >= count) {
      unexpected.add(seq);
      return;
    }
    int index = seq - from;
    if (seen.get(index)) {
      duplicates.merge(seq, 1, Integer::sum);
    } else {
      seen.set(index);
    }
  }

  /** Parses the payload's {@code "seq":N} and records it. */
  public void recordPayload(byte[] payload) {
    record(parseSeq(payload));
  }

  /** Every arrival, duplicates included. */
  public synchronized int received() {
    return received;
  }

  /** Distinct expected numbers that arrived. */
  public synchronized int distinct() {
    return seen.cardinality();
  }

  /** Expected numbers that did not arrive, ascending. */
  public synchronized List<Integer> missing() {
    List<Integer> missing = new ArrayList<>();
    for (int i = seen.nextClearBit(0); i < count; i = seen.nextClearBit(i + 1)) {
      missing.add(from + i);
    }
    return missing;
  }

  /** Extra copies per number (a number seen three times maps to 2). */
  public synchronized Map<Integer, Integer> duplicates() {
    return new TreeMap<>(duplicates);
  }

  /** Total extra copies. */
  public synchronized int duplicateCount() {
    return duplicates.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** Numbers outside the expected range. */
  public synchronized List<Integer> unexpected() {
    return new ArrayList<>(unexpected);
  }

  /** Arrivals lower than an earlier arrival (redeliveries after a reconnect count here too). */
  public synchronized int outOfOrder() {
    return outOfOrder;
  }

  /** Every expected number arrived at least once. */
  public synchronized boolean isComplete() {
    return seen.cardinality() == count;
  }

  /** Every expected number arrived exactly once and nothing else arrived. */
  public synchronized boolean isExact() {
    return isComplete() && duplicates.isEmpty() && unexpected.isEmpty();
  }

  /** e.g. {@code expected 0..999 (1000): received 1003, distinct 998, missing 2 [17, 18], duplicates 5 [...]}. */
  public synchronized String report() {
    List<Integer> missing = missing();
    return "expected " + from + ".." + (from + count - 1) + " (" + count + "): received " + received
        + ", distinct " + distinct()
        + ", missing " + missing.size() + " " + head(missing)
        + ", duplicates " + duplicateCount() + " " + head(new ArrayList<>(duplicates.keySet()))
        + ", unexpected " + unexpected.size() + " " + head(new ArrayList<>(unexpected))
        + ", out of order " + outOfOrder;
  }

  @Override
  public String toString() {
    return report();
  }

  private static String head(List<Integer> values) {
    if (values.size() <= LISTED) {
      return values.toString();
    }
    return values.subList(0, LISTED).toString().replace("]", ", ... " + (values.size() - LISTED) + " more]");
  }
}
