package io.mqttbridge.core.transport;

import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLHandshakeException;
import java.net.ConnectException;
import java.security.cert.CertificateException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectFailureTest {
    @Test
    void namesBadCredentialsForBothVersions() {
        assertTrue(ConnectFailure.describe(4, null).contains("bad user name or password (mqtt.username / mqtt.password)"));
        assertTrue(ConnectFailure.describe(0x86, null).contains("bad user name or password"));
        assertTrue(ConnectFailure.describe(5, null).startsWith("Not authorized"));
    }

    @Test
    void findsTlsCausesInTheChain() {
        Exception pkix = new RuntimeException("wrapper", new SSLHandshakeException(
            "PKIX path building failed: unable to find valid certification path"));
        assertTrue(ConnectFailure.describe(0, pkix).contains("mqtt.ssl.truststore.location"));
        SSLHandshakeException mismatch = new SSLHandshakeException("No subject alternative names matching IP 1.2.3.4");
        mismatch.initCause(new CertificateException("No subject alternative names matching IP address 1.2.3.4 found"));
        assertTrue(ConnectFailure.describe(0, mismatch).contains("hostname mismatch"));
        SSLHandshakeException expired = new SSLHandshakeException("PKIX path validation failed: validity check failed");
        expired.initCause(new CertificateException("validity check failed",
            new java.security.cert.CertificateExpiredException("NotAfter: Thu Dec 03 20:08:10 UTC 2026")));
        String expiredMessage = ConnectFailure.describe(0, expired);
        assertTrue(expiredMessage.contains("the broker's certificate is expired (NotAfter")
            && !expiredMessage.contains("must hold the CA"), expiredMessage);
        Exception refused = new RuntimeException(new ConnectException("Connection refused"));
        assertTrue(ConnectFailure.describe(ConnectFailure.SERVER_CONNECT_ERROR, refused).startsWith("connection refused"));
    }

    @Test
    void refusedSubscriptionNamesFilterAndReason() throws Exception {
        List<Subscription> subs = List.of(new Subscription("a/#", 1), new Subscription("secret/#", 2));
        assertEquals(List.of(1, 2), AbstractPahoTransport.checkGranted(subs, new int[] {1, 2}).stream().toList());
        MqttTransportException e = assertThrows(MqttTransportException.class,
            () -> AbstractPahoTransport.checkGranted(subs, new int[] {1, 0x87}));
        assertTrue(e.getMessage().contains("secret/#") && e.getMessage().contains("not authorized")
            && e.getMessage().contains("0x87"), e.getMessage());
        assertThrows(MqttTransportException.class, () -> AbstractPahoTransport.checkGranted(subs, new int[] {0x80, 0}));
    }

    @Test
    void aBrokerWithoutMqtt5IsNamedAndAPlainConnectionIsNotBlamedOnTls() {
        String moquette = ConnectFailure.describe(ConnectFailure.INVALID_RETURN_CODE, null, false, MqttVersion.V5);
        assertTrue(moquette.contains("set mqtt.version=3.1.1"), moquette);
        java.io.EOFException eof = new java.io.EOFException();
        String rabbit = ConnectFailure.describe(ConnectFailure.CONNECTION_LOST, eof, false, MqttVersion.V5);
        assertTrue(rabbit.startsWith("the broker closed the connection during connect"), rabbit);
        assertTrue(rabbit.contains("set mqtt.version=3.1.1"), rabbit);
        assertTrue(!rabbit.contains("TLS"), rabbit);
        String plain311 = ConnectFailure.describe(ConnectFailure.CONNECTION_LOST, eof, false, MqttVersion.V3_1_1);
        assertTrue(!plain311.contains("mqtt.version"), plain311);
        String overTls = ConnectFailure.describe(0, eof, true, MqttVersion.V5);
        assertTrue(overTls.contains("TLS"), overTls);
    }
}
