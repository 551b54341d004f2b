package io.mqttbridge.source;

import io.mqttbridge.core.transport.InboundMessage;
import io.mqttbridge.core.transport.MqttConnectionSettings;
import io.mqttbridge.core.transport.MqttTransport;
import io.mqttbridge.core.transport.MqttTransportException;
import io.mqttbridge.core.transport.MqttTransportListener;
import io.mqttbridge.core.transport.OutboundMessage;
import io.mqttbridge.core.transport.Subscription;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/** An in-memory {@link MqttTransport} for unit tests of the task's logic; real brokers are tested in ITs. */
final class FakeTransport implements MqttTransport {

    final MqttConnectionSettings settings;
    final MqttTransportListener listener;
    final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    final List<Integer> ackedIds = new CopyOnWriteArrayList<>();
    volatile MqttTransportException connectFailure;
    volatile MqttTransportException subscribeFailure;
    /** When set, subscribe() waits for it, as a broker that answers SUBSCRIBE late (or never) would make it. */
    volatile CountDownLatch subscribeGate;
    volatile boolean closed;
    /** The highest QoS the fake broker grants, as a broker without QoS 2 grants 1 for a QoS 2 request. */
    volatile int maximumGrantedQos = 2;

    FakeTransport(MqttConnectionSettings settings, MqttTransportListener listener) {
        this.settings = settings;
        this.listener = listener;
    }

    /** Delivers a message the way a transport does: on its own thread, which may block in the listener. */
    Thread deliverAsync(InboundMessage... messages) {
        Thread thread = new Thread(() -> {
            for (InboundMessage message : messages) {
                listener.messageArrived(message);
            }
        }, "fake-mqtt-callback");
        thread.start();
        return thread;
    }

    @Override
    public void connect() throws MqttTransportException {
        if (connectFailure != null) {
            throw connectFailure;
        }
    }

    @Override
    public List<Integer> subscribe(List<Subscription> subs) throws MqttTransportException {
        CountDownLatch gate = subscribeGate;
        if (gate != null) {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MqttTransportException("interrupted while waiting for SUBACK", e);
            }
        }
        if (subscribeFailure != null) {
            throw subscribeFailure;
        }
        subscriptions.addAll(subs);
        return subs.stream().map(s -> Math.min(s.qos(), maximumGrantedQos)).toList();
    }

    @Override
    public void ack(InboundMessage message) {
        if (closed) {
            throw new IllegalStateException("ack after close");
        }
        ackedIds.add(message.messageId());
    }

    @Override
    public CompletableFuture<Void> publish(OutboundMessage message) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("source tasks do not publish"));
    }

    @Override
    public boolean isConnected() {
        return !closed;
    }

    @Override
    public long reconnectCount() {
        return 0;
    }

    @Override
    public void close() {
        closed = true;
    }
}
