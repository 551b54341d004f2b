package io.mqttbridge.core.codec;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;

/**
 * Kafka Connect's temporal logical values ({@code java.util.Date} under a {@code Date}, {@code Time} or
 * {@code Timestamp} schema) as numbers and ISO-8601 text, all in UTC. Values that Connect itself would reject (a
 * {@code Date} with a time of day, a {@code Time} outside one day) are errors rather than silently truncated.
 */
final class ConnectTemporals {
    static final long MILLIS_PER_DAY = 86_400_000L;
    /** Always three fraction digits, so that every timestamp has the same shape. */
    private static final DateTimeFormatter INSTANT = new DateTimeFormatterBuilder().appendInstant(3).toFormatter();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    private ConnectTemporals() {
    }

    /** Whether {@code schemaName} is the name of Connect's {@code Date}, {@code Time} or {@code Timestamp}. */
    static boolean isTemporal(String schemaName) {
        return Date.LOGICAL_NAME.equals(schemaName) || Time.LOGICAL_NAME.equals(schemaName)
                || Timestamp.LOGICAL_NAME.equals(schemaName);
    }

    /**
     * The text of {@code value} under the logical schema {@code schemaName}: {@code yyyy-MM-dd} for {@code Date},
     * {@code HH:mm:ss.SSS} for {@code Time}, and an instant such as {@code 2024-03-01T12:00:00.123Z} for
     * {@code Timestamp} or anything else (a schemaless {@code java.util.Date}).
     */
    static String text(String schemaName, java.util.Date value, ValuePath path) throws PayloadEncodingException {
        if (Date.LOGICAL_NAME.equals(schemaName)) {
            return LocalDate.ofEpochDay(epochDay(value, path)).toString();
        }
        if (Time.LOGICAL_NAME.equals(schemaName)) {
            return TIME.format(LocalTime.ofNanoOfDay(millisOfDay(value, path) * 1_000_000L));
        }
        return INSTANT.format(Instant.ofEpochMilli(value.getTime()));
    }

    /** The days since 1970-01-01 of a Connect {@code Date}, which must be midnight UTC. */
    static int epochDay(java.util.Date value, ValuePath path) throws PayloadEncodingException {
        long millis = value.getTime();
        if (millis % MILLIS_PER_DAY != 0) {
            throw new PayloadEncodingException("the Date value at " + path + " ("
                    + INSTANT.format(Instant.ofEpochMilli(millis)) + ") has a time of day; a Kafka Connect Date must "
                    + "be midnight UTC");
        }
        long days = millis / MILLIS_PER_DAY;
        if (days != (int) days) {
            throw new PayloadEncodingException("the Date value at " + path + " is " + days
                    + " days from 1970-01-01, beyond the range of a 32-bit day count");
        }
        return (int) days;
    }

    /** The milliseconds since midnight of a Connect {@code Time}, which must lie within 1970-01-01 UTC. */
    static int millisOfDay(java.util.Date value, ValuePath path) throws PayloadEncodingException {
        long millis = value.getTime();
        if (millis < 0 || millis >= MILLIS_PER_DAY) {
            throw new PayloadEncodingException("the Time value at " + path + " is " + millis
                    + " ms, outside the one day [0, " + MILLIS_PER_DAY + ") a Kafka Connect Time may span");
        }
        return (int) millis;
    }
}
