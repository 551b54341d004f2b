package io.mqttbridge.core.codec;

/** A value could not be encoded; the message says what is wrong and where (e.g. {@code $.location.lat}). */
public final class PayloadEncodingException extends Exception {
    private static final long serialVersionUID = 1L;

    public PayloadEncodingException(String message) {
        super(message);
    }

    public PayloadEncodingException(String message, Throwable cause) {
        super(message, cause);
    }
}
