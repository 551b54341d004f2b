package io.mqttbridge.azure;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * One hub connection per device, shared by every task of this worker that acts for the device. IoT Hub accepts one
 * MQTT connection per device id and closes the older one when another connects: a twin sink and a twin source serving
 * the same devices, each with its own client, would take the connection from each other over and over, and neither
 * would get much done. Tasks therefore open sessions through {@link #factory}: the first open of a device connects it,
 * later opens get a lease on the same connection, and the connection closes with its last lease. What the SDK reports
 * (desired patches, connection changes) reaches every lease's listener.
 *
 * <p>A lease's {@link DeviceSession#close()} only gives the lease up; {@link DeviceSession#abandon()} closes the
 * connection for everyone (its state is unknown, say after a request went unanswered), and the other leases hear
 * {@link DeviceSessionListener#disconnected} so they open a fresh one.
 *
 * <p>A shared connection keeps the settings of the task that opened it (credentials, keep-alive, token lifetime);
 * tasks acting for the same devices are expected to be configured alike.
 *
 * <p>Sharing reaches as far as this class is loaded once: Connect loads a plugin directory's classes in one class
 * loader, so both twin connectors on one worker share; tasks on different workers cannot, which is why the README
 * asks to run the two for the same devices on a single worker or for different devices.
 */
final class SharedDeviceSessions {
    private static final Logger log = LoggerFactory.getLogger(SharedDeviceSessions.class);

    /** The sessions of this class loader: in Connect, of this plugin on this worker. */
    static final SharedDeviceSessions JVM = new SharedDeviceSessions(System::nanoTime);
    /** This many losses of one connection within {@link #CONTENTION_WINDOW} suggest another client with its id. */
    static final int CONTENTION_LOSSES = 3;
    static final Duration CONTENTION_WINDOW = Duration.ofMinutes(1);
    /** A contended connection is reported at most this often. */
    static final Duration CONTENTION_REPORT_INTERVAL = Duration.ofMinutes(10);

    private final LongSupplier nanoTime;

    /** Connections by hub and device id. Guarded by {@code this}. */
    private final Map<String, Connection> connections = new HashMap<>();

    SharedDeviceSessions(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /**
     * A factory whose sessions share connections with every other factory made here.
     *
     * @param delegate opens the actual connections
     * @param routeOf where a device connects (hub and gateway): connections along the same route for the same
     *     device id are shared
     */
    DeviceSessionFactory factory(DeviceSessionFactory delegate, Function<String, String> routeOf) {
        return (deviceId, listener) -> open(delegate, routeOf.apply(deviceId) + "/" + deviceId, deviceId, listener);
    }

    /** Connections open or opening; for tests. */
    synchronized int connectionCount() {
        return connections.size();
    }

    private DeviceSession open(DeviceSessionFactory delegate, String key, String deviceId,
                               DeviceSessionListener listener)
        throws DeviceAuthenticationException, DeviceConnectException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            Connection connection;
            Lease lease;
            boolean first;
            synchronized (this) {
                connection = connections.get(key);
                first = connection == null;
                if (first) {
                    connection = new Connection(key, deviceId);
                    connections.put(key, connection);
                }
                lease = new Lease(connection, listener);
                connection.leases.add(lease);
            }
            if (first) {
                connect(delegate, connection, lease);
                return lease;
            }
            try {
                connection.session.get();
                return lease;
            } catch (ExecutionException e) {
                releaseLease(lease);
                // Another task's open failed, perhaps for its own credentials: try once with this task's.
                if (attempt > 1) {
                    throw rethrow(e.getCause());
                }
            } catch (InterruptedException e) {
                releaseLease(lease);
                throw e;
            }
        }
    }

    private void connect(DeviceSessionFactory delegate, Connection connection, Lease lease)
        throws DeviceAuthenticationException, DeviceConnectException, InterruptedException {
        try {
            connection.session.complete(delegate.open(connection.deviceId, connection));
        } catch (Exception | Error e) {
            connection.session.completeExceptionally(e);
            retire(connection);
            releaseLease(lease);
            throw rethrow(e);
        }
    }

    private static RuntimeException rethrow(Throwable cause)
        throws DeviceAuthenticationException, DeviceConnectException, InterruptedException {
        if (cause instanceof DeviceAuthenticationException e) {
            throw e;
        }
        if (cause instanceof DeviceConnectException e) {
            throw e;
        }
        if (cause instanceof InterruptedException e) {
            throw e;
        }
        if (cause instanceof RuntimeException e) {
            throw e;
        }
        if (cause instanceof Error e) {
            throw e;
        }
        throw new DeviceConnectException("Opening a device session failed: " + cause, cause);
    }

    /** Takes the connection out of the map, so later opens make a new one; whether it was still in. */
    private synchronized boolean retire(Connection connection) {
        return connections.remove(connection.key, connection);
    }

    private void releaseLease(Lease lease) {
        Connection connection = lease.connection;
        boolean last;
        synchronized (this) {
            if (!connection.leases.remove(lease)) {
                return;
            }
            last = connection.leases.isEmpty();
            if (last) {
                retire(connection);
            }
        }
        if (last) {
            connection.closeSession();
        }
    }

    private void abandonConnection(Lease lease) {
        Connection connection = lease.connection;
        List<Lease> others;
        synchronized (this) {
            connection.leases.remove(lease);
            // A retired connection's leases heard about it when it was retired.
            others = retire(connection) ? new ArrayList<>(connection.leases) : List.of();
        }
        connection.closeSession();
        if (!others.isEmpty()) {
            log.info("The connection of device '{}' is closed for {} other task(s) sharing it: its state is unknown",
                connection.deviceId, others.size());
        }
        tell(others, connection.deviceId, listener -> listener.disconnected(connection.deviceId, "another task sharing"
            + " the device's connection closed it, its state being unknown", false));
    }

    /** Tells each lease's listener; one task's listener failing must not keep the news from the others. */
    private static void tell(List<Lease> leases, String deviceId, Consumer<DeviceSessionListener> event) {
        for (Lease lease : leases) {
            try {
                event.accept(lease.listener);
            } catch (RuntimeException e) {
                log.warn("A task's listener of device '{}' failed: {}", deviceId, e.toString());
            }
        }
    }

    /** One device's hub connection and the leases on it; it hears the SDK's callbacks and passes them on. */
    private final class Connection implements DeviceSessionListener {
        final String key;
        final String deviceId;
        final CompletableFuture<DeviceSession> session = new CompletableFuture<>();
        final List<Lease> leases = new CopyOnWriteArrayList<>();
        private final AtomicBoolean closed = new AtomicBoolean();
        /** When the connection was lost lately; guarded by itself. */
        private final Deque<Long> recentLosses = new ArrayDeque<>();
        private long reportedNanos;
        private boolean reported;

        Connection(String key, String deviceId) {
            this.key = key;
            this.deviceId = deviceId;
        }

        void closeSession() {
            if (session.isDone() && !session.isCompletedExceptionally() && closed.compareAndSet(false, true)) {
                session.join().close();
            }
        }

        @Override
        public void desiredChanged(String id, long version, String patchJson) {
            tellEveryLease(listener -> listener.desiredChanged(id, version, patchJson));
        }

        @Override
        public void connectionLost(String id, String reason) {
            tellEveryLease(listener -> listener.connectionLost(id, reason));
            int losses = contendedLosses();
            if (losses > 0) {
                log.warn("The IoT Hub connection of device '{}' was lost {} times within {} s. IoT Hub keeps one "
                    + "connection per device and closes the older one: another client probably connects as this "
                    + "device (a twin connector for the same devices on another worker, or another program with its "
                    + "identity)", id, losses, CONTENTION_WINDOW.toSeconds());
                tellEveryLease(listener -> listener.connectionContended(id, losses));
            }
        }

        /** The losses within the window if they suggest contention and it is time to say so, else 0. */
        private int contendedLosses() {
            long now = nanoTime.getAsLong();
            synchronized (recentLosses) {
                recentLosses.addLast(now);
                while (now - recentLosses.peekFirst() > CONTENTION_WINDOW.toNanos()) {
                    recentLosses.removeFirst();
                }
                if (recentLosses.size() < CONTENTION_LOSSES
                    || reported && now - reportedNanos < CONTENTION_REPORT_INTERVAL.toNanos()) {
                    return 0;
                }
                reported = true;
                reportedNanos = now;
                return recentLosses.size();
            }
        }

        @Override
        public void reconnected(String id) {
            tellEveryLease(listener -> listener.reconnected(id));
        }

        @Override
        public void disconnected(String id, String reason, boolean authentication) {
            retire(this);
            tellEveryLease(listener -> listener.disconnected(id, reason, authentication));
        }

        private void tellEveryLease(Consumer<DeviceSessionListener> event) {
            tell(leases, deviceId, event);
        }
    }

    /** One task's use of a shared connection. */
    private final class Lease implements DeviceSession {
        final Connection connection;
        final DeviceSessionListener listener;

        Lease(Connection connection, DeviceSessionListener listener) {
            this.connection = connection;
            this.listener = listener;
        }

        private DeviceSession session() {
            return connection.session.join();
        }

        @Override
        public String deviceId() {
            return connection.deviceId;
        }

        @Override
        public CompletableFuture<HubResponse> updateReported(String patchJson) {
            return session().updateReported(patchJson);
        }

        @Override
        public CompletableFuture<HubResponse> getTwin() {
            return session().getTwin();
        }

        @Override
        public CompletableFuture<Void> sendTelemetry(Telemetry telemetry) {
            return session().sendTelemetry(telemetry);
        }

        @Override
        public void close() {
            releaseLease(this);
        }

        @Override
        public void abandon() {
            abandonConnection(this);
        }

        @Override
        public String toString() {
            return "SharedDeviceSession[" + connection.deviceId + "]";
        }
    }
}
