package io.mqttbridge.core.topic;

/**
 * The rules MQTT sets for every UTF-8 string field that names a topic (MQTT 5 section 1.5.4, 3.1.1 section 1.5.3):
 * well-formed UTF-8 without U+0000, at most 65,535 bytes once encoded.
 */
final class MqttStrings {
    /** The most bytes an MQTT UTF-8 string may take. */
    static final int MAX_UTF8_BYTES = 65_535;

    private MqttStrings() {
    }

    /**
     * Checks {@code text} against the MQTT string rules.
     *
     * @param what how to name the text in the error, e.g. {@code "topic filter 'a/b'"}
     * @throws IllegalArgumentException saying which rule is broken and where
     */
    static void check(String what, String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\u0000') {
                throw new IllegalArgumentException(what + " contains the null character U+0000 at index " + i
                        + ", which MQTT does not allow");
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    throw new IllegalArgumentException(what + " has an unpaired surrogate at index " + i
                            + " and so cannot be encoded as UTF-8");
                }
                bytes += 4;
                i++;
            } else if (Character.isLowSurrogate(c)) {
                throw new IllegalArgumentException(what + " has an unpaired surrogate at index " + i
                        + " and so cannot be encoded as UTF-8");
            } else {
                bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
            }
        }
        if (bytes > MAX_UTF8_BYTES) {
            throw new IllegalArgumentException(what + " is " + bytes + " bytes long in UTF-8; MQTT allows at most "
                    + MAX_UTF8_BYTES);
        }
    }

    /** The text in single quotes for an error message, shortened if long so messages stay readable. */
    static String quote(String text) {
        if (text.length() <= 120) {
            return "'" + text + "'";
        }
        return "'" + text.substring(0, 100) + "...' (" + text.length() + " characters)";
    }
}
