package io.mqttbridge.sink;

import io.mqttbridge.core.transport.BrokerLimits;
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

/**
 * An in-memory {@link MqttTransport} whose publishes complete when the test says so; for unit tests of the task's
 * logic. Publishing against real brokers is tested in the integration tests.
 */
final class FakePublisher implements MqttTransport {
    record Publish(OutboundMessage message, CompletableFuture<Void> future) {
    }

    final MqttConnectionSettings settings;
    final MqttTransportListener listener;
    final List<Publish> publishes = new CopyOnWriteArrayList<>();
    volatile boolean connected = true;
    volatile int window = 100;
    volatile boolean closed;
    /** What the fake broker announced (or taught the client) about itself. */
    volatile BrokerLimits limits = BrokerLimits.UNANNOUNCED;

    FakePublisher(MqttConnectionSettings settings, MqttTransportListener listener) {
        this.settings = settings;
        this.listener = listener;
    }

    /** The publishes not yet completed, oldest first. */
    List<Publish> outstanding() {
        return publishes.stream().filter(p -> !p.future().isDone()).toList();
    }

    /** The topics published so far, in order, retries included. */
    List<String> topics() {
        return publishes.stream().map(p -> p.message().topic()).toList();
    }

    @Override
    public void connect() {
    }

    @Override
    public List<Integer> subscribe(List<Subscription> subscriptions) throws MqttTransportException {
        throw new MqttTransportException("a sink does not subscribe");
    }

    @Override
    public void ack(InboundMessage message) {
    }

    @Override
    public CompletableFuture<Void> publish(OutboundMessage message) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        publishes.add(new Publish(message, future));
        return future;
    }

    @Override
    public int publishWindow() {
        return window;
    }

    @Override
    public BrokerLimits brokerLimits() {
        return limits;
    }

    @Override
    public boolean isConnected() {
        return connected;
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
