package io.mqttbridge.bench;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The benchmark payload: {@code {"seq":N,"t":NANOS,"p":"xxx..."}} padded to a fixed size. {@code seq} is what the
 * counters check for gaps ({@link io.mqttbridge.testkit.mqtt.SequenceCheck#parseSeq} reads it too); {@code t} is a
 * {@link System#nanoTime()} stamp of the bench JVM, which both publishes and consumes, so latencies need no clock
 * sync. Parsing is by hand because the counters parse every message on the receiving thread.
 */
public final class SequencePayload {

    /** The smallest size that holds any sequence number and stamp. */
    public static final int MIN_SIZE = 64;

    private static final byte[] PREFIX = "{\"seq\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] STAMP = ",\"t\":".getBytes(StandardCharsets.US_ASCII);

    private SequencePayload() {
    }

    /** A payload of exactly {@code size} bytes (at least {@link #MIN_SIZE}) for {@code seq} stamped {@code nanos}. */
    public static byte[] of(int seq, long nanos, int size) {
        String head = "{\"seq\":" + seq + ",\"t\":" + nanos + ",\"p\":\"";
        int padding = size - head.length() - 2;
        if (padding < 0) {
            throw new IllegalArgumentException("payload size " + size + " is too small for " + head);
        }
        byte[] out = new byte[size];
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(h, 0, out, 0, h.length);
        Arrays.fill(out, h.length, h.length + padding, (byte) 'x');
        out[size - 2] = '"';
        out[size - 1] = '}';
        return out;
    }

    /** The sequence number; {@link IllegalArgumentException} when the payload is not one of ours. */
    public static int seq(byte[] payload) {
        if (!startsWith(payload, PREFIX, 0)) {
            throw new IllegalArgumentException("not a benchmark payload: " + preview(payload));
        }
        return (int) number(payload, PREFIX.length);
    }

    /** The {@link System#nanoTime()} stamp. */
    public static long stamp(byte[] payload) {
        int i = PREFIX.length;
        while (i < payload.length && payload[i] != ',') {
            i++;
        }
        if (!startsWith(payload, STAMP, i)) {
            throw new IllegalArgumentException("no time stamp in " + preview(payload));
        }
        return number(payload, i + STAMP.length);
    }

    private static long number(byte[] payload, int from) {
        boolean negative = from < payload.length && payload[from] == '-';
        int i = negative ? from + 1 : from;
        long value = 0;
        int digits = 0;
        for (; i < payload.length && payload[i] >= '0' && payload[i] <= '9'; i++, digits++) {
            value = value * 10 + (payload[i] - '0');
        }
        if (digits == 0 || digits > 19 || i >= payload.length || (payload[i] != ',' && payload[i] != '}')) {
            throw new IllegalArgumentException("malformed number at " + from + " in " + preview(payload));
        }
        return negative ? -value : value;
    }

    private static boolean startsWith(byte[] payload, byte[] prefix, int at) {
        if (payload.length < at + prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (payload[at + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static String preview(byte[] payload) {
        String text = new String(payload, 0, Math.min(payload.length, 60), StandardCharsets.UTF_8);
        return payload.length > 60 ? text + "..." : text;
    }
}
