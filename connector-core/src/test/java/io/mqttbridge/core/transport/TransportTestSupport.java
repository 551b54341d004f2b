package io.mqttbridge.core.transport;

import io.mqttbridge.core.ssl.SslSettings;
import io.mqttbridge.testkit.mqtt.MosquittoBroker;
import io.mqttbridge.testkit.mqtt.MqttBroker;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Settings and a recording listener for transport ITs. */
final class TransportTestSupport {
    private TransportTestSupport() {
    }

    static MqttConnectionSettings settings(MqttVersion version, String uri, String clientId, Path persistence) {
        return settings(version, uri, clientId, persistence, null, null, null);
    }

    static MqttConnectionSettings settings(MqttVersion version, String uri, String clientId, Path persistence,
                                           String user, String password, SslSettings ssl) {
        return settings(version, uri, clientId, persistence, user, password, ssl, Duration.ofSeconds(5));
    }

    static MqttConnectionSettings settings(MqttVersion version, String uri, String clientId, Path persistence,
                                           Duration connectTimeout) {
        return settings(version, uri, clientId, persistence, null, null, null, connectTimeout);
    }

    private static MqttConnectionSettings settings(MqttVersion version, String uri, String clientId,
                                                   Path persistence, String user, String password, SslSettings ssl,
                                                   Duration connectTimeout) {
        return new MqttConnectionSettings(version, List.of(uri), clientId, user,
            password == null ? null : password.toCharArray(), ssl, Duration.ofSeconds(30), connectTimeout,
            Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofHours(1), 100, persistence, false);
    }

    /**
     * Skips a test that needs the broker to send several QoS 1/2 messages before any is acknowledged. Mosquitto does
     * (up to max_inflight_messages); HiveMQ CE, the embedded fallback, sends nothing new while any delivery is
     * unacknowledged, which MQTT allows.
     */
    static void assumeBrokerSendsUnackedWindow(MqttBroker broker) {
        Assumptions.assumeTrue(broker instanceof MosquittoBroker, "needs a broker that sends several unacknowledged "
            + "messages at once (Mosquitto); " + broker.kind() + " waits for each ack");
    }

    /** Records every callback. */
    static final class Recorder implements MqttTransportListener {
        final List<InboundMessage> messages = new CopyOnWriteArrayList<>();
        final AtomicInteger lost = new AtomicInteger();
        final List<Boolean> reconnects = new CopyOnWriteArrayList<>();

        @Override
        public void messageArrived(InboundMessage message) {
            messages.add(message);
        }

        @Override
        public void connectionLost(Throwable cause) {
            lost.incrementAndGet();
        }

        @Override
        public void reconnected(boolean sessionPresent) {
            reconnects.add(sessionPresent);
        }

        List<String> payloads() {
            return messages.stream().map(m -> new String(m.payload())).toList();
        }
    }
}
