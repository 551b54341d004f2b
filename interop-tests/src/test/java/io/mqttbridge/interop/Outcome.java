package io.mqttbridge.interop;

import java.util.Locale;

/**
 * What a scenario showed on one broker. {@code LIMITED} and {@code UNSUPPORTED} are asserted behaviour, not skips:
 * the scenario checked that the connector degrades or fails as documented, with an error naming the broker's limit.
 *
 * @param status the verdict
 * @param note what a reader of the table needs to know; empty for a plain pass
 */
record Outcome(Status status, String note) {

    /** The verdicts, with the mark the table shows. */
    enum Status {
        PASS("yes"),
        LIMITED("limited"),
        UNSUPPORTED("no"),
        FAIL("FAILED");

        private final String mark;

        Status(String mark) {
            this.mark = mark;
        }

        String mark() {
            return mark;
        }

        static Status parse(String value) {
            return valueOf(value.toUpperCase(Locale.ROOT));
        }
    }

    static Outcome pass() {
        return new Outcome(Status.PASS, "");
    }

    static Outcome limited(String note) {
        return new Outcome(Status.LIMITED, note);
    }

    static Outcome unsupported(String note) {
        return new Outcome(Status.UNSUPPORTED, note);
    }

    static Outcome fail(String note) {
        return new Outcome(Status.FAIL, note);
    }
}
