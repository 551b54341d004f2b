package io.mqttbridge.core.transport;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QosDowngradePolicyTest {

    @Test
    void whatTheBrokerSupportsPassesUnchangedInEitherMode() throws Exception {
        for (QosDowngrade mode : QosDowngrade.values()) {
            QosDowngradePolicy policy = new QosDowngradePolicy(mode, "c");
            assertEquals(2, policy.effectiveQos(2, 2, "a/b", "SUBACK"));
            assertEquals(1, policy.effectiveQos(1, 2, "a/b", "SUBACK"));
            assertEquals(0, policy.effectiveQos(0, 0, "a/b", "SUBACK"));
        }
    }

    @Test
    void failModeNamesTheBrokersLimitItsSourceAndTheWayOut() {
        QosDowngradePolicy policy = new QosDowngradePolicy(QosDowngrade.FAIL, "src-0");
        QosDowngradeException e = assertThrows(QosDowngradeException.class,
            () -> policy.effectiveQos(2, 1, "plant/#", "SUBACK granted QoS"));
        String message = e.getMessage();
        assertTrue(message.contains("at most QoS 1"), message);
        assertTrue(message.contains("SUBACK granted QoS"), message);
        assertTrue(message.contains("'plant/#'"), message);
        assertTrue(message.contains("src-0"), message);
        assertTrue(message.contains("mqtt.qos.downgrade=accept"), message);
        assertTrue(message.contains("mqtt.qos=1"), message);
    }

    @Test
    void acceptModeRunsAtTheBrokersQosEveryTime() throws Exception {
        QosDowngradePolicy policy = new QosDowngradePolicy(QosDowngrade.ACCEPT, "sink-0");
        assertEquals(1, policy.effectiveQos(2, 1, "t", "CONNACK Maximum QoS"));
        assertEquals(1, policy.effectiveQos(2, 1, "t", "CONNACK Maximum QoS"));
        assertEquals(0, policy.effectiveQos(1, 0, "t", "CONNACK Maximum QoS"));
    }

    @Test
    void configValuesParseIgnoringCaseAndRejectOthers() {
        assertEquals(QosDowngrade.FAIL, QosDowngrade.fromConfigValue("fail"));
        assertEquals(QosDowngrade.ACCEPT, QosDowngrade.fromConfigValue(" ACCEPT "));
        assertEquals(QosDowngrade.FAIL, QosDowngrade.fromConfigValue(QosDowngrade.DEFAULT));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> QosDowngrade.fromConfigValue("downgrade"));
        assertTrue(e.getMessage().contains(QosDowngrade.CONFIG), e.getMessage());
    }

    @Test
    void limitsLearntLaterKeepTheRestAndNameTheirSource() {
        BrokerLimits learnt = BrokerLimits.UNANNOUNCED.withMaximumQos(1, "PUBACK answering a QoS 2 PUBLISH");
        assertEquals(1, learnt.maximumQos());
        assertTrue(learnt.retainAvailable());
        assertEquals("PUBACK answering a QoS 2 PUBLISH", learnt.source());
        assertThrows(IllegalArgumentException.class, () -> BrokerLimits.UNANNOUNCED.withMaximumQos(3, "x"));
    }
}
