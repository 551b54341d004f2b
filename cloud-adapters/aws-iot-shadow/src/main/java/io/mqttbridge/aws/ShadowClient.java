package io.mqttbridge.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.crt.CRT;
import software.amazon.awssdk.crt.mqtt5.Mqtt5Client;
import software.amazon.awssdk.crt.mqtt5.Mqtt5ClientOptions;
import software.amazon.awssdk.crt.mqtt5.OnAttemptingConnectReturn;
import software.amazon.awssdk.crt.mqtt5.OnConnectionFailureReturn;
import software.amazon.awssdk.crt.mqtt5.OnConnectionSuccessReturn;
import software.amazon.awssdk.crt.mqtt5.OnDisconnectionReturn;
import software.amazon.awssdk.crt.mqtt5.OnStoppedReturn;
import software.amazon.awssdk.crt.mqtt5.PublishResult;
import software.amazon.awssdk.crt.mqtt5.PublishReturn;
import software.amazon.awssdk.crt.mqtt5.QOS;
import software.amazon.awssdk.crt.mqtt5.packets.ConnAckPacket;
import software.amazon.awssdk.crt.mqtt5.packets.PubAckPacket;
import software.amazon.awssdk.crt.mqtt5.packets.PublishPacket;
import software.amazon.awssdk.crt.mqtt5.packets.SubAckPacket;
import software.amazon.awssdk.crt.mqtt5.packets.SubscribePacket;
import software.amazon.awssdk.iot.AwsIotMqtt5ClientBuilder;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One MQTT 5 connection to AWS IoT Core (the AWS IoT Device SDK v2's CRT client) acting for many things: it keeps
 * long-lived wildcard subscriptions to the shadow reply topics and matches replies to requests by
 * {@code clientToken}, so many requests can be in flight without a subscribe per request.
 *
 * <p>The SDK reconnects on its own with jittered exponential backoff; the session is clean, so the subscriptions
 * are renewed after every connection. Requests in flight when the connection drops fail at once (the offline queue
 * is off): their outcome is unknown and the caller sends them again.
 *
 * <p>Subscriptions are QoS 0. With a clean session QoS 1 would save nothing (what is in flight when the connection
 * drops is gone either way; callers time requests out and catch up after reconnecting), but it costs a PUBACK per
 * reply, and since the SDK's sockets have no TCP_NODELAY, the next request then waits for the server's delayed ACK
 * of that PUBACK: about 45 ms per request of one thing against the emulator, 10 ms at QoS 0.
 *
 * <p>The SDK paces publishes to AWS IoT Core's quota of 100 per second per connection (its
 * {@code AWS_IOT_CORE_DEFAULTS} flow control, kept: the service throttles a connection that sends more), so one
 * client does at most 100 requests per second; more throughput takes more tasks, each with its own connection.
 */
public final class ShadowClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ShadowClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Hears what arrives besides replies, and connection changes. Called on the SDK's threads. */
    public interface Listener {
        /** A message on a subscribed shadow topic that is no reply to a request of this client. */
        void message(ShadowTopic topic, JsonNode payload);

        /** A connection was established (the first, or after a loss) and the subscriptions are in place. */
        void connected(ShadowClient client);

        /** The connection was lost; the SDK is reconnecting. */
        void disconnected(String reason);
    }

    /** A reply: the accepted or rejected document of a request. */
    public record Reply(boolean accepted, JsonNode document) {
        /** The {@code code} of a rejection (400, 404, 409, 413, 429, 500, 503), or 0 when accepted. */
        public int code() {
            return accepted ? 0 : document.path("code").asInt(0);
        }

        /** The service's message of a rejection, or "" when accepted. */
        public String message() {
            return accepted ? "" : document.path("message").asText("");
        }

        /** The shadow version the reply reports, or -1. */
        public long version() {
            return document.path("version").asLong(-1);
        }
    }

    private final AwsIotSettings settings;
    private final List<String> subscriptions;
    private final Listener listener;
    private final Mqtt5Client client;
    private final Map<String, CompletableFuture<Reply>> pending = new ConcurrentHashMap<>();
    private final String tokenPrefix = UUID.randomUUID().toString().substring(0, 8) + "-";
    private final AtomicLong tokens = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private final CompletableFuture<Void> firstConnection = new CompletableFuture<>();
    private volatile boolean connected;
    private volatile boolean closed;

    private ShadowClient(AwsIotSettings settings, List<String> subscriptions, Listener listener) {
        this.settings = settings;
        this.subscriptions = List.copyOf(subscriptions);
        this.listener = listener;
        try (AwsIotMqtt5ClientBuilder builder = builder(settings)) {
            builder.withPort((long) settings.port())
                .withClientId(settings.clientId())
                .withKeepAliveIntervalSeconds(Math.max(1, settings.keepAlive().toSeconds()))
                .withMinReconnectDelayMs(settings.reconnectBackoff().toMillis())
                .withMaxReconnectDelayMs(settings.reconnectBackoffMax().toMillis())
                .withConnackTimeoutMs(settings.connectTimeout().toMillis())
                .withSessionBehavior(Mqtt5ClientOptions.ClientSessionBehavior.CLEAN)
                .withOfflineQueueBehavior(Mqtt5ClientOptions.ClientOfflineQueueBehavior.FAIL_ALL_ON_DISCONNECT)
                .withLifeCycleEvents(new Lifecycle())
                .withPublishEvents(this::received);
            if (settings.caPath() != null) {
                builder.withCertificateAuthorityFromPath(null, settings.caPath());
            }
            client = builder.build();
        }
    }

    private static AwsIotMqtt5ClientBuilder builder(AwsIotSettings s) {
        if (s.keystorePath() != null) {
            return AwsIotMqtt5ClientBuilder.newDirectMqttBuilderWithMtlsFromPkcs12(s.endpoint(), s.keystorePath(),
                s.keystorePassword() == null ? "" : s.keystorePassword());
        }
        return AwsIotMqtt5ClientBuilder.newDirectMqttBuilderWithMtlsFromPath(s.endpoint(), s.certificatePath(),
            s.privateKeyPath());
    }

    /**
     * Connects, subscribes to {@code subscriptions} (topic filters, QoS 0) and returns once both succeeded.
     *
     * @throws ShadowClientException naming the endpoint, client id and cause (TLS failure, refused certificate,
     *     unreachable endpoint, refused subscription) if the first connection fails within the connect timeout
     */
    public static ShadowClient connect(AwsIotSettings settings, List<String> subscriptions, Listener listener)
        throws ShadowClientException {
        ShadowClient c;
        try {
            c = new ShadowClient(settings, subscriptions, listener);
        } catch (RuntimeException e) {
            throw new ShadowClientException("Cannot set up the AWS IoT client '" + settings.clientId() + "' for "
                + settings.endpoint() + ":" + settings.port() + " with " + settings + ": " + e.getMessage(), e);
        }
        c.client.start();
        try {
            c.firstConnection.get(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            c.close();
            throw new ShadowClientException("Interrupted while connecting to AWS IoT", e);
        } catch (ExecutionException | TimeoutException e) {
            c.close();
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new ShadowClientException("Cannot connect to AWS IoT at " + settings.endpoint() + ":"
                + settings.port() + " as client '" + settings.clientId() + "': " + (e instanceof TimeoutException
                ? "no connection within " + settings.connectTimeout().toMillis() + " ms" : cause.getMessage()), cause);
        }
        return c;
    }

    /**
     * Sends a shadow request ({@code get}, {@code update}, {@code delete}) with a fresh {@code clientToken} and
     * returns the future of its reply. The future fails with {@link ShadowClientException} if the publish fails (for
     * example the connection dropped); the caller bounds the wait for the reply.
     */
    public CompletableFuture<Reply> request(ShadowTopic requestTopic, ObjectNode body) {
        String token = tokenPrefix + tokens.incrementAndGet();
        body.put("clientToken", token);
        CompletableFuture<Reply> reply = new CompletableFuture<>();
        pending.put(token, reply);
        reply.whenComplete((r, e) -> pending.remove(token));
        byte[] payload;
        try {
            payload = JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            reply.completeExceptionally(new ShadowClientException("Cannot serialize the request: " + e, e));
            return reply;
        }
        PublishPacket packet = new PublishPacket.PublishPacketBuilder(requestTopic.topic(), QOS.AT_LEAST_ONCE,
            payload).build();
        client.publish(packet).whenComplete((result, error) -> {
            if (error != null) {
                reply.completeExceptionally(new ShadowClientException("Publish to " + requestTopic.topic()
                    + " failed: " + error.getMessage(), error));
            } else if (refused(result)) {
                PubAckPacket ack = result.getResultPubAck();
                reply.completeExceptionally(new ShadowClientException("AWS IoT refused the publish to "
                    + requestTopic.topic() + ": " + ack.getReasonCode()
                    + (ack.getReasonString() == null ? "" : " (" + ack.getReasonString() + ")")));
            }
        });
        return reply;
    }

    private static boolean refused(PublishResult result) {
        return result != null && result.getType() == PublishResult.PublishResultType.PUBACK
            && result.getResultPubAck().getReasonCode().getValue() >= 0x80;
    }

    public boolean isConnected() {
        return connected;
    }

    /** Reconnects since the first connection. */
    public long reconnectCount() {
        return reconnects.get();
    }

    /** Requests waiting for their reply. */
    public int pendingRequests() {
        return pending.size();
    }

    private void received(Mqtt5Client c, PublishReturn message) {
        PublishPacket packet = message.getPublishPacket();
        ShadowTopic topic = ShadowTopic.parse(packet.getTopic());
        if (topic == null) {
            return;
        }
        JsonNode payload;
        try {
            payload = JSON.readTree(packet.getPayload() == null ? new byte[0] : packet.getPayload());
        } catch (IOException e) {
            log.warn("Ignoring a message on {} that is not JSON: {}", packet.getTopic(), e.getMessage());
            return;
        }
        if (payload == null) {
            return;
        }
        String token = payload.path("clientToken").asText(null);
        boolean reply = topic.suffix().endsWith("/accepted") || topic.suffix().endsWith("/rejected");
        if (reply && token != null) {
            CompletableFuture<Reply> waiting = pending.get(token);
            if (waiting != null) {
                waiting.complete(new Reply(topic.suffix().endsWith("/accepted"), payload));
                return;
            }
        }
        try {
            listener.message(topic, payload);
        } catch (RuntimeException e) {
            log.warn("The listener failed on a message on {}", packet.getTopic(), e);
        }
    }

    /** Subscribes on a fresh connection, off the SDK's event thread, then tells the listener. */
    private void subscribe() {
        SubscribePacket.SubscribePacketBuilder packet = new SubscribePacket.SubscribePacketBuilder();
        subscriptions.forEach(f -> packet.withSubscription(f, QOS.AT_MOST_ONCE));
        CompletableFuture<SubAckPacket> subAck = subscriptions.isEmpty()
            ? CompletableFuture.completedFuture(null) : client.subscribe(packet.build());
        subAck.whenComplete((ack, error) -> {
            String problem = error != null ? "SUBSCRIBE failed: " + error.getMessage() : refusal(ack);
            if (problem != null) {
                ShadowClientException e = new ShadowClientException("AWS IoT client '" + settings.clientId()
                    + "' could not subscribe to " + subscriptions + ": " + problem
                    + " (the certificate's policy must allow iot:Subscribe and iot:Receive on them)");
                if (!firstConnection.completeExceptionally(e)) {
                    log.error(e.getMessage());
                }
                return;
            }
            if (firstConnection.complete(null)) {
                log.info("AWS IoT client '{}' connected to {}:{} and subscribed to {}", settings.clientId(),
                    settings.endpoint(), settings.port(), subscriptions);
            } else {
                log.info("AWS IoT client '{}' reconnected and subscribed again", settings.clientId());
            }
            try {
                listener.connected(this);
            } catch (RuntimeException e) {
                log.warn("The listener failed on connected", e);
            }
        });
    }

    private String refusal(SubAckPacket ack) {
        if (ack == null) {
            return null;
        }
        List<SubAckPacket.SubAckReasonCode> codes = ack.getReasonCodes();
        for (int i = 0; i < codes.size(); i++) {
            if (codes.get(i).getValue() >= 0x80) {
                return "the subscription to " + subscriptions.get(i) + " was refused with " + codes.get(i);
            }
        }
        return null;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            client.stop();
        } catch (RuntimeException e) {
            log.debug("Stopping the AWS IoT client failed: {}", e.toString());
        }
        client.close();
        pending.values().forEach(f -> f.completeExceptionally(new ShadowClientException("the client was closed")));
    }

    private static String describe(int errorCode, ConnAckPacket connAck) {
        String crt = errorCode == 0 ? "" : CRT.awsErrorName(errorCode) + ": " + CRT.awsErrorString(errorCode);
        if (crt.contains("TLS")) {
            crt += " (the TLS handshake failed: is the device certificate active and signed by a CA the endpoint"
                + " trusts, and does aws.iot.ca.path hold the CA of the endpoint's certificate?)";
        }
        if (connAck != null && connAck.getReasonCode() != null
            && connAck.getReasonCode() != ConnAckPacket.ConnectReasonCode.SUCCESS) {
            crt += (crt.isEmpty() ? "" : "; ") + "CONNACK " + connAck.getReasonCode()
                + (connAck.getReasonString() == null ? "" : " (" + connAck.getReasonString() + ")");
        }
        return crt.isEmpty() ? "unknown error" : crt;
    }

    private final class Lifecycle implements Mqtt5ClientOptions.LifecycleEvents {
        @Override
        public void onAttemptingConnect(Mqtt5Client c, OnAttemptingConnectReturn r) {
            // nothing to do: failures and successes are reported below
        }

        @Override
        public void onConnectionSuccess(Mqtt5Client c, OnConnectionSuccessReturn r) {
            if (firstConnection.isDone()) {
                reconnects.incrementAndGet();
            }
            connected = true;
            // Off the event thread: subscribing waits for SUBACK, which this thread delivers.
            CompletableFuture.runAsync(ShadowClient.this::subscribe);
        }

        @Override
        public void onConnectionFailure(Mqtt5Client c, OnConnectionFailureReturn r) {
            String cause = describe(r.getErrorCode(), r.getConnAckPacket());
            if (!firstConnection.isDone()) {
                firstConnection.completeExceptionally(new ShadowClientException(cause));
            } else {
                log.warn("AWS IoT client '{}' could not reconnect to {}:{}: {}; retrying with backoff",
                    settings.clientId(), settings.endpoint(), settings.port(), cause);
            }
        }

        @Override
        public void onDisconnection(Mqtt5Client c, OnDisconnectionReturn r) {
            connected = false;
            String reason = describe(r.getErrorCode(), null);
            if (!closed) {
                log.warn("AWS IoT client '{}' lost its connection: {}; reconnecting", settings.clientId(), reason);
                try {
                    listener.disconnected(reason);
                } catch (RuntimeException e) {
                    log.warn("The listener failed on disconnected", e);
                }
            }
        }

        @Override
        public void onStopped(Mqtt5Client c, OnStoppedReturn r) {
            connected = false;
        }
    }
}
