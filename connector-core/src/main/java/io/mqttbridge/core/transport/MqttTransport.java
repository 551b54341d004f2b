package io.mqttbridge.core.transport;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One MQTT client connection, hiding whether Paho's MQTT 3.1.1 or MQTT 5 client sits behind it.
 *
 * <p>Contract shared by both implementations:
 * <ul>
 *   <li>The session is persistent (clean session false, or an MQTT 5 session expiry) under a stable client id, so
 *       the broker redelivers what was not acknowledged after a reconnect or a restart; unless
 *       {@link MqttConnectionSettings#cleanSession()} asks for a session that ends with the connection, as a
 *       publisher that re-publishes from its own store does.</li>
 *   <li>Inbound QoS 1 and 2 messages are acknowledged only by {@link #ack(InboundMessage)}: never automatically.
 *       The caller acks in arrival order, as MQTT requires.</li>
 *   <li>A lost connection is re-established with exponential backoff and every subscription is renewed;
 *       the listener hears of both. Acks for messages received on an earlier connection are dropped, since
 *       packet ids are per connection and the broker redelivers those messages anyway.</li>
 *   <li>Inbound QoS 2 state (a message whose PUBREC was sent but whose PUBCOMP was not) is kept in
 *       {@link MqttConnectionSettings#persistenceDirectory()} so a restarted client with the same id still
 *       delivers a message whose PUBREL arrives after the restart.</li>
 * </ul>
 */
public interface MqttTransport extends AutoCloseable {

    /**
     * Connects, blocking up to the connect timeout, and starts the automatic reconnect loop.
     *
     * @throws MqttTransportException if the first connection attempt fails (bad credentials, TLS failure, no
     *     broker); the message names the cause
     */
    void connect() throws MqttTransportException;

    /**
     * Subscribes to the filters (each with its own maximum QoS) and remembers them for resubscription after a
     * reconnect.
     *
     * @return the QoS the broker granted per subscription, in order
     * @throws MqttTransportException if the broker refused a subscription (granted code 0x80 or an MQTT 5 reason
     *     code of 0x80 or above); the message names the filter and the reason
     */
    List<Integer> subscribe(List<Subscription> subscriptions) throws MqttTransportException;

    /**
     * Sends the PUBACK (QoS 1) or PUBCOMP (QoS 2) for a message. A no-op for QoS 0 and for a message that
     * arrived on an earlier connection than the current one.
     */
    void ack(InboundMessage message);

    /**
     * Publishes a message.
     *
     * @return a future completed when the broker acknowledged it (PUBACK for QoS 1, PUBCOMP for QoS 2) or, for
     *     QoS 0, when it was handed to the network; completed exceptionally with {@link MqttPublishRejectedException}
     *     if the broker or the client refused this very message (publishing it again cannot help), or with another
     *     {@link MqttTransportException} if the outcome is unknown, such as a connection lost before the
     *     acknowledgement (the caller may publish it again once reconnected)
     */
    CompletableFuture<Void> publish(OutboundMessage message);

    /**
     * How many QoS 1/2 publishes may await their acknowledgement at once on the current connection: the configured
     * in-flight maximum, lowered to the broker's receive maximum where an MQTT 5 broker announced one. A publisher
     * that keeps more in flight has them refused by the client.
     */
    default int publishWindow() {
        return 65_535;
    }

    /**
     * What the broker supports as far as this client knows: announced in the MQTT 5 CONNACK of the current
     * connection, or learnt from the broker's answers (MQTT 3.1.1 announces nothing).
     */
    default BrokerLimits brokerLimits() {
        return BrokerLimits.UNANNOUNCED;
    }

    /** Whether the client is connected right now. */
    boolean isConnected();

    /** Number of reconnects since {@link #connect()}, for metrics and task status. */
    long reconnectCount();

    /**
     * Disconnects cleanly and stops reconnecting. Messages not yet acked stay unacknowledged, so the broker keeps
     * them in the session and redelivers them to the next client with this id. Never throws.
     */
    @Override
    void close();
}
