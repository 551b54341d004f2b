package io.mqttbridge.core.transport;

import io.mqttbridge.core.ssl.SslSettings;
import io.mqttbridge.core.transport.TransportTestSupport.Recorder;
import io.mqttbridge.testkit.mqtt.BrokerConfig;
import io.mqttbridge.testkit.mqtt.MqttBroker;
import io.mqttbridge.testkit.mqtt.MqttBrokers;
import io.mqttbridge.testkit.tls.TlsMaterial;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.mqttbridge.core.transport.TransportTestSupport.settings;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS, mutual TLS and user/password against a real broker from the testkit. The broker's certificate names only
 * {@code localhost}, so {@code 127.0.0.1} is a host name mismatch.
 */
class TlsAndAuthIT {
    @TempDir
    static Path dir;
    private static TlsMaterial tls;
    private static char[] pw;
    private static MqttBroker tlsBroker;
    private static MqttBroker mtlsBroker;
    private static MqttBroker authBroker;
    private static Path otherCaPem;

    @BeforeAll
    static void start() {
        tls = TlsMaterial.generate(dir.resolve("pki"), List.of("localhost"));
        pw = tls.password().toCharArray();
        otherCaPem = TlsMaterial.generate(dir.resolve("other-pki")).caCertPem();
        tlsBroker = MqttBrokers.start(BrokerConfig.builder().tls(tls).build());
        mtlsBroker = MqttBrokers.start(BrokerConfig.builder().tls(tls).requireClientCertificate(true).build());
        authBroker = MqttBrokers.start(BrokerConfig.builder().user("bridge", "right-password").build());
    }

    @AfterAll
    static void stop() {
        for (MqttBroker b : new MqttBroker[] {tlsBroker, mtlsBroker, authBroker}) {
            if (b != null) {
                b.close();
            }
        }
    }

    /** The TLS port of a broker, reached under another host name than the one in its URI. */
    private static String sslUri(MqttBroker broker, String host) {
        return "ssl://" + host + ":" + URI.create(broker.sslUri()).getPort();
    }

    private static SslSettings ssl(Path trust, String trustType, Path key, String keyType) {
        boolean pemKey = "PEM".equals(keyType);
        return new SslSettings(trust.toString(), trustType, "PEM".equals(trustType) ? null : pw,
            key == null ? null : key.toString(), keyType, pemKey ? null : pw, null, "TLSv1.3",
            List.of("TLSv1.2", "TLSv1.3"), "HTTPS");
    }

    private static void connectAndPublish(MqttVersion v, String uri, SslSettings ssl) throws Exception {
        try (MqttTransport t = MqttTransports.create(settings(v, uri, "tls-" + v, null, null, null, ssl), new Recorder())) {
            t.connect();
            assertTrue(t.isConnected());
            t.publish(new OutboundMessage("tls/ok", new byte[] {1}, 1, false, MqttProperties.EMPTY)).get(10, TimeUnit.SECONDS);
        }
    }

    private static String connectFailure(MqttVersion v, String uri, SslSettings ssl, String user, String pw) {
        try (MqttTransport t = MqttTransports.create(settings(v, uri, "fail-" + v, null, user, pw, ssl), new Recorder())) {
            MqttTransportException e = assertThrows(MqttTransportException.class, t::connect);
            assertTrue(e.getMessage().contains(uri) && e.getMessage().contains("fail-" + v), e.getMessage());
            return e.getMessage();
        }
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void tlsWithPemJksAndPkcs12Truststores(MqttVersion v) throws Exception {
        String uri = sslUri(tlsBroker, "localhost");
        connectAndPublish(v, uri, ssl(tls.caCertPem(), "PEM", null, null));
        connectAndPublish(v, uri, ssl(tls.truststore("JKS"), "JKS", null, null));
        connectAndPublish(v, uri, ssl(tls.truststore("PKCS12"), "PKCS12", null, null));
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void mutualTlsWithPemAndPkcs12Keystores(MqttVersion v) throws Exception {
        String uri = sslUri(mtlsBroker, "localhost");
        connectAndPublish(v, uri, ssl(tls.caCertPem(), "PEM", tls.clientKeystorePem(), "PEM"));
        connectAndPublish(v, uri, ssl(tls.caCertPem(), "PEM", tls.clientKeystore("PKCS12"), "PKCS12"));
        connectAndPublish(v, uri, ssl(tls.truststore("JKS"), "JKS", tls.clientKeystore("JKS"), "JKS"));
        String msg = connectFailure(v, uri, ssl(tls.caCertPem(), "PEM", null, null), null, null);
        assertTrue(msg.contains("mqtt.ssl.keystore.location"), msg);
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void wrongCaIsNamed(MqttVersion v) {
        String msg = connectFailure(v, sslUri(tlsBroker, "localhost"), ssl(otherCaPem, "PEM", null, null), null,
            null);
        assertTrue(msg.contains("TLS handshake failed") && msg.contains("PKIX")
            && msg.contains("mqtt.ssl.truststore.location"), msg);
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void hostNameMismatchIsRefusedUnlessVerificationIsOff(MqttVersion v) throws Exception {
        String uri = sslUri(tlsBroker, "127.0.0.1");
        String msg = connectFailure(v, uri, ssl(tls.caCertPem(), "PEM", null, null), null, null);
        assertTrue(msg.contains("hostname mismatch"), msg);
        SslSettings off = new SslSettings(tls.caCertPem().toString(), "PEM", null, null, null, null, null, null, List.of(), "");
        connectAndPublish(v, uri, off);
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void userAndPassword(MqttVersion v) throws Exception {
        try (MqttTransport t = MqttTransports.create(settings(v, authBroker.tcpUri(), "auth-" + v, null, "bridge",
            "right-password", null), new Recorder())) {
            t.connect();
            assertTrue(t.isConnected());
        }
        String msg = connectFailure(v, authBroker.tcpUri(), null, "bridge", "wrong-password");
        assertTrue(msg.contains("Not authorized") && msg.contains("mqtt.password"), msg);
        assertFalse(msg.contains("wrong-password"), msg);
    }
}
