package io.mqttbridge.core.sink;

/** A {@link RecordTemplate} that cannot be rendered for a record; the message names the variable and why. */
public class RecordTemplateException extends Exception {
    private static final long serialVersionUID = 1L;

    public RecordTemplateException(String message) {
        super(message);
    }
}
