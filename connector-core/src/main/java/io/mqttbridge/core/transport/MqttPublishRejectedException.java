package io.mqttbridge.core.transport;

/**
 * A publish refused for what the message is, not for the state of the connection: the broker answered with an
 * MQTT 5 reason code such as "not authorized" or "topic name invalid", or the client itself refused the message
 * (an illegal topic, a packet larger than the broker accepts). Publishing the same message again cannot succeed,
 * so a caller dead-letters it instead of retrying.
 */
public class MqttPublishRejectedException extends MqttTransportException {
    private static final long serialVersionUID = 1L;

    /** The MQTT 5 reason code of the PUBACK, PUBREC or PUBCOMP, or -1 when the client refused the message. */
    private final int reasonCode;

    public MqttPublishRejectedException(String message, int reasonCode, Throwable cause) {
        super(message, cause);
        this.reasonCode = reasonCode;
    }

    /** The broker's reason code, or -1 when the client refused the message before sending it. */
    public int reasonCode() {
        return reasonCode;
    }
}
