package io.mqttbridge.core.transport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Decides, per {@link QosDowngrade}, what QoS a subscription or publish runs at when the broker supports less than
 * asked for; one instance per task, so that an accepted downgrade is logged once per task, not once per message.
 */
public final class QosDowngradePolicy {
    private static final Logger log = LoggerFactory.getLogger(QosDowngradePolicy.class);

    private final QosDowngrade mode;
    private final String clientId;
    private final AtomicBoolean warned = new AtomicBoolean();

    public QosDowngradePolicy(QosDowngrade mode, String clientId) {
        this.mode = mode;
        this.clientId = clientId;
    }

    /**
     * The QoS to go on with.
     *
     * @param requested the QoS {@code mqtt.qos} (or a record header) asks for
     * @param brokerMaximum what the broker supports
     * @param what the subscription filter or publish topic, for the message
     * @param limitSource how the broker told us, e.g. "SUBACK granted QoS" or "CONNACK Maximum QoS"
     * @return {@code requested} when the broker supports it, else {@code brokerMaximum} (mode {@code accept})
     * @throws QosDowngradeException in mode {@code fail} when the broker supports less than requested
     */
    public int effectiveQos(int requested, int brokerMaximum, String what, String limitSource)
        throws QosDowngradeException {
        if (brokerMaximum >= requested) {
            return requested;
        }
        String limit = "the broker supports at most QoS " + brokerMaximum + " (" + limitSource + ") for '" + what
            + "', while QoS " + requested + " was asked for";
        if (mode == QosDowngrade.FAIL) {
            throw new QosDowngradeException("MQTT client '" + clientId + "': " + limit + ". Set mqtt.qos="
                + brokerMaximum + ", or " + QosDowngrade.CONFIG + "=accept to run at the broker's QoS");
        }
        if (warned.compareAndSet(false, true)) {
            log.warn("MQTT client '{}': {}; continuing at QoS {} ({}=accept). Logged once.", clientId, limit,
                brokerMaximum, QosDowngrade.CONFIG);
        }
        return brokerMaximum;
    }

    /** The configured mode. */
    public QosDowngrade mode() {
        return mode;
    }
}
