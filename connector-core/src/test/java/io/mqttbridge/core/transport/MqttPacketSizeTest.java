package io.mqttbridge.core.transport;

import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.internal.wire.MqttPublish;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MqttPacketSizeTest {

    /** What Paho 3.1.1 writes for the same message: header and payload of its PUBLISH. */
    private static long pahoV3(String topic, byte[] payload, int qos) throws Exception {
        MqttMessage m = new MqttMessage(payload);
        m.setQos(qos);
        MqttPublish publish = new MqttPublish(topic, m);
        if (qos > 0) {
            publish.setMessageId(1);
        }
        return publish.getHeader().length + publish.getPayload().length;
    }

    /** What Paho 5 writes, plus the topic alias the size leaves room for. */
    private static long pahoV5(OutboundMessage message) throws Exception {
        org.eclipse.paho.mqttv5.common.packet.MqttProperties p = new org.eclipse.paho.mqttv5.common.packet
            .MqttProperties();
        MqttProperties ours = message.properties();
        p.setContentType(ours.contentType());
        p.setResponseTopic(ours.responseTopic());
        p.setCorrelationData(ours.correlationData());
        p.setMessageExpiryInterval(ours.messageExpiryIntervalSeconds());
        p.setPayloadFormat(ours.payloadFormatIndicator() != null && ours.payloadFormatIndicator());
        p.setUserProperties(ours.userProperties().stream()
            .map(e -> new org.eclipse.paho.mqttv5.common.packet.UserProperty(e.getKey(), e.getValue())).toList());
        p.setTopicAlias(7);
        org.eclipse.paho.mqttv5.common.MqttMessage m = new org.eclipse.paho.mqttv5.common.MqttMessage(
            message.payload(), message.qos(), false, p);
        org.eclipse.paho.mqttv5.common.packet.MqttPublish publish =
            new org.eclipse.paho.mqttv5.common.packet.MqttPublish(message.topic(), m, p);
        if (message.qos() > 0) {
            publish.setMessageId(1);
        }
        return publish.getHeader().length + publish.getPayload().length;
    }

    @Test
    void mqtt311SizesAreExact() throws Exception {
        for (int payload : new int[] {0, 1, 100, 127 - 9, 128, 16_383, 16_384, 2_097_152}) {
            for (int qos = 0; qos <= 2; qos++) {
                byte[] bytes = new byte[payload];
                OutboundMessage m = new OutboundMessage("plant/line-1/état", bytes, qos, false, MqttProperties.EMPTY);
                assertEquals(pahoV3(m.topic(), bytes, qos), MqttPacketSize.publish(m, MqttVersion.V3_1_1),
                    "payload " + payload + ", QoS " + qos);
            }
        }
    }

    @Test
    void mqtt5SizesMatchPahoWithATopicAlias() throws Exception {
        MqttProperties all = new MqttProperties("application/json", "reply/here",
            "id-42".getBytes(StandardCharsets.UTF_8), List.of(Map.entry("site", "berlin"), Map.entry("site", "köln")),
            3600L, true);
        for (MqttProperties properties : List.of(MqttProperties.EMPTY, all)) {
            for (int payload : new int[] {0, 100, 16_384}) {
                OutboundMessage m = new OutboundMessage("t/1", new byte[payload], 1, false, properties);
                assertEquals(pahoV5(m), MqttPacketSize.publish(m, MqttVersion.V5));
            }
        }
    }
}
