package io.mqttbridge.core.transport;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.SocketFactory;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/**
 * MQTT 5 over Paho's mqttv5 client: clean start false with a session expiry, receive maximum from
 * {@code maxInflight}, manual acks, and inbound QoS 2 state kept until the application acks (see
 * {@link InboundQos2Persistence} for why Paho's own handling loses messages).
 *
 * <p>QoS 2 acks differ from QoS 1: Paho has already completed the broker's side of the exchange, so an ack
 * only removes the stored copy, whatever connection the message arrived on. The caller must pass the very
 * {@link InboundMessage} instance it received.
 *
 * <p>{@link InboundMessage#duplicate()} is always false on MQTT 5 live messages: Paho mqttv5 1.2.5 does not copy
 * the DUP bit of a received PUBLISH into its {@code MqttMessage}. Messages recovered from the QoS 2 store are
 * marked duplicate.
 */
public final class PahoV5Transport extends AbstractPahoTransport<MqttAsyncClient> {
    private static final Logger log = LoggerFactory.getLogger(PahoV5Transport.class);
    private static final long MAX_SESSION_EXPIRY_SECONDS = 0xFFFFFFFFL;
    /** PUBACK reason codes that say "not now" rather than "never": the message may be published again. */
    private static final int QUOTA_EXCEEDED = 0x97;
    private static final int PACKET_ID_IN_USE = 0x91;

    private final InboundQos2Persistence persistence;
    private final MqttConnectionOptions options;
    /** The receive maximum of the broker's last CONNACK: Paho refuses publishes beyond it. */
    private volatile int brokerReceiveMaximum = 65_535;
    /** What the broker's last CONNACK announced. */
    private volatile BrokerLimits brokerLimits = BrokerLimits.UNANNOUNCED;
    /** Paho's inbound QoS 2 state of {@link #client()}. */
    private volatile PahoInboundState inboundState;
    /** Store keys of delivered QoS 2 messages not yet acked, by message instance. */
    private final Map<InboundMessage, String> pendingQos2 = Collections.synchronizedMap(new IdentityHashMap<>());
    /** Live messages wait until the ones recovered from the store were handed over, so those come first. */
    private final CountDownLatch recoveredDelivered = new CountDownLatch(1);

    public PahoV5Transport(MqttConnectionSettings settings, MqttTransportListener listener) {
        super(settings, listener);
        try {
            persistence = new InboundQos2Persistence(settings.persistenceDirectory(), settings.persistenceFsync(),
                settings.clientId());
            setFirstClient(newClient());
        } catch (MqttException e) {
            throw new IllegalArgumentException("Cannot create MQTT client '" + settings.clientId() + "' for "
                + settings.serverUris() + " with persistence in " + settings.persistenceDirectory() + ": " + e, e);
        }
        options = new MqttConnectionOptions();
        options.setServerURIs(settings.serverUris().toArray(new String[0]));
        options.setCleanStart(settings.cleanSession());
        options.setSessionExpiryInterval(settings.cleanSession() ? 0L
            : Math.min(MAX_SESSION_EXPIRY_SECONDS, settings.sessionExpiry().toSeconds()));
        options.setReceiveMaximum(settings.maxInflight());
        options.setAutomaticReconnect(false);
        options.setKeepAliveInterval((int) settings.keepAlive().toSeconds());
        options.setConnectionTimeout(connectTimeoutSeconds());
        if (settings.username() != null) {
            options.setUserName(settings.username());
        }
        if (settings.password() != null) {
            java.nio.ByteBuffer bytes = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(settings.password()));
            byte[] password = new byte[bytes.remaining()];
            bytes.get(password);
            options.setPassword(password);
        }
        SocketFactory factory = socketFactory();
        options.setSocketFactory(factory);
        options.setHttpsHostnameVerificationEnabled(hostnameVerification(factory));
    }

    /** Also sets {@link #inboundState} for the new client. */
    @Override
    protected MqttAsyncClient newClient() throws MqttException {
        MqttAsyncClient c = new MqttAsyncClient(settings.serverUris().get(0), settings.clientId(), persistence);
        c.setManualAcks(true);
        c.setCallback(new Callback(c));
        inboundState = new PahoInboundState(c);
        return c;
    }

    @Override
    protected void startConnect(MqttAsyncClient c, CompletableFuture<Boolean> connack) throws MqttException {
        c.connect(options, null, new MqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
                Integer receiveMaximum = token.getResponseProperties() == null ? null
                    : token.getResponseProperties().getReceiveMaximum();
                brokerReceiveMaximum = receiveMaximum == null || receiveMaximum < 1 ? 65_535 : receiveMaximum;
                brokerLimits = limitsOf(token.getResponseProperties());
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
        return new MqttException(MqttClientException.REASON_CODE_CLIENT_CLOSED);
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

    /**
     * Closes only Paho's part of the {@link InboundQos2Persistence}: its QoS 2 store stays open for the client that
     * replaces a discarded one.
     */
    @Override
    protected void closePersistence() throws MqttException {
        persistence.close();
    }

    /** The QoS 2 store closes with the transport. */
    @Override
    protected void afterClose() {
        pendingQos2.clear();
        persistence.closeStore();
    }

    @Override
    protected void afterFirstConnect() {
        List<InboundQos2Persistence.Recovered> recovered = persistence.recovered();
        if (recovered.isEmpty()) {
            recoveredDelivered.countDown();
            return;
        }
        log.info("Client '{}' delivers {} QoS 2 message(s) received before a restart and never acked",
            settings.clientId(), recovered.size());
        // Its own thread: the listener may block (backpressure) until the caller acks, which it can only do
        // once connect() has returned.
        Thread t = new Thread(() -> {
            try {
                for (InboundQos2Persistence.Recovered r : recovered) {
                    if (isClosed()) {
                        return;
                    }
                    MqttMessage m = r.publish().getMessage();
                    InboundMessage message = new InboundMessage(r.publish().getTopicName(), m.getPayload(), 2,
                        m.isRetained(), true, r.publish().getMessageId(), 0, fromPaho(m.getProperties()));
                    pendingQos2.put(message, r.key());
                    listener.messageArrived(message);
                }
            } finally {
                recoveredDelivered.countDown();
            }
        }, "mqtt-qos2-recovery-" + settings.clientId());
        t.setDaemon(true);
        t.start();
    }

    @Override
    protected int reasonCode(Throwable e) {
        return e instanceof MqttException me ? me.getReasonCode() : -1;
    }

    @Override
    protected int[] subscribeOnce(List<Subscription> subs) throws MqttException {
        MqttSubscription[] array = subs.stream().map(s -> new MqttSubscription(s.filter(), s.qos()))
            .toArray(MqttSubscription[]::new);
        IMqttToken token = client().subscribe(array);
        try {
            token.waitForCompletion(settings.connectTimeout().toMillis());
        } catch (MqttException e) {
            if (token.getReasonCodes() == null) {
                throw e;
            }
        }
        return token.getReasonCodes();
    }

    @Override
    public void ack(InboundMessage message) {
        if (message.qos() != 2) {
            super.ack(message);
            return;
        }
        String key = pendingQos2.remove(message);
        if (key == null) {
            log.debug("Ignoring ack of {}: not a pending QoS 2 message of this transport", message);
            return;
        }
        persistence.release(key);
        if (message.connectionEpoch() == currentEpoch()) {
            // Only then is the packet id still the one in the current client's inbound state.
            inboundState.forget(message.messageId());
        }
    }

    @Override
    protected void sendAck(InboundMessage message) throws MqttException {
        client().messageArrivedComplete(message.messageId(), message.qos());
    }

    @Override
    public CompletableFuture<Void> publish(OutboundMessage message) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        MqttMessage m = new MqttMessage(message.payload(), message.qos(), message.retained(),
            toPaho(message.properties()));
        MqttAsyncClient c = client();
        trackUnconfirmed(future, c, message);
        try {
            c.publish(message.topic(), m, null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    int[] codes = token.getReasonCodes();
                    if (codes != null) {
                        for (int code : codes) {
                            if (code >= 0x80) {
                                String reason = "the broker answered with reason code 0x"
                                    + Integer.toHexString(code).toUpperCase(Locale.ROOT) + " (" + pubackReason(code) + ")";
                                if (code == QUOTA_EXCEEDED || code == PACKET_ID_IN_USE) {
                                    fail(future, message, reason, null);
                                } else {
                                    reject(future, message, reason, code, null);
                                }
                                return;
                            }
                        }
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

    /** The limits a CONNACK announces; an absent property means the protocol's default (no limit). */
    static BrokerLimits limitsOf(org.eclipse.paho.mqttv5.common.packet.MqttProperties p) {
        if (p == null) {
            return BrokerLimits.UNANNOUNCED;
        }
        Integer maximumQos = p.getMaximumQoS();
        Boolean retain = p.isRetainAvailable();
        boolean shared;
        try {
            shared = p.isSharedSubscriptionAvailable();
        } catch (NullPointerException e) {
            shared = true; // Paho unboxes an absent property
        }
        Long packetSize = p.getMaximumPacketSize();
        return new BrokerLimits(maximumQos == null ? 2 : maximumQos, retain == null || retain, shared,
            packetSize == null ? 0 : packetSize, maximumQos == null ? "nothing announced" : "CONNACK Maximum QoS");
    }

    @Override
    public BrokerLimits brokerLimits() {
        return brokerLimits;
    }

    static String pubackReason(int code) {
        return switch (code) {
            case 0x80 -> "unspecified error";
            case 0x83 -> "implementation specific error";
            case 0x87 -> "not authorized";
            case 0x90 -> "topic name invalid";
            case 0x91 -> "packet identifier in use";
            case 0x97 -> "quota exceeded";
            case 0x99 -> "payload format invalid";
            default -> "refused";
        };
    }

    @Override
    public int publishWindow() {
        return Math.min(settings.maxInflight(), brokerReceiveMaximum);
    }

    static MqttProperties fromPaho(org.eclipse.paho.mqttv5.common.packet.MqttProperties p) {
        if (p == null) {
            return MqttProperties.EMPTY;
        }
        List<Map.Entry<String, String>> user = new ArrayList<>();
        if (p.getUserProperties() != null) {
            for (UserProperty u : p.getUserProperties()) {
                user.add(new AbstractMap.SimpleImmutableEntry<>(u.getKey(), u.getValue()));
            }
        }
        return new MqttProperties(p.getContentType(), p.getResponseTopic(), p.getCorrelationData(), user,
            p.getMessageExpiryInterval(), p.getPayloadFormat() ? Boolean.TRUE : null);
    }

    static org.eclipse.paho.mqttv5.common.packet.MqttProperties toPaho(MqttProperties p) {
        org.eclipse.paho.mqttv5.common.packet.MqttProperties out = new org.eclipse.paho.mqttv5.common.packet.MqttProperties();
        out.setContentType(p.contentType());
        out.setResponseTopic(p.responseTopic());
        out.setCorrelationData(p.correlationData());
        if (!p.userProperties().isEmpty()) {
            List<UserProperty> user = new ArrayList<>();
            p.userProperties().forEach(e -> user.add(new UserProperty(e.getKey(), e.getValue())));
            out.setUserProperties(user);
        }
        out.setMessageExpiryInterval(p.messageExpiryIntervalSeconds());
        if (Boolean.TRUE.equals(p.payloadFormatIndicator())) {
            out.setPayloadFormat(true);
        }
        return out;
    }

    /** Callbacks of one client; a discarded client can neither deliver messages nor start a reconnect. */
    private final class Callback implements MqttCallback {
        private final MqttAsyncClient owner;

        Callback(MqttAsyncClient owner) {
            this.owner = owner;
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
            if (owner != client()) {
                return;
            }
            onConnectionLost(response.getException() != null ? response.getException()
                : new MqttTransportException("disconnected by the broker: reason code 0x"
                    + Integer.toHexString(response.getReturnCode()) + " " + response.getReasonString()));
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            log.warn("MQTT protocol error on client '{}': {}", settings.clientId(), exception.toString());
        }

        @Override
        public void messageArrived(String topic, MqttMessage m) throws InterruptedException {
            long epoch = currentEpoch();
            String storeKey = m.getQos() == 2 ? persistence.claim(m) : null;
            if (owner != client()) {
                if (storeKey != null) {
                    log.warn("A QoS 2 message on '{}' reached a discarded client of '{}'; it stays in the QoS 2 store"
                        + " and is delivered when the transport is next created", topic, settings.clientId());
                } else {
                    log.debug("Dropping a message on '{}' from a discarded client: the broker redelivers it", topic);
                }
                return;
            }
            recoveredDelivered.await();
            InboundMessage message = new InboundMessage(topic, m.getPayload(), m.getQos(), m.isRetained(),
                m.isDuplicate(), m.getId(), epoch, fromPaho(m.getProperties()));
            if (storeKey != null) {
                pendingQos2.put(message, storeKey);
            }
            listener.messageArrived(message);
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
            // publish futures complete through their own action listeners
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
        }

        @Override
        public void authPacketArrived(int reasonCode, org.eclipse.paho.mqttv5.common.packet.MqttProperties properties) {
        }
    }

    /**
     * Removes a QoS 2 packet id from Paho's in-memory inbound state. Paho mqttv5 drops that entry only in
     * {@code messageArrivedComplete}, which would also send a second PUBCOMP for a packet id the broker may
     * already have reused; without it the map keeps every QoS 2 message (payload included) until its packet id
     * comes round again. Paho offers no public way, so this reaches {@code ClientComms.deliveryComplete(int)};
     * if a Paho version lacks it, the only cost is that memory.
     */
    private static final class PahoInboundState {
        private final Object comms;
        private final Method deliveryComplete;

        PahoInboundState(MqttAsyncClient client) {
            Object c = null;
            Method m = null;
            try {
                Field f = MqttAsyncClient.class.getDeclaredField("comms");
                f.setAccessible(true);
                c = f.get(client);
                m = c.getClass().getDeclaredMethod("deliveryComplete", int.class);
                m.setAccessible(true);
            } catch (ReflectiveOperationException | RuntimeException e) {
                log.debug("Cannot reach Paho's inbound QoS 2 state: {}", e.toString());
                c = null;
                m = null;
            }
            this.comms = c;
            this.deliveryComplete = m;
        }

        void forget(int messageId) {
            if (deliveryComplete == null) {
                return;
            }
            try {
                deliveryComplete.invoke(comms, messageId);
            } catch (ReflectiveOperationException | RuntimeException e) {
                log.debug("Cannot clear Paho's inbound QoS 2 state for id {}: {}", messageId, e.toString());
            }
        }
    }
}
