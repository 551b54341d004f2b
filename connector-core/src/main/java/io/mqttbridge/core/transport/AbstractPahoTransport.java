package io.mqttbridge.core.transport;

import io.mqttbridge.core.ssl.SslContextFactory;
import io.mqttbridge.core.ssl.TlsSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.SocketFactory;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What both Paho transports share: the connection epoch, the reconnect loop with our own backoff (Paho's
 * automatic reconnect is off: its fixed doubling from 1 s knows nothing of our settings or listener), the
 * remembered subscriptions, the socket factory, and the life of the Paho client: connecting, replacing a client
 * Paho will not connect again, disconnecting and closing.
 *
 * <p>The reconnect loop never gives up until {@link #close()}: every attempt is bounded by the connect timeout,
 * and after a failed or timed-out attempt the Paho client is reset ({@link #abandonAttempt()}), so that a client
 * Paho still holds in its "connecting" state cannot refuse every later attempt.
 *
 * <p>Paho's mqttv3 and mqttv5 clients share no type; a subclass does each step on its version's client through
 * the small hooks below ({@link #newClient()}, {@link #startConnect}, {@link #disconnect}, ...).
 *
 * @param <C> the Paho client class of the MQTT version
 */
abstract class AbstractPahoTransport<C> implements MqttTransport {
    private static final Logger log = LoggerFactory.getLogger(AbstractPahoTransport.class);
    private static final long CLOSE_WAIT_MS = 10_000;
    private static final long QUIESCE_MS = 1000;
    /** Paho's client state reason codes, the same in mqttv3 and mqttv5. */
    private static final int STATE_CONNECTED = 32100;
    private static final int STATE_DISCONNECTING = 32102;
    private static final int STATE_CONNECT_IN_PROGRESS = 32110;
    private static final int STATE_CLOSED = 32111;

    protected final MqttConnectionSettings settings;
    protected final MqttTransportListener listener;
    /**
     * Logs the client's life under the concrete transport's name (PahoV3Transport, PahoV5Transport), so that a
     * level set for one version's transport covers its client too.
     */
    private final Logger clientLog = LoggerFactory.getLogger(getClass());
    /** Serializes starting a connect, replacing the client and closing it. */
    private final Object clientLock = new Object();
    /** The client in use; replaced only when Paho's state machine refuses a new connect. */
    private volatile C client;
    private final ReconnectBackoff backoff;
    private final Map<String, Integer> subscriptions = new LinkedHashMap<>();
    private final Map<CompletableFuture<Void>, Unconfirmed> unconfirmed = new ConcurrentHashMap<>();
    /** Guards {@link #closed} against scheduling on the executor. */
    private final Object stateLock = new Object();
    /**
     * Creates a file persistence directory before Paho opens it. Paho's own {@code mkdirs()} fails (reason code 0)
     * when another task of the same connector creates the directory at the same moment, as tasks starting together
     * on one worker do with a fresh {@code mqtt.persistence.dir}; {@link Files#createDirectories} does not.
     */
    static Path createPersistenceDirectory(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot create the MQTT persistence directory " + dir
                + " (mqtt.persistence.dir): " + e, e);
        }
    }

    /** One connection attempt at a time; {@link #close()} never takes it, so it can abort an attempt. */
    private final Object attemptLock = new Object();
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong attempts = new AtomicLong();
    /**
     * Whether a connection is up as far as the reconnect loop knows: whoever turns it from true to false owns the
     * loss and schedules the reconnect, so late or repeated loss reports never start a second loop.
     */
    private final AtomicBoolean up = new AtomicBoolean();
    /** The number of the connection attempt messages arrive on now; never reused, so stale acks are dropped. */
    private volatile long epoch;
    private volatile boolean connectedOnce;
    private volatile boolean closed;
    /** The CONNACK an attempt waits for, so that close() can end the wait. */
    private volatile CompletableFuture<Boolean> pendingConnack;
    /** Created up front (it starts no thread until used) so that a loss right after CONNACK is never missed. */
    private final ScheduledExecutorService reconnectExecutor;

    AbstractPahoTransport(MqttConnectionSettings settings, MqttTransportListener listener) {
        this.settings = settings;
        this.listener = listener;
        this.backoff = new ReconnectBackoff(settings.reconnectBackoff(), settings.reconnectBackoffMax());
        this.reconnectExecutor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mqtt-reconnect-" + settings.clientId());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * A client with this transport's id and persistence and manual acks, whose callbacks act only while it is the
     * current one ({@link #client()}).
     */
    protected abstract C newClient() throws Exception;

    /** Starts a connect on {@code client} that completes {@code connack} with the CONNACK's session present flag. */
    protected abstract void startConnect(C client, CompletableFuture<Boolean> connack) throws Exception;

    /** Paho's exception for a connect on a closed client, so that the failure message names Paho's reason code. */
    protected abstract Exception clientClosed();

    /** Whether Paho holds {@code client} connected. */
    protected abstract boolean isConnected(C client);

    /** Sends DISCONNECT, letting work in flight finish for {@code quiesceMs}, and waits at most {@code waitMs}. */
    protected abstract void disconnect(C client, long quiesceMs, long waitMs) throws Exception;

    /** Closes the network connection without a DISCONNECT packet, waiting at most {@code disconnectTimeoutMs}. */
    protected abstract void disconnectForcibly(C client, long disconnectTimeoutMs) throws Exception;

    /** Frees the client's resources; it cannot connect again. */
    protected abstract void closeClient(C client) throws Exception;

    /** Closes Paho's persistence of a discarded client, releasing its file lock for the next client. */
    protected abstract void closePersistence() throws Exception;

    /** Hook run after {@link #close()} disconnected and closed the client. */
    protected void afterClose() {
    }

    /** Paho's reason code of a failed connect, or -1 if the exception is not Paho's. */
    protected abstract int reasonCode(Throwable connectFailure);

    /** Subscribes; returns granted QoS or reason codes as the broker sent them. */
    protected abstract int[] subscribeOnce(List<Subscription> subscriptions) throws Exception;

    /** Sends the PUBACK or PUBCOMP for a message of the current connection. */
    protected abstract void sendAck(InboundMessage message) throws Exception;

    /** Whether the reconnect thread has ended; for tests. */
    final boolean reconnectExecutorTerminated() {
        return reconnectExecutor.isTerminated();
    }

    /** The epoch to stamp on a message arriving now. */
    protected final long currentEpoch() {
        return epoch;
    }

    /** The Paho client in use now. */
    protected final C client() {
        return client;
    }

    /** Sets the first client; the subclass constructor calls it once its persistence exists. */
    protected final void setFirstClient(C first) {
        client = first;
    }

    /** The Paho client in use now; for tests. */
    final C pahoClient() {
        return client;
    }

    protected final boolean isClosed() {
        return closed;
    }

    /** Whether Paho refused to start a connect because of the state its client is in, not the network. */
    private static boolean refusedByClientState(int reasonCode) {
        return reasonCode == STATE_CONNECT_IN_PROGRESS || reasonCode == STATE_CONNECTED
            || reasonCode == STATE_DISCONNECTING || reasonCode == STATE_CLOSED;
    }

    @Override
    public void connect() throws MqttTransportException {
        if (closed) {
            throw new MqttTransportException("Transport for client '" + settings.clientId() + "' is closed");
        }
        if (connectedOnce) {
            return;
        }
        try {
            attempt();
        } catch (Exception e) {
            if (closed) {
                throw new MqttTransportException("Transport for client '" + settings.clientId()
                    + "' was closed while connecting", e);
            }
            throw new MqttTransportException(failureMessage(e), e);
        }
        connectedOnce = true;
        log.info("Connected to {} as client '{}' (MQTT {})", settings.serverUris(), settings.clientId(),
            settings.version().configValue());
        afterFirstConnect();
    }

    /**
     * One bounded attempt with a fresh epoch; on failure the client is reset for the next attempt. A loss reported
     * between CONNACK and the end of this method is caught by the check after {@link #up} is set.
     */
    private boolean attempt() throws Exception {
        synchronized (attemptLock) {
            if (closed) {
                throw new MqttTransportException("closed");
            }
            epoch = attempts.incrementAndGet();
            boolean sessionPresent;
            try {
                sessionPresent = connectOnce();
            } catch (Exception e) {
                abandonAttempt();
                throw e;
            }
            up.set(true);
            if (!isConnected()) {
                connectionDown(new MqttTransportException("connection closed right after CONNACK"));
            }
            return sessionPresent;
        }
    }

    /**
     * One connection attempt: starts a connect on the current Paho client (replacing the client first if Paho's
     * state machine refuses a new connect) and waits at most the connect timeout for CONNACK.
     *
     * @return whether the broker had a session for this client
     * @throws Exception on any failure, including the time-out; the caller then calls {@link #abandonAttempt()}
     */
    private boolean connectOnce() throws Exception {
        CompletableFuture<Boolean> connack = new CompletableFuture<>();
        synchronized (clientLock) {
            if (closed) {
                throw clientClosed();
            }
            try {
                startConnect(client, connack);
            } catch (Exception e) {
                if (!refusedByClientState(reasonCode(e))) {
                    throw e;
                }
                replaceClient(e);
                startConnect(client, connack);
            }
        }
        return awaitConnack(connack);
    }

    /**
     * Discards a client that Paho keeps in a state refusing new connects, and makes a new one with the same id and
     * persistence (which restores the session state a file persistence holds). Called with the client lock held.
     */
    private void replaceClient(Exception refusal) throws Exception {
        C old = client;
        clientLog.warn("Paho client '{}' refused a new connect ({}, reason code {}); replacing it with a new client"
            + " with the same id and persistence", settings.clientId(), refusal.getMessage(), reasonCode(refusal));
        try {
            disconnectForcibly(old, 0);
        } catch (Exception e) {
            clientLog.debug("Forced disconnect of the discarded client failed: {}", e.toString());
        }
        try {
            closeClient(old);
        } catch (Exception e) {
            clientLog.debug("Close of the discarded client failed: {}", e.toString());
        }
        try {
            // Releases the file lock if the discarded client still held the persistence open.
            closePersistence();
        } catch (Exception e) {
            clientLog.trace("Persistence was not open: {}", e.toString());
        }
        failUnconfirmed(old, "the MQTT client was replaced after a failed reconnect");
        client = newClient();
    }

    /**
     * Ends a failed or timed-out attempt (or a connection given up on) without a DISCONNECT packet, so that the
     * next attempt can start; never throws.
     */
    private void abandonAttempt() {
        synchronized (clientLock) {
            try {
                disconnectForcibly(client, 0);
            } catch (Exception e) {
                clientLog.debug("Forced disconnect of client '{}' failed: {}", settings.clientId(), e.toString());
            }
        }
    }

    /**
     * Waits for the outcome of a connect that {@link #connectOnce()} started, at most the connect timeout. This wait,
     * not Paho's token, bounds the attempt: Paho never times out a missing CONNACK itself, and a forced disconnect
     * at the wrong moment can leave its connect token uncompleted. {@link #close()} ends the wait at once.
     */
    private boolean awaitConnack(CompletableFuture<Boolean> connack) throws Exception {
        pendingConnack = connack;
        try {
            if (closed) {
                throw new MqttTransportException("closed");
            }
            return connack.get(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (TimeoutException e) {
            throw new TimeoutException("no CONNACK within " + settings.connectTimeout().toMillis() + " ms");
        } finally {
            pendingConnack = null;
        }
    }

    /** Hook run once after the first successful connect. */
    protected void afterFirstConnect() {
    }

    /** The one-line description of a failed connect: URI, client id and the real cause. */
    protected final String failureMessage(Throwable e) {
        return "Cannot connect to " + String.join(",", settings.serverUris()) + " as client '" + settings.clientId()
            + "': " + ConnectFailure.describe(e instanceof TimeoutException ? ConnectFailure.CLIENT_TIMEOUT
            : reasonCode(e), e, usesTls(), settings.version());
    }

    private boolean usesTls() {
        return settings.serverUris().stream().map(u -> u.trim().toLowerCase(Locale.ROOT))
            .anyMatch(u -> u.startsWith("ssl://") || u.startsWith("wss://"));
    }

    /** Called by the callback of the current Paho client when the connection is lost. */
    protected final void onConnectionLost(Throwable cause) {
        connectionDown(cause);
    }

    /** Reports a lost connection once and starts the reconnect loop, whoever noticed the loss first. */
    private void connectionDown(Throwable cause) {
        if (closed || !up.compareAndSet(true, false)) {
            return;
        }
        log.warn("Connection of client '{}' to {} lost: {}; reconnecting", settings.clientId(), settings.serverUris(),
            cause == null ? "unknown cause" : cause.toString());
        try {
            listener.connectionLost(cause);
        } catch (RuntimeException e) {
            log.warn("Listener failed on connectionLost", e);
        }
        schedule(1, backoff.delay(1));
    }

    private void schedule(int attempt, Duration delay) {
        synchronized (stateLock) {
            if (closed) {
                return;
            }
            reconnectExecutor.schedule(() -> reconnect(attempt), delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void reconnect(int attempt) {
        if (closed) {
            return;
        }
        boolean sessionPresent;
        try {
            sessionPresent = attempt();
        } catch (Exception e) {
            if (closed) {
                return;
            }
            Duration next = backoff.delay(attempt + 1);
            log.warn("Reconnect attempt {} failed: {}; next attempt in {} ms", attempt, failureMessage(e),
                next.toMillis());
            schedule(attempt + 1, next);
            return;
        }
        reconnects.incrementAndGet();
        List<Subscription> toRenew = rememberedSubscriptions();
        if (!toRenew.isEmpty()) {
            int[] granted;
            try {
                granted = subscribeOnce(toRenew);
            } catch (Exception e) {
                // Connected but not subscribed would stall the stream silently: go round the loop again.
                if (!closed) {
                    log.warn("Client '{}' reconnected but could not renew its subscriptions {}: {}; reconnecting",
                        settings.clientId(), toRenew, e.toString());
                    abandonConnection(e);
                }
                return;
            }
            try {
                checkGranted(toRenew, granted);
            } catch (MqttTransportException e) {
                log.error("Client '{}' reconnected but the broker refused its subscriptions {}: {}",
                    settings.clientId(), toRenew, e.getMessage());
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

    /** Gives up on a connection that is up but unusable, and reconnects. */
    private void abandonConnection(Throwable cause) {
        synchronized (attemptLock) {
            if (up.get()) {
                abandonAttempt();
            }
        }
        connectionDown(cause);
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
    public int publishWindow() {
        return settings.maxInflight();
    }

    @Override
    public long reconnectCount() {
        return reconnects.get();
    }

    @Override
    public void close() {
        synchronized (stateLock) {
            if (closed) {
                return;
            }
            closed = true;
            // Interrupts an attempt waiting for CONNACK; disconnectAndClose then aborts Paho's side of it.
            reconnectExecutor.shutdownNow();
        }
        up.set(false);
        CompletableFuture<Boolean> connack = pendingConnack;
        if (connack != null) {
            connack.completeExceptionally(new MqttTransportException("closed"));
        }
        disconnectAndClose();
        try {
            if (!reconnectExecutor.awaitTermination(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS)) {
                log.warn("The reconnect thread of client '{}' did not end within {} ms of close()", settings.clientId(),
                    CLOSE_WAIT_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("Client '{}' disconnected from {}", settings.clientId(), settings.serverUris());
    }

    @Override
    public final boolean isConnected() {
        return isConnected(client);
    }

    /** Disconnects (sending DISCONNECT if connected, aborting a connect in progress) and frees the client. */
    private void disconnectAndClose() {
        synchronized (clientLock) {
            C c = client;
            try {
                if (isConnected(c)) {
                    disconnect(c, QUIESCE_MS, QUIESCE_MS + settings.connectTimeout().toMillis());
                } else {
                    disconnectForcibly(c, 0); // ends a connect in progress at once
                }
            } catch (Exception e) {
                rethrowIfUnchecked(e);
                clientLog.debug("Disconnect of client '{}' failed: {}", settings.clientId(), e.toString());
                try {
                    disconnectForcibly(c, QUIESCE_MS);
                } catch (Exception gone) {
                    rethrowIfUnchecked(gone);
                    // the connection is gone either way
                }
            }
            try {
                closeClient(c);
            } catch (Exception e) {
                rethrowIfUnchecked(e);
                clientLog.debug("Close of client '{}' failed: {}", settings.clientId(), e.toString());
            }
            failUnconfirmed(c, "the transport was closed");
        }
        afterClose();
    }

    /** Drops the connection without a DISCONNECT packet, as a crash would; for tests. */
    final void dropConnectionAbruptly() {
        try {
            disconnectForcibly(client, 0);
        } catch (Exception e) {
            rethrowIfUnchecked(e);
            clientLog.debug("Forced disconnect failed: {}", e.toString());
        }
    }

    /**
     * Lets a runtime exception through a catch meant for Paho's checked {@code MqttException}, which the hooks can
     * only declare as {@code Exception}: only Paho's exception is a failed disconnect or close to log and go past.
     */
    private static void rethrowIfUnchecked(Exception e) {
        if (e instanceof RuntimeException r) {
            throw r;
        }
    }

    /**
     * Remembers a publish until its future completes, with the Paho client it went out on: a client that is
     * discarded or closed never completes its futures, so {@link #failUnconfirmed} does.
     */
    protected final void trackUnconfirmed(CompletableFuture<Void> future, C client, OutboundMessage message) {
        unconfirmed.put(future, new Unconfirmed(client, message));
        future.whenComplete((v, e) -> unconfirmed.remove(future));
    }

    /** Fails the publishes still waiting on a client that will never confirm them; the caller may publish again. */
    private void failUnconfirmed(C client, String why) {
        unconfirmed.forEach((future, u) -> {
            if (u.client() == client) {
                fail(future, u.message(), why + "; the broker may or may not have it", null);
            }
        });
    }

    private record Unconfirmed(Object client, OutboundMessage message) {
    }

    /** Fails a publish whose outcome is unknown (the caller may publish again), naming the topic. */
    protected static void fail(CompletableFuture<Void> future, OutboundMessage message, String reason, Throwable cause) {
        future.completeExceptionally(new MqttTransportException(describe(message) + " failed: " + reason, cause));
    }

    /**
     * Fails a publish that the broker (reason code) or the client (-1) refused for what the message is; publishing
     * it again cannot help.
     */
    protected static void reject(CompletableFuture<Void> future, OutboundMessage message, String reason,
                                 int reasonCode, Throwable cause) {
        future.completeExceptionally(new MqttPublishRejectedException(describe(message) + " was refused: " + reason,
            reasonCode, cause));
    }

    /**
     * Fails a publish that {@code publish} threw on: a runtime exception is Paho refusing the message itself (an
     * illegal topic, say), anything else the state of the connection.
     */
    protected static void failOnThrow(CompletableFuture<Void> future, OutboundMessage message, Exception e) {
        if (e instanceof RuntimeException) {
            reject(future, message, String.valueOf(e.getMessage()), -1, e);
        } else {
            fail(future, message, e.getMessage(), e);
        }
    }

    private static String describe(OutboundMessage message) {
        return "Publish to '" + message.topic() + "' (QoS " + message.qos() + ")";
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
