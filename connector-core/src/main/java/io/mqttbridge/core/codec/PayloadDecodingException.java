package io.mqttbridge.core.codec;

/** A payload could not be decoded; the message says what is wrong with it (e.g. the JSON line and column). */
public class PayloadDecodingException extends Exception {
    private static final long serialVersionUID = 1L;

    public PayloadDecodingException(String message) {
        super(message);
    }

    public PayloadDecodingException(String message, Throwable cause) {
        super(message, cause);
    }
}
