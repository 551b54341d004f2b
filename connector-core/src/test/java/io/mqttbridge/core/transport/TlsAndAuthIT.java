package io.mqttbridge.core.transport;

import io.mqttbridge.core.ssl.SslSettings;
import io.mqttbridge.core.ssl.TestCertificates;
import io.mqttbridge.core.transport.TransportTestSupport.Recorder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.mqttbridge.core.transport.TransportTestSupport.settings;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS, mutual TLS and user/password against a real Mosquitto. The broker's certificate names only
 * {@code localhost}, so {@code 127.0.0.1} is a host name mismatch.
 */
class TlsAndAuthIT {
    private static final char[] PW = "store-secret".toCharArray();

    @TempDir
    static Path dir;
    private static LocalMosquitto broker;
    private static LocalMosquitto authBroker;
    private static int tlsPort;
    private static int mtlsPort;
    private static Path caPem;
    private static Path otherCaPem;
    private static Path clientPem;
    private static Path clientP12;

    @BeforeAll
    static void start() throws Exception {
        KeyPair caKeys = TestCertificates.rsaKeyPair();
        X509Certificate ca = TestCertificates.selfSigned(caKeys, "test-ca", true);
        KeyPair serverKeys = TestCertificates.rsaKeyPair();
        X509Certificate server = TestCertificates.signed(caKeys, ca, serverKeys, "broker", "localhost");
        KeyPair clientKeys = TestCertificates.rsaKeyPair();
        X509Certificate client = TestCertificates.signed(caKeys, ca, clientKeys, "client");
        caPem = write("ca.pem", TestCertificates.pem(ca));
        otherCaPem = write("other-ca.pem", TestCertificates.pem(
            TestCertificates.selfSigned(TestCertificates.rsaKeyPair(), "other-ca", true)));
        Path serverCert = write("server.pem", TestCertificates.pem(server));
        Path serverKey = write("server.key", TestCertificates.pkcs8Pem(serverKeys));
        clientPem = write("client.pem", TestCertificates.pem(client) + TestCertificates.encryptedPkcs8Pem(clientKeys, PW));
        clientP12 = dir.resolve("client.p12");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("client", clientKeys.getPrivate(), PW, new Certificate[] {client, ca});
        try (OutputStream out = Files.newOutputStream(clientP12)) {
            ks.store(out, PW);
        }
        for (String type : List.of("JKS", "PKCS12")) {
            KeyStore ts = KeyStore.getInstance(type);
            ts.load(null, null);
            ts.setCertificateEntry("ca", ca);
            try (OutputStream out = Files.newOutputStream(dir.resolve("truststore." + type))) {
                ts.store(out, PW);
            }
        }
        tlsPort = freePort();
        mtlsPort = freePort();
        String tls = "cafile " + caPem + "\ncertfile " + serverCert + "\nkeyfile " + serverKey;
        Path brokerDir = Files.createDirectories(dir.resolve("broker"));
        broker = new LocalMosquitto(brokerDir, List.of(
            "listener " + tlsPort + " 127.0.0.1", tls,
            "listener " + mtlsPort + " 127.0.0.1", tls, "require_certificate true"));

        Path passwords = dir.resolve("passwd");
        Files.writeString(passwords, "");
        Process p = new ProcessBuilder("mosquitto_passwd", "-b", passwords.toString(), "bridge", "right-password")
            .inheritIO().start();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0);
        authBroker = new LocalMosquitto(Files.createDirectories(dir.resolve("auth")),
            List.of("allow_anonymous false", "password_file " + passwords));
    }

    @AfterAll
    static void stop() {
        broker.close();
        authBroker.close();
    }

    private static Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static SslSettings ssl(Path trust, String trustType, Path key, String keyType) {
        boolean pemKey = "PEM".equals(keyType);
        return new SslSettings(trust.toString(), trustType, "PEM".equals(trustType) ? null : PW,
            key == null ? null : key.toString(), keyType, pemKey ? null : PW, pemKey ? PW : null, "TLSv1.3",
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
        String uri = "ssl://localhost:" + tlsPort;
        connectAndPublish(v, uri, ssl(caPem, "PEM", null, null));
        connectAndPublish(v, uri, ssl(dir.resolve("truststore.JKS"), "JKS", null, null));
        connectAndPublish(v, uri, ssl(dir.resolve("truststore.PKCS12"), "PKCS12", null, null));
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void mutualTlsWithPemAndPkcs12Keystores(MqttVersion v) throws Exception {
        String uri = "ssl://localhost:" + mtlsPort;
        connectAndPublish(v, uri, ssl(caPem, "PEM", clientPem, "PEM"));
        connectAndPublish(v, uri, ssl(caPem, "PEM", clientP12, "PKCS12"));
        String msg = connectFailure(v, uri, ssl(caPem, "PEM", null, null), null, null);
        assertTrue(msg.contains("mqtt.ssl.keystore.location"), msg);
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void wrongCaIsNamed(MqttVersion v) {
        String msg = connectFailure(v, "ssl://localhost:" + tlsPort, ssl(otherCaPem, "PEM", null, null), null, null);
        assertTrue(msg.contains("TLS handshake failed") && msg.contains("PKIX")
            && msg.contains("mqtt.ssl.truststore.location"), msg);
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void hostNameMismatchIsRefusedUnlessVerificationIsOff(MqttVersion v) throws Exception {
        String uri = "ssl://127.0.0.1:" + tlsPort;
        String msg = connectFailure(v, uri, ssl(caPem, "PEM", null, null), null, null);
        assertTrue(msg.contains("hostname mismatch"), msg);
        SslSettings off = new SslSettings(caPem.toString(), "PEM", null, null, null, null, null, null, List.of(), "");
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
