package io.mqttbridge.core.transport;

import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How an MQTT 5 CONNACK's properties become {@link BrokerLimits}. */
class BrokerLimitsFromConnackTest {

    @Test
    void absentPropertiesMeanTheProtocolDefaults() {
        BrokerLimits limits = PahoV5Transport.limitsOf(new MqttProperties());
        assertEquals(2, limits.maximumQos());
        assertTrue(limits.retainAvailable());
        assertTrue(limits.sharedSubscriptionAvailable());
        assertEquals(0, limits.maximumPacketSize());
        assertEquals(BrokerLimits.UNANNOUNCED, PahoV5Transport.limitsOf(null));
    }

    @Test
    void announcedLimitsAreTakenAndTheQosSourceNamed() {
        MqttProperties p = new MqttProperties();
        p.setMaximumQoS(1);
        p.setRetainAvailable(false);
        p.setSharedSubscriptionAvailable(false);
        p.setMaximumPacketSize(131_072L);
        BrokerLimits limits = PahoV5Transport.limitsOf(p);
        assertEquals(1, limits.maximumQos());
        assertFalse(limits.retainAvailable());
        assertFalse(limits.sharedSubscriptionAvailable());
        assertEquals(131_072L, limits.maximumPacketSize());
        assertEquals("CONNACK Maximum QoS", limits.source());
    }
}
