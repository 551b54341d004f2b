package io.mqttbridge.bench;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * The receiving end of the raw ceiling and of the sink runs: a plain Paho subscriber (MQTT 3.1.1 or 5) that hands
 * every payload to {@link Arrivals} and keeps nothing else, so a long run costs no memory. (The testkit's
 * {@code MqttSubscriber} keeps every message for assertions, which is right for tests and too slow here.)
 */
public final class CountingSubscriber implements AutoCloseable {

    private static final long WAIT_MS = 10_000;

    private final AutoCloseable client;

    private CountingSubscriber(AutoCloseable client) {
        this.client = client;
    }

    /**
     * Connects with a clean session and subscribes {@code filter} at {@code qos}; returns once the broker granted
     * the subscription.
     */
    public static CountingSubscriber start(String serverUri, int mqttVersion, String filter, int qos,
                                           Arrivals arrivals) {
        String clientId = "bench-sub-" + Long.toHexString(System.nanoTime());
        try {
            return new CountingSubscriber(mqttVersion == 5 ? v5(serverUri, clientId, filter, qos, arrivals)
                : v3(serverUri, clientId, filter, qos, arrivals));
        } catch (Exception e) {
            throw new IllegalStateException("Cannot subscribe to " + filter + " on " + serverUri + ": " + e, e);
        }
    }

    private static AutoCloseable v5(String uri, String clientId, String filter, int qos, Arrivals arrivals)
        throws MqttException {
        MqttAsyncClient client = new MqttAsyncClient(uri, clientId, new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        options.setReceiveMaximum(65_535);
        options.setAutomaticReconnect(false);
        client.setCallback(new org.eclipse.paho.mqttv5.client.MqttCallback() {
            @Override
            public void messageArrived(String topic, MqttMessage message) {
                arrivals.record(message.getPayload());
            }

            @Override
            public void disconnected(MqttDisconnectResponse response) {
            }

            @Override
            public void mqttErrorOccurred(MqttException exception) {
            }

            @Override
            public void deliveryComplete(IMqttToken token) {
            }

            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
            }

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) {
            }
        });
        client.connect(options).waitForCompletion(WAIT_MS);
        IMqttToken token = client.subscribe(filter, qos);
        token.waitForCompletion(WAIT_MS);
        int granted = token.getReasonCodes()[0];
        if (granted >= 0x80) {
            throw new IllegalStateException("subscription refused: 0x" + Integer.toHexString(granted));
        }
        return () -> {
            if (client.isConnected()) {
                client.disconnect().waitForCompletion(WAIT_MS);
            }
            client.close(true);
        };
    }

    private static AutoCloseable v3(String uri, String clientId, String filter, int qos, Arrivals arrivals)
        throws org.eclipse.paho.client.mqttv3.MqttException {
        org.eclipse.paho.client.mqttv3.MqttAsyncClient client = new org.eclipse.paho.client.mqttv3.MqttAsyncClient(
            uri, clientId, new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setCleanSession(true);
        options.setAutomaticReconnect(false);
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, org.eclipse.paho.client.mqttv3.MqttMessage message) {
                arrivals.record(message.getPayload());
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        client.connect(options).waitForCompletion(WAIT_MS);
        org.eclipse.paho.client.mqttv3.IMqttToken token = client.subscribe(filter, qos);
        token.waitForCompletion(WAIT_MS);
        int granted = token.getGrantedQos()[0];
        if (granted >= 0x80) {
            throw new IllegalStateException("subscription refused: 0x" + Integer.toHexString(granted));
        }
        return () -> {
            if (client.isConnected()) {
                client.disconnect().waitForCompletion(WAIT_MS);
            }
            client.close(true);
        };
    }

    /** Disconnects; never throws. */
    @Override
    public void close() {
        try {
            client.close();
        } catch (Exception e) {
            // best effort: the broker may already be gone
        }
    }
}
