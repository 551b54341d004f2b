package io.mqttbridge.core.transport;

import io.mqttbridge.core.ssl.SslContextFactory;
import io.mqttbridge.core.ssl.TlsSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.SocketFactory;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What both Paho transports share: the connection epoch, the reconnect loop with our own backoff (Paho's
 * automatic reconnect is off: its fixed doubling from 1 s knows nothing of our settings or listener), the
 * remembered subscriptions and the socket factory.
 */
abstract class AbstractPahoTransport implements MqttTransport {
    private static final Logger log = LoggerFactory.getLogger(AbstractPahoTransport.class);

    protected final MqttConnectionSettings settings;
    protected final MqttTransportListener listener;
    private final ReconnectBackoff backoff;
    private final Map<String, Integer> subscriptions = new LinkedHashMap<>();
    private final Object connectionLock = new Object();
    private final AtomicLong reconnects = new AtomicLong();
    /** Successful connections so far, counting one in progress: the epoch stamped on messages as they arrive. */
    private volatile long epoch;
    private volatile boolean connectedOnce;
    private volatile boolean closed;
    private ScheduledExecutorService reconnectExecutor;

    AbstractPahoTransport(MqttConnectionSettings settings, MqttTransportListener listener) {
        this.settings = settings;
        this.listener = listener;
        this.backoff = new ReconnectBackoff(settings.reconnectBackoff(), settings.reconnectBackoffMax());
    }

    /** One connection attempt, blocking up to the connect timeout; returns whether the session was present. */
    protected abstract boolean connectOnce() throws Exception;

    /** Paho's reason code of a failed connect, or -1 if the exception is not Paho's. */
    protected abstract int reasonCode(Throwable connectFailure);

    /** Subscribes; returns granted QoS or reason codes as the broker sent them. */
    protected abstract int[] subscribeOnce(List<Subscription> subscriptions) throws Exception;

    /** Sends the PUBACK or PUBCOMP for a message of the current connection. */
    protected abstract void sendAck(InboundMessage message) throws Exception;

    /** Disconnects (sending DISCONNECT) and frees the client; never throws. */
    protected abstract void disconnectAndClose();

    /** Drops the connection without a DISCONNECT packet, as a crash would; for tests. */
    abstract void dropConnectionAbruptly();

    /** The epoch to stamp on a message arriving now. */
    protected final long currentEpoch() {
        return epoch;
    }

    protected final boolean isClosed() {
        return closed;
    }

    @Override
    public void connect() throws MqttTransportException {
        synchronized (connectionLock) {
            if (closed) {
                throw new MqttTransportException("Transport for client '" + settings.clientId() + "' is closed");
            }
            if (connectedOnce) {
                return;
            }
            epoch = 1;
            try {
                connectOnce();
            } catch (Exception e) {
                epoch = 0;
                throw new MqttTransportException(failureMessage(e), e);
            }
            connectedOnce = true;
            reconnectExecutor = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "mqtt-reconnect-" + settings.clientId());
                t.setDaemon(true);
                return t;
            });
            log.info("Connected to {} as client '{}' (MQTT {})", settings.serverUris(), settings.clientId(),
                settings.version().configValue());
        }
        afterFirstConnect();
    }

    /** Hook run once after the first successful connect, outside the connection lock. */
    protected void afterFirstConnect() {
    }

    /** The one-line description of a failed connect: URI, client id and the real cause. */
    protected final String failureMessage(Throwable e) {
        return "Cannot connect to " + String.join(",", settings.serverUris()) + " as client '" + settings.clientId()
            + "': " + ConnectFailure.describe(reasonCode(e), e);
    }

    /** Called by Paho's callback when the connection is lost. */
    protected final void onConnectionLost(Throwable cause) {
        if (closed) {
            return;
        }
        log.warn("Connection of client '{}' to {} lost: {}; reconnecting", settings.clientId(), settings.serverUris(),
            cause == null ? "unknown cause" : cause.toString());
        try {
            listener.connectionLost(cause);
        } catch (RuntimeException e) {
            log.warn("Listener failed on connectionLost", e);
        }
        scheduleReconnect(1);
    }

    private void scheduleReconnect(int attempt) {
        synchronized (connectionLock) {
            if (closed || reconnectExecutor == null) {
                return;
            }
            Duration delay = backoff.delay(attempt);
            reconnectExecutor.schedule(() -> reconnect(attempt), delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void reconnect(int attempt) {
        boolean sessionPresent;
        synchronized (connectionLock) {
            if (closed) {
                return;
            }
            if (isConnected()) {
                return;
            }
            long previous = epoch;
            epoch = previous + 1;
            try {
                sessionPresent = connectOnce();
            } catch (Exception e) {
                epoch = previous;
                Duration next = backoff.delay(attempt + 1);
                log.warn("Reconnect attempt {} failed: {}; next attempt in {} ms", attempt, failureMessage(e),
                    next.toMillis());
                reconnectExecutor.schedule(() -> reconnect(attempt + 1), next.toMillis(), TimeUnit.MILLISECONDS);
                return;
            }
            reconnects.incrementAndGet();
        }
        List<Subscription> toRenew = rememberedSubscriptions();
        if (!toRenew.isEmpty()) {
            try {
                checkGranted(toRenew, subscribeOnce(toRenew));
            } catch (Exception e) {
                log.error("Client '{}' reconnected but could not renew its subscriptions {}: {}", settings.clientId(),
                    toRenew, e.getMessage(), e);
            }
        }
        log.info("Client '{}' reconnected to {} after {} attempt(s) (session present: {}, connection epoch {})",
            settings.clientId(), settings.serverUris(), attempt, sessionPresent, epoch);
        try {
            listener.reconnected(sessionPresent);
        } catch (RuntimeException e) {
            log.warn("Listener failed on reconnected", e);
        }
    }

    private List<Subscription> rememberedSubscriptions() {
        synchronized (subscriptions) {
            List<Subscription> list = new ArrayList<>();
            subscriptions.forEach((filter, qos) -> list.add(new Subscription(filter, qos)));
            return list;
        }
    }

    @Override
    public List<Integer> subscribe(List<Subscription> subs) throws MqttTransportException {
        if (subs.isEmpty()) {
            return List.of();
        }
        synchronized (subscriptions) {
            // Remembered first: if the connection drops during SUBACK the reconnect loop still renews them.
            subs.forEach(s -> subscriptions.put(s.filter(), s.qos()));
        }
        int[] granted;
        try {
            granted = subscribeOnce(subs);
        } catch (Exception e) {
            throw new MqttTransportException("Cannot subscribe client '" + settings.clientId() + "' to "
                + subs.stream().map(Subscription::filter).toList() + ": " + e.getMessage(), e);
        }
        try {
            return checkGranted(subs, granted);
        } catch (MqttTransportException e) {
            synchronized (subscriptions) {
                subs.forEach(s -> subscriptions.remove(s.filter()));
            }
            throw e;
        }
    }

    /** Fails on the first refused subscription (granted 0x80, or any MQTT 5 reason code of 0x80 and above). */
    static List<Integer> checkGranted(List<Subscription> subs, int[] granted) throws MqttTransportException {
        if (granted == null || granted.length != subs.size()) {
            throw new MqttTransportException("The broker answered " + subs.size() + " subscription(s) with "
                + (granted == null ? 0 : granted.length) + " code(s)");
        }
        List<Integer> result = new ArrayList<>(granted.length);
        for (int i = 0; i < granted.length; i++) {
            if (granted[i] >= 0x80) {
                throw new MqttTransportException("The broker refused the subscription to '" + subs.get(i).filter()
                    + "': " + subscribeReason(granted[i]));
            }
            result.add(granted[i]);
        }
        return result;
    }

    static String subscribeReason(int code) {
        String name = switch (code) {
            case 0x80 -> "unspecified error (the broker's access rules may forbid this filter)";
            case 0x83 -> "implementation specific error";
            case 0x87 -> "not authorized";
            case 0x8F -> "topic filter invalid";
            case 0x91 -> "packet identifier in use";
            case 0x97 -> "quota exceeded";
            case 0x9E -> "shared subscriptions not supported";
            case 0xA1 -> "subscription identifiers not supported";
            case 0xA2 -> "wildcard subscriptions not supported";
            default -> "refused";
        };
        return name + " (reason code 0x" + Integer.toHexString(code).toUpperCase(Locale.ROOT) + ")";
    }

    @Override
    public void ack(InboundMessage message) {
        if (message.qos() == 0 || closed) {
            return;
        }
        if (message.connectionEpoch() != epoch) {
            log.debug("Dropping ack of {}: it arrived on connection {}, the current connection is {};"
                + " the broker redelivers it", message, message.connectionEpoch(), epoch);
            return;
        }
        try {
            sendAck(message);
        } catch (Exception e) {
            // The connection is going away: the broker redelivers the message on the next one.
            log.debug("Could not ack {}: {}", message, e.toString());
        }
    }

    @Override
    public long reconnectCount() {
        return reconnects.get();
    }

    @Override
    public void close() {
        synchronized (connectionLock) {
            if (closed) {
                return;
            }
            closed = true;
            if (reconnectExecutor != null) {
                reconnectExecutor.shutdownNow();
            }
        }
        disconnectAndClose();
        log.info("Client '{}' disconnected from {}", settings.clientId(), settings.serverUris());
    }

    /** Completes a future from a Paho callback exception with a message naming the topic. */
    protected static void fail(CompletableFuture<Void> future, OutboundMessage message, String reason, Throwable cause) {
        future.completeExceptionally(new MqttTransportException("Publish to '" + message.topic() + "' (QoS "
            + message.qos() + ") failed: " + reason, cause));
    }

    /**
     * The socket factory for the URIs: TLS (configured from {@code mqtt.ssl.*}, or the JVM's trust when unset) for
     * {@code ssl://} and {@code wss://}, plain otherwise; both set TCP_NODELAY, which Paho does not.
     */
    protected SocketFactory socketFactory() {
        boolean tls = false;
        boolean plain = false;
        for (String uri : settings.serverUris()) {
            String scheme = URI.create(uri).getScheme().toLowerCase(Locale.ROOT);
            if (scheme.equals("ssl") || scheme.equals("wss")) {
                tls = true;
            } else {
                plain = true;
            }
        }
        if (tls && plain) {
            throw new IllegalArgumentException("mqtt.server.uris mixes TLS (ssl://, wss://) and plain (tcp://, ws://)"
                + " URIs: " + settings.serverUris() + "; use one kind");
        }
        if (!tls && settings.ssl() != null) {
            log.warn("mqtt.ssl.* settings are ignored: no mqtt.server.uris entry uses ssl:// or wss:// ({})",
                settings.serverUris());
        }
        return tls ? SslContextFactory.socketFactory(settings.ssl()) : new NoDelaySocketFactory();
    }

    /** Whether Paho itself should check the host name (the TLS socket factory checks it as well). */
    protected boolean hostnameVerification(SocketFactory factory) {
        return factory instanceof TlsSocketFactory tls && tls.verifiesHostname();
    }

    protected int connectTimeoutSeconds() {
        return (int) Math.max(1, (settings.connectTimeout().toMillis() + 999) / 1000);
    }
}
