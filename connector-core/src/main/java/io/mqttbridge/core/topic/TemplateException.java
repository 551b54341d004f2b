package io.mqttbridge.core.topic;

/** Thrown when a {@link TopicTemplate} cannot be rendered because a variable has no value. */
public class TemplateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String variable;

    public TemplateException(String message, String variable) {
        super(message);
        this.variable = variable;
    }

    /** The name of the variable that had no value, e.g. {@code header.device}. */
    public String variable() {
        return variable;
    }
}
