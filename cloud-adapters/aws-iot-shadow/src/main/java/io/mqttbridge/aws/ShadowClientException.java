package io.mqttbridge.aws;

/** A connection, subscription or request failure of the {@link ShadowClient}, with a message naming the cause. */
public class ShadowClientException extends Exception {
    private static final long serialVersionUID = 1L;

    public ShadowClientException(String message) {
        super(message);
    }

    public ShadowClientException(String message, Throwable cause) {
        super(message, cause);
    }
}
