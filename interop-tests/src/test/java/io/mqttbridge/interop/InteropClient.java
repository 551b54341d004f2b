package io.mqttbridge.interop;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * The test's own MQTT 3.1.1 client (publisher and subscriber), with user name, password and optional TLS: 3.1.1
 * because every broker of the suite speaks it, while the testkit's {@code MqttSubscriber} is MQTT 5 only.
 */
final class InteropClient implements AutoCloseable {

    /** A message this client received. */
    record Message(String topic, byte[] payload, int qos, boolean retained) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    private final MqttClient client;
    private final List<Message> messages = new CopyOnWriteArrayList<>();

    private InteropClient(MqttClient client) {
        this.client = client;
    }

    /** Connects with a clean session. */
    static InteropClient connect(String uri, String clientId, String user, String password, SSLContext tls) {
        try {
            MqttClient client = new MqttClient(uri, clientId, new MemoryPersistence());
            InteropClient interop = new InteropClient(client);
            client.setCallback(new MqttCallback() {
                @Override
                public void connectionLost(Throwable cause) {
                }

                @Override
                public void messageArrived(String topic, MqttMessage m) {
                    interop.messages.add(new Message(topic, m.getPayload(), m.getQos(), m.isRetained()));
                }

                @Override
                public void deliveryComplete(IMqttDeliveryToken token) {
                }
            });
            MqttConnectOptions options = new MqttConnectOptions();
            options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
            options.setCleanSession(true);
            options.setConnectionTimeout(10);
            options.setMaxInflight(1000);
            options.setUserName(user);
            options.setPassword(password.toCharArray());
            if (tls != null) {
                options.setSocketFactory(tls.getSocketFactory());
            }
            client.connect(options);
            return interop;
        } catch (MqttException e) {
            throw new IllegalStateException("Test client " + clientId + " cannot connect to " + uri + ": " + e, e);
        }
    }

    /** Subscribes and returns the QoS the broker granted. */
    int subscribe(String filter, int qos) {
        try {
            return client.subscribeWithResponse(filter, qos).getGrantedQos()[0];
        } catch (MqttException e) {
            throw new IllegalStateException("Cannot subscribe to " + filter + ": " + e, e);
        }
    }

    /** Publishes and waits for the broker's acknowledgement (QoS 1, 2). */
    void publish(String topic, byte[] payload, int qos, boolean retained) {
        try {
            client.publish(topic, payload, qos, retained);
        } catch (MqttException e) {
            throw new IllegalStateException("Cannot publish to " + topic + " at QoS " + qos + ": " + e, e);
        }
    }

    void publish(String topic, String payload, int qos) {
        publish(topic, payload.getBytes(StandardCharsets.UTF_8), qos, false);
    }

    /** What arrived so far, in order. */
    List<Message> messages() {
        return messages;
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                client.disconnect(1000);
            }
            client.close();
        } catch (MqttException e) {
            // test cleanup: the broker may be gone already
        }
    }
}
