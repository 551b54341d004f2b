package io.mqttbridge.core.transport;

/** The broker supports a lower QoS than configured and {@code mqtt.qos.downgrade=fail}; the message names the limit. */
public class QosDowngradeException extends MqttTransportException {
    private static final long serialVersionUID = 1L;

    public QosDowngradeException(String message) {
        super(message);
    }
}
