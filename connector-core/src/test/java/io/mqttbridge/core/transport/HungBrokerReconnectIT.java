package io.mqttbridge.core.transport;

import io.mqttbridge.core.transport.TransportTestSupport.Recorder;
import io.mqttbridge.testkit.mqtt.BrokerConfig;
import io.mqttbridge.testkit.mqtt.MqttBroker;
import io.mqttbridge.testkit.mqtt.MqttBrokers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.mqttbridge.core.transport.TransportTestSupport.assumeBrokerSendsUnackedWindow;
import static io.mqttbridge.core.transport.TransportTestSupport.settings;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A broker that accepts TCP connections but never answers CONNECT, standing in for a broker that hangs before
 * CONNACK while it restarts: a plain {@link ServerSocket} on the port of a killed broker. Paho never gives up
 * waiting for that CONNACK on its own and then refuses every later connect with "connect already in progress";
 * the transport must bound each attempt, reset the client and keep trying until the real broker is back.
 */
class HungBrokerReconnectIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration SHORT_CONNECT_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration LONG_CONNECT_TIMEOUT = Duration.ofMinutes(5);

    @TempDir
    Path dir;
    private MqttBroker broker;
    private final List<MqttTransport> transports = new ArrayList<>();

    @BeforeEach
    void startBroker() {
        broker = MqttBrokers.start(BrokerConfig.plain());
    }

    @AfterEach
    void stop() {
        transports.forEach(MqttTransport::close);
        broker.close();
    }

    private AbstractPahoTransport<?> transport(MqttVersion v, String clientId, Path persistence,
                                               Duration connectTimeout, Recorder r) {
        AbstractPahoTransport<?> t = (AbstractPahoTransport<?>) MqttTransports.create(
            settings(v, broker.tcpUri(), clientId, persistence, connectTimeout), r);
        transports.add(t);
        return t;
    }

    private AbstractPahoTransport<?> connected(MqttVersion v, String clientId, Path persistence,
                                               Duration connectTimeout, Recorder r) throws MqttTransportException {
        AbstractPahoTransport<?> t = transport(v, clientId, persistence, connectTimeout, r);
        t.connect();
        return t;
    }

    private int brokerPort() {
        return URI.create(broker.tcpUri()).getPort();
    }

    private static void publish(MqttTransport publisher, String topic, int qos, String payload) throws Exception {
        publisher.publish(new OutboundMessage(topic, payload.getBytes(StandardCharsets.UTF_8), qos, false,
            MqttProperties.EMPTY)).get(10, TimeUnit.SECONDS);
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void attemptTimingOutBeforeConnackDoesNotStallTheReconnectLoop(MqttVersion v) throws Exception {
        Recorder r = new Recorder();
        AbstractPahoTransport<?> sub = connected(v, "hang-sub", null, SHORT_CONNECT_TIMEOUT, r);
        sub.subscribe(List.of(new Subscription("hang/#", 1)));
        long firstEpoch = sub.currentEpoch();

        broker.kill();
        await().atMost(WAIT).until(() -> r.lost.get() == 1);
        try (HangingListener hung = new HangingListener(brokerPort())) {
            // The first attempt times out waiting for CONNACK; the next one must open a connection of its own
            // instead of failing with "connect already in progress" (32110) forever.
            await().atMost(WAIT).until(() -> hung.connectPackets() >= 2);
            await().atMost(WAIT).until(() -> hung.closedByClient(0)); // the timed-out attempt was abandoned
            assertTrue(r.reconnects.isEmpty());
            assertFalse(sub.isConnected());
        }

        broker.start();
        await().atMost(WAIT).until(() -> r.reconnects.size() == 1);
        assertEquals(1, sub.reconnectCount());
        assertTrue(sub.isConnected());

        MqttTransport publisher = connected(v, "hang-pub", null, SHORT_CONNECT_TIMEOUT, new Recorder());
        publish(publisher, "hang/1", 1, "after");
        await().atMost(WAIT).until(() -> r.payloads().contains("after"));
        InboundMessage after = r.messages.get(r.messages.size() - 1);
        assertTrue(after.connectionEpoch() > firstEpoch + 1, "timed-out attempts never share an epoch: " + after);
        sub.ack(after);
        sub.close();

        // The ack went out on the new connection: the next client with this id gets nothing again.
        Recorder next = new Recorder();
        connected(v, "hang-sub", null, SHORT_CONNECT_TIMEOUT, next);
        publish(publisher, "hang/1", 1, "marker");
        await().atMost(WAIT).until(() -> next.payloads().contains("marker"));
        assertEquals(List.of("marker"), next.payloads());
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void clientLeftConnectingIsReplacedWithOneOfTheSameIdAndPersistence(MqttVersion v) throws Exception {
        assumeBrokerSendsUnackedWindow(broker);
        Path persistence = dir.resolve("client-state");
        broker.kill();
        Recorder r = new Recorder();
        AbstractPahoTransport<?> sub = transport(v, "stuck-sub", persistence, SHORT_CONNECT_TIMEOUT, r);
        Object stale = sub.pahoClient();
        try (HangingListener hung = new HangingListener(brokerPort())) {
            // Paho's own client state machine now says "connecting", and will until that socket closes.
            startConnectThatNeverCompletes(stale);
            await().atMost(WAIT).until(() -> hung.connectPackets() == 1);
            hung.stopAccepting(); // the hung connection stays open; the port is free again
            broker.start();

            sub.connect(); // Paho refuses on the stale client: the transport replaces it
            assertNotSame(stale, sub.pahoClient());
            await().atMost(WAIT).until(() -> hung.closedByClient(0)); // the discarded client let go of it
        }

        sub.subscribe(List.of(new Subscription("stuck/#", 2)));
        MqttTransport publisher = connected(v, "stuck-pub", null, SHORT_CONNECT_TIMEOUT, new Recorder());
        publish(publisher, "stuck/1", 2, "a");
        publish(publisher, "stuck/1", 2, "b");
        await().atMost(WAIT).until(() -> r.messages.size() == 2);
        assertEquals(List.of("a", "b"), r.payloads());
        r.messages.forEach(sub::ack);
        sub.close();

        // Same id, same persistence: acked QoS 2 messages do not come back, the session still delivers.
        Recorder next = new Recorder();
        connected(v, "stuck-sub", persistence, SHORT_CONNECT_TIMEOUT, next);
        publish(publisher, "stuck/1", 2, "marker");
        await().atMost(WAIT).until(() -> next.payloads().contains("marker"));
        assertEquals(List.of("marker"), next.payloads());
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void closeDuringAReconnectAttemptEndsItAndTheReconnectThread(MqttVersion v) throws Exception {
        String clientId = "close-sub-" + v;
        Recorder r = new Recorder();
        AbstractPahoTransport<?> sub = connected(v, clientId, null, LONG_CONNECT_TIMEOUT, r);
        broker.kill();
        await().atMost(WAIT).until(() -> r.lost.get() == 1);
        try (HangingListener hung = new HangingListener(brokerPort())) {
            await().atMost(WAIT).until(() -> hung.connectPackets() == 1); // waits for a CONNACK that never comes
            assertTimeoutPreemptively(WAIT, sub::close,
                "close() must abort the attempt, not wait out its " + LONG_CONNECT_TIMEOUT + " connect timeout");
            assertTrue(sub.reconnectExecutorTerminated());
            await().atMost(WAIT).until(() -> hung.closedByClient(0));
            await().atMost(WAIT).until(() -> threadsNaming(clientId).isEmpty());
            assertEquals(1, hung.accepted(), "no attempt after close()");
        }
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void closeDuringTheFirstConnectEndsIt(MqttVersion v) throws Exception {
        String clientId = "close-first-" + v;
        broker.kill();
        try (HangingListener hung = new HangingListener(brokerPort())) {
            AbstractPahoTransport<?> t = transport(v, clientId, null, LONG_CONNECT_TIMEOUT, new Recorder());
            CompletableFuture<Void> connecting = CompletableFuture.runAsync(() -> {
                try {
                    t.connect();
                } catch (MqttTransportException e) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
            });
            await().atMost(WAIT).until(() -> hung.connectPackets() == 1);
            assertTimeoutPreemptively(WAIT, t::close);
            ExecutionException e = assertThrows(ExecutionException.class,
                () -> connecting.get(WAIT.toSeconds(), TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage().contains("closed while connecting"), e.getCause().getMessage());
            assertTrue(t.reconnectExecutorTerminated());
            await().atMost(WAIT).until(() -> hung.closedByClient(0));
            await().atMost(WAIT).until(() -> threadsNaming(clientId).isEmpty());
        }
    }

    /** Starts a connect on a raw Paho client, which then waits for a CONNACK forever. */
    private static void startConnectThatNeverCompletes(Object pahoClient) throws Exception {
        if (pahoClient instanceof org.eclipse.paho.client.mqttv3.MqttAsyncClient c) {
            org.eclipse.paho.client.mqttv3.MqttConnectOptions options =
                new org.eclipse.paho.client.mqttv3.MqttConnectOptions();
            options.setCleanSession(false);
            c.connect(options);
        } else {
            org.eclipse.paho.mqttv5.client.MqttConnectionOptions options =
                new org.eclipse.paho.mqttv5.client.MqttConnectionOptions();
            options.setCleanStart(false);
            ((org.eclipse.paho.mqttv5.client.MqttAsyncClient) pahoClient).connect(options);
        }
    }

    private static List<String> threadsNaming(String clientId) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
            .filter(name -> name.contains(clientId)).toList();
    }

    /**
     * Accepts TCP connections and never answers on them; records, per connection, whether a CONNECT packet came
     * and whether the client then closed the connection.
     */
    private static final class HangingListener implements AutoCloseable {
        private final List<Socket> accepted = new CopyOnWriteArrayList<>();
        private final Set<Integer> sentConnect = ConcurrentHashMap.newKeySet();
        private final Set<Integer> closedByClient = ConcurrentHashMap.newKeySet();
        private final ServerSocket server;
        private final Thread acceptor;

        HangingListener(int port) throws IOException {
            server = new ServerSocket();
            server.setReuseAddress(true); // the killed broker's connections may linger in TIME_WAIT
            server.bind(new InetSocketAddress("127.0.0.1", port));
            acceptor = new Thread(() -> {
                while (true) {
                    Socket s;
                    try {
                        s = server.accept();
                    } catch (IOException e) {
                        return; // closed
                    }
                    int index = accepted.size();
                    accepted.add(s);
                    Thread reader = new Thread(() -> read(index, s), "hanging-listener-read-" + index);
                    reader.setDaemon(true);
                    reader.start();
                }
            }, "hanging-listener-" + port);
            acceptor.setDaemon(true);
            acceptor.start();
        }

        private void read(int index, Socket s) {
            try {
                InputStream in = s.getInputStream();
                if (in.read() == 0x10) {
                    sentConnect.add(index);
                }
                while (in.read() != -1) {
                    // the rest of CONNECT; nothing else comes without a CONNACK
                }
                closedByClient.add(index);
            } catch (IOException e) {
                // closed by the test
            }
        }

        /** Connections on which a CONNECT packet arrived. */
        int connectPackets() {
            return sentConnect.size();
        }

        int accepted() {
            return accepted.size();
        }

        boolean closedByClient(int index) {
            return closedByClient.contains(index);
        }

        /** Frees the port; the connections accepted so far stay open. */
        void stopAccepting() throws IOException, InterruptedException {
            server.close();
            acceptor.join();
        }

        @Override
        public void close() throws IOException, InterruptedException {
            stopAccepting();
            for (Socket s : accepted) {
                s.close();
            }
        }
    }
}
