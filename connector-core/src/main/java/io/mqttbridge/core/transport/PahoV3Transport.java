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
import java.nio.file.Path;
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
public final class PahoV3Transport extends AbstractPahoTransport<MqttAsyncClient> {
    private static final Logger log = LoggerFactory.getLogger(PahoV3Transport.class);

    private final MqttClientPersistence persistence;
    private final MqttConnectOptions options;
    /** MQTT 3.1.1 announces nothing: what the broker's answers taught us. */
    private volatile BrokerLimits brokerLimits = BrokerLimits.UNANNOUNCED;

    public PahoV3Transport(MqttConnectionSettings settings, MqttTransportListener listener) {
        super(settings, listener);
        Path directory = settings.persistenceDirectory() == null ? null
            : createPersistenceDirectory(settings.persistenceDirectory());
        persistence = directory == null ? new MemoryPersistence()
            : settings.persistenceFsync() ? new MqttDefaultFilePersistence(directory.toString())
            : new UnsyncedFilePersistenceV3(directory);
        try {
            setFirstClient(newClient());
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

    @Override
    protected MqttAsyncClient newClient() throws MqttException {
        MqttAsyncClient c = new MqttAsyncClient(settings.serverUris().get(0), settings.clientId(), persistence);
        c.setManualAcks(true);
        c.setCallback(new Callback(c));
        return c;
    }

    @Override
    protected void startConnect(MqttAsyncClient c, CompletableFuture<Boolean> connack) throws MqttException {
        c.connect(options, null, new IMqttActionListener() {
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

    @Override
    protected MqttException clientClosed() {
        return new MqttException(MqttException.REASON_CODE_CLIENT_CLOSED);
    }

    @Override
    protected boolean isConnected(MqttAsyncClient c) {
        return c.isConnected();
    }

    @Override
    protected void disconnect(MqttAsyncClient c, long quiesceMs, long waitMs) throws MqttException {
        c.disconnect(quiesceMs).waitForCompletion(waitMs);
    }

    @Override
    protected void disconnectForcibly(MqttAsyncClient c, long disconnectTimeoutMs) throws MqttException {
        c.disconnectForcibly(0, disconnectTimeoutMs, false);
    }

    @Override
    protected void closeClient(MqttAsyncClient c) throws MqttException {
        c.close(true);
    }

    @Override
    protected void closePersistence() throws MqttException {
        persistence.close();
    }

    @Override
    protected int reasonCode(Throwable e) {
        return e instanceof MqttException me ? me.getReasonCode() : -1;
    }

    @Override
    protected int[] subscribeOnce(List<Subscription> subs) throws MqttException {
        String[] filters = subs.stream().map(Subscription::filter).toArray(String[]::new);
        int[] qos = subs.stream().mapToInt(Subscription::qos).toArray();
        IMqttToken token = client().subscribe(filters, qos);
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
        client().messageArrivedComplete(message.messageId(), message.qos());
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
        MqttAsyncClient c = client();
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

    /** Callbacks of one client; a discarded client can neither deliver messages nor start a reconnect. */
    private final class Callback implements MqttCallback {
        private final MqttAsyncClient owner;

        Callback(MqttAsyncClient owner) {
            this.owner = owner;
        }

        @Override
        public void connectionLost(Throwable cause) {
            if (owner == client()) {
                onConnectionLost(cause);
            }
        }

        @Override
        public void messageArrived(String topic, MqttMessage m) {
            if (owner != client()) {
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
