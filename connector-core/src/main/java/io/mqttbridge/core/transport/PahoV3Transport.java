package io.mqttbridge.core.transport;

import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClientPersistence;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.paho.client.mqttv3.persist.MqttDefaultFilePersistence;
import org.eclipse.paho.client.mqttv3.internal.wire.MqttPubAck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.SocketFactory;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * MQTT 3.1.1 over Paho's mqttv3 client: clean session false (unless the settings ask for a clean one), manual acks,
 * file persistence.
 *
 * <p>QoS 2: Paho mqttv3 persists an inbound QoS 2 PUBLISH before it sends PUBREC, hands it to the application
 * on PUBREL and sends PUBCOMP only on {@link #ack}. A new client with the same id and persistence directory
 * restores that state, so a PUBREL the broker resends after a crash delivers the message again.
 */
public final class PahoV3Transport extends AbstractPahoTransport {
    private static final Logger log = LoggerFactory.getLogger(PahoV3Transport.class);
    private static final long QUIESCE_MS = 1000;

    private final MqttClientPersistence persistence;
    private final MqttConnectOptions options;
    /** Serializes starting a connect, replacing the client and closing it. */
    private final Object clientLock = new Object();
    /** The client in use; replaced only when Paho's state machine refuses a new connect. */
    private volatile MqttAsyncClient client;
    /** MQTT 3.1.1 announces nothing: what the broker's answers taught us. */
    private volatile BrokerLimits brokerLimits = BrokerLimits.UNANNOUNCED;

    public PahoV3Transport(MqttConnectionSettings settings, MqttTransportListener listener) {
        super(settings, listener);
        persistence = settings.persistenceDirectory() == null
            ? new MemoryPersistence()
            : new MqttDefaultFilePersistence(createPersistenceDirectory(settings.persistenceDirectory()).toString());
        try {
            client = newClient();
        } catch (MqttException e) {
            throw new IllegalArgumentException("Cannot create MQTT client '" + settings.clientId() + "' for "
                + settings.serverUris() + ": " + e.getMessage(), e);
        }
        options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setServerURIs(settings.serverUris().toArray(new String[0]));
        options.setCleanSession(settings.cleanSession());
        options.setAutomaticReconnect(false);
        options.setKeepAliveInterval((int) settings.keepAlive().toSeconds());
        options.setConnectionTimeout(connectTimeoutSeconds());
        options.setMaxInflight(settings.maxInflight());
        if (settings.username() != null) {
            options.setUserName(settings.username());
        }
        if (settings.password() != null) {
            options.setPassword(settings.password().clone());
        }
        SocketFactory factory = socketFactory();
        options.setSocketFactory(factory);
        options.setHttpsHostnameVerificationEnabled(hostnameVerification(factory));
    }

    /** A client with this transport's id and persistence, whose callbacks act only while it is the current one. */
    private MqttAsyncClient newClient() throws MqttException {
        MqttAsyncClient c = new MqttAsyncClient(settings.serverUris().get(0), settings.clientId(), persistence);
        c.setManualAcks(true);
        c.setCallback(new Callback(c));
        return c;
    }

    @Override
    protected boolean connectOnce() throws Exception {
        CompletableFuture<Boolean> connack = new CompletableFuture<>();
        synchronized (clientLock) {
            if (isClosed()) {
                throw new MqttException(MqttException.REASON_CODE_CLIENT_CLOSED);
            }
            try {
                startConnect(connack);
            } catch (MqttException e) {
                if (!refusedByClientState(e.getReasonCode())) {
                    throw e;
                }
                replaceClient(e);
                startConnect(connack);
            }
        }
        return awaitConnack(connack);
    }

    private void startConnect(CompletableFuture<Boolean> connack) throws MqttException {
        client.connect(options, null, new IMqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
                connack.complete(token.getSessionPresent());
            }

            @Override
            public void onFailure(IMqttToken token, Throwable e) {
                connack.completeExceptionally(e);
            }
        });
    }

    /**
     * Discards a client that Paho keeps in a state refusing new connects, and makes a new one with the same id and
     * persistence (which restores the session state a file persistence holds). Called with the client lock held.
     */
    private void replaceClient(MqttException refusal) throws MqttException {
        MqttAsyncClient old = client;
        log.warn("Paho client '{}' refused a new connect ({}, reason code {}); replacing it with a new client with"
            + " the same id and persistence", settings.clientId(), refusal.getMessage(), refusal.getReasonCode());
        try {
            old.disconnectForcibly(0, 0, false);
        } catch (MqttException | RuntimeException e) {
            log.debug("Forced disconnect of the discarded client failed: {}", e.toString());
        }
        try {
            old.close(true);
        } catch (MqttException | RuntimeException e) {
            log.debug("Close of the discarded client failed: {}", e.toString());
        }
        try {
            // Releases the file lock if the discarded client still held the persistence open.
            persistence.close();
        } catch (MqttException | RuntimeException e) {
            log.trace("Persistence was not open: {}", e.toString());
        }
        failUnconfirmed(old, "the MQTT client was replaced after a failed reconnect");
        client = newClient();
    }

    @Override
    protected void abandonAttempt() {
        synchronized (clientLock) {
            try {
                client.disconnectForcibly(0, 0, false);
            } catch (MqttException | RuntimeException e) {
                log.debug("Forced disconnect of client '{}' failed: {}", settings.clientId(), e.toString());
            }
        }
    }

    @Override
    protected int reasonCode(Throwable e) {
        return e instanceof MqttException me ? me.getReasonCode() : -1;
    }

    @Override
    protected int[] subscribeOnce(List<Subscription> subs) throws MqttException {
        String[] filters = subs.stream().map(Subscription::filter).toArray(String[]::new);
        int[] qos = subs.stream().mapToInt(Subscription::qos).toArray();
        IMqttToken token = client.subscribe(filters, qos);
        try {
            token.waitForCompletion(settings.connectTimeout().toMillis());
        } catch (MqttException e) {
            if (e.getReasonCode() != MqttException.REASON_CODE_SUBSCRIBE_FAILED) {
                throw e;
            }
        }
        int[] granted = token.getGrantedQos();
        if (granted == null || granted.length != subs.size()) {
            // Paho reports a refusal without the per-filter codes: every filter counts as refused.
            granted = new int[subs.size()];
            Arrays.fill(granted, 0x80);
        }
        return granted;
    }

    @Override
    protected void sendAck(InboundMessage message) throws MqttException {
        client.messageArrivedComplete(message.messageId(), message.qos());
    }

    @Override
    public CompletableFuture<Void> publish(OutboundMessage message) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        if (!message.properties().isEmpty()) {
            log.debug("MQTT 5 properties of {} are dropped: the connection speaks MQTT 3.1.1", message);
        }
        MqttMessage m = new MqttMessage(message.payload());
        m.setQos(message.qos());
        m.setRetained(message.retained());
        MqttAsyncClient c = client;
        trackUnconfirmed(future, c, message);
        try {
            c.publish(message.topic(), m, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    if (message.qos() == 2 && token.getResponse() instanceof MqttPubAck) {
                        learnQos1Only(message);
                    }
                    future.complete(null);
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                    fail(future, message, String.valueOf(e), e);
                }
            });
        } catch (MqttException | RuntimeException e) {
            failOnThrow(future, message, e);
        }
        return future;
    }

    /**
     * A broker that answers a QoS 2 PUBLISH with PUBACK (RabbitMQ 3.x does) handled it as QoS 1; Paho accepts that
     * answer silently. Later publishes see the lowered maximum in {@link #brokerLimits()}.
     */
    private void learnQos1Only(OutboundMessage message) {
        if (brokerLimits.maximumQos() > 1) {
            brokerLimits = brokerLimits.withMaximumQos(1, "PUBACK answering a QoS 2 PUBLISH");
            log.warn("The broker answered a QoS 2 publish to '{}' by client '{}' with PUBACK: it handles QoS 1 at most",
                message.topic(), settings.clientId());
        }
    }

    @Override
    public BrokerLimits brokerLimits() {
        return brokerLimits;
    }

    @Override
    public boolean isConnected() {
        return client.isConnected();
    }

    @Override
    protected void disconnectAndClose() {
        synchronized (clientLock) {
            MqttAsyncClient c = client;
            try {
                if (c.isConnected()) {
                    c.disconnect(QUIESCE_MS).waitForCompletion(QUIESCE_MS + settings.connectTimeout().toMillis());
                } else {
                    c.disconnectForcibly(0, 0, false); // ends a connect in progress at once
                }
            } catch (MqttException e) {
                log.debug("Disconnect of client '{}' failed: {}", settings.clientId(), e.toString());
                try {
                    c.disconnectForcibly(0, QUIESCE_MS, false);
                } catch (MqttException ignored) {
                    // the connection is gone either way
                }
            }
            try {
                c.close(true);
            } catch (MqttException e) {
                log.debug("Close of client '{}' failed: {}", settings.clientId(), e.toString());
            }
            failUnconfirmed(c, "the transport was closed");
        }
    }

    @Override
    Object pahoClient() {
        return client;
    }

    @Override
    void dropConnectionAbruptly() {
        try {
            client.disconnectForcibly(0, 0, false);
        } catch (MqttException e) {
            log.debug("Forced disconnect failed: {}", e.toString());
        }
    }

    /** Callbacks of one client; a discarded client can neither deliver messages nor start a reconnect. */
    private final class Callback implements MqttCallback {
        private final MqttAsyncClient owner;

        Callback(MqttAsyncClient owner) {
            this.owner = owner;
        }

        @Override
        public void connectionLost(Throwable cause) {
            if (owner == client) {
                onConnectionLost(cause);
            }
        }

        @Override
        public void messageArrived(String topic, MqttMessage m) {
            if (owner != client) {
                // Not acked: the broker redelivers it to the current client.
                log.debug("Dropping a message on '{}' from a discarded client", topic);
                return;
            }
            listener.messageArrived(new InboundMessage(topic, m.getPayload(), m.getQos(), m.isRetained(),
                m.isDuplicate(), m.getId(), currentEpoch(), MqttProperties.EMPTY));
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
            // publish futures complete through their own action listeners
        }
    }
}
