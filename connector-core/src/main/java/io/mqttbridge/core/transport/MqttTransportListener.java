package io.mqttbridge.core.transport;

/** Callbacks from an {@link MqttTransport}. Called on the transport's own threads. */
public interface MqttTransportListener {

    /**
     * A message arrived. May block: blocking stops the transport from reading further messages, which is how a
     * caller applies backpressure. Must not throw.
     */
    void messageArrived(InboundMessage message);

    /** The connection was lost; the transport is reconnecting with backoff. */
    default void connectionLost(Throwable cause) {
    }

    /**
     * The transport reconnected and resubscribed.
     *
     * @param sessionPresent whether the broker still had the session (if not, messages queued for it are gone)
     */
    default void reconnected(boolean sessionPresent) {
    }
}
