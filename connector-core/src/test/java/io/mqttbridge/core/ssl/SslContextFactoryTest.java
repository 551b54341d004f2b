package io.mqttbridge.core.ssl;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SslContextFactoryTest {
    private static final char[] PW = "store-pw".toCharArray();
    private static KeyPair serverKeys;
    private static X509Certificate serverCert;
    private static KeyPair clientKeys;
    private static X509Certificate clientCert;

    @TempDir
    Path dir;

    @BeforeAll
    static void material() throws Exception {
        serverKeys = TestCertificates.rsaKeyPair();
        serverCert = TestCertificates.selfSigned(serverKeys, "broker", true, "localhost");
        clientKeys = TestCertificates.rsaKeyPair();
        clientCert = TestCertificates.selfSigned(clientKeys, "client", false);
    }

    private static SslSettings trust(Path file, String type, char[] pw) {
        return new SslSettings(file.toString(), type, pw, null, null, null, null, null, List.of(), "HTTPS");
    }

    private Path store(String type, boolean withKey) throws Exception {
        KeyStore ks = KeyStore.getInstance(type);
        ks.load(null, null);
        if (withKey) {
            ks.setKeyEntry("client", clientKeys.getPrivate(), PW, new Certificate[] {clientCert});
        } else {
            ks.setCertificateEntry("ca", serverCert);
        }
        Path file = dir.resolve((withKey ? "keystore." : "truststore.") + type.toLowerCase());
        try (OutputStream out = Files.newOutputStream(file)) {
            ks.store(out, PW);
        }
        return file;
    }

    @Test
    void loadsJksPkcs12AndPemTruststores() throws Exception {
        for (String type : List.of("JKS", "PKCS12")) {
            KeyStore ks = SslContextFactory.truststore(trust(store(type, false), type, PW));
            assertEquals(serverCert, ks.getCertificate("ca"), type);
        }
        Path pem = dir.resolve("ca.pem");
        Files.writeString(pem, TestCertificates.pem(serverCert) + TestCertificates.pem(clientCert));
        KeyStore ks = SslContextFactory.truststore(trust(pem, "PEM", null));
        assertEquals(2, ks.size());
    }

    @Test
    void loadsJksPkcs12AndPemKeystores() throws Exception {
        for (String type : List.of("JKS", "PKCS12")) {
            SslSettings s = new SslSettings(null, null, null, store(type, true).toString(), type, PW, null, null,
                List.of(), "HTTPS");
            assertTrue(SslContextFactory.keystore(s).isKeyEntry("client"), type);
            SslContextFactory.context(s);
        }
        Path pem = dir.resolve("client.pem");
        Files.writeString(pem, TestCertificates.pem(clientCert) + TestCertificates.encryptedPkcs8Pem(clientKeys, PW));
        SslSettings s = new SslSettings(null, null, null, pem.toString(), "PEM", null, PW, null, List.of(), "HTTPS");
        KeyStore ks = SslContextFactory.keystore(s);
        assertEquals(clientCert, ks.getCertificateChain("client")[0]);
        SslContextFactory.context(s);
    }

    @Test
    void wrongStorePasswordNamesFileAndKeyButNotPassword() throws Exception {
        Path file = store("PKCS12", false);
        SslConfigException e = assertThrows(SslConfigException.class,
            () -> SslContextFactory.truststore(trust(file, "PKCS12", "nope-pw".toCharArray())));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("mqtt.ssl.truststore.password"), e.getMessage());
        assertFalse(e.getMessage().contains("nope-pw") || e.getMessage().contains("store-pw"), e.getMessage());
    }

    @Test
    void missingFileNamesTheKey() {
        SslConfigException e = assertThrows(SslConfigException.class,
            () -> SslContextFactory.truststore(trust(dir.resolve("none.jks"), "JKS", PW)));
        assertTrue(e.getMessage().contains("mqtt.ssl.truststore.location") && e.getMessage().contains("does not exist"),
            e.getMessage());
    }

    @Test
    void rejectsProtocolsOlderThanTls12() throws Exception {
        Path file = store("JKS", false);
        SslSettings old = new SslSettings(file.toString(), "JKS", PW, null, null, null, null, "TLSv1.3",
            List.of("TLSv1.2", "TLSv1.1"), "HTTPS");
        SslConfigException e = assertThrows(SslConfigException.class, () -> SslContextFactory.socketFactory(old));
        assertTrue(e.getMessage().contains("mqtt.ssl.enabled.protocols") && e.getMessage().contains("TLSv1.1"),
            e.getMessage());
        SslSettings oldContext = new SslSettings(file.toString(), "JKS", PW, null, null, null, null, "TLSv1",
            List.of(), "HTTPS");
        assertThrows(SslConfigException.class, () -> SslContextFactory.socketFactory(oldContext));
    }

    /** A real handshake with a server whose certificate names only "localhost". */
    @Test
    void verifiesTheHostNameUnlessTurnedOff() throws Exception {
        Path file = store("PKCS12", false);
        KeyStore serverStore = KeyStore.getInstance("PKCS12");
        serverStore.load(null, null);
        serverStore.setKeyEntry("server", serverKeys.getPrivate(), PW, new Certificate[] {serverCert});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(serverStore, PW);
        SSLContext serverContext = SSLContext.getInstance("TLSv1.3");
        serverContext.init(kmf.getKeyManagers(), null, null);
        try (SSLServerSocket server = (SSLServerSocket) serverContext.getServerSocketFactory().createServerSocket(0)) {
            CompletableFuture.runAsync(() -> {
                while (!server.isClosed()) {
                    try (Socket s = server.accept()) {
                        ((SSLSocket) s).startHandshake();
                        s.getOutputStream().write(1);
                    } catch (Exception ignored) {
                        // a client that fails the handshake
                    }
                }
            });
            int port = server.getLocalPort();
            TlsSocketFactory checking = (TlsSocketFactory) SslContextFactory.socketFactory(trust(file, "PKCS12", PW));
            assertTrue(checking.verifiesHostname());
            handshake(checking, "localhost", port);

            SSLHandshakeException e = assertThrows(SSLHandshakeException.class,
                () -> handshake(checking, "127.0.0.1", port));
            assertTrue(e.getMessage().contains("No subject alternative names"), e.getMessage());

            SslSettings off = new SslSettings(file.toString(), "PKCS12", PW, null, null, null, null, null, List.of(), "");
            TlsSocketFactory lenient = (TlsSocketFactory) SslContextFactory.socketFactory(off);
            assertFalse(lenient.verifiesHostname());
            handshake(lenient, "127.0.0.1", port);
        }
    }

    private static void handshake(TlsSocketFactory factory, String host, int port) throws Exception {
        try (SSLSocket s = (SSLSocket) factory.createSocket()) {
            s.connect(new InetSocketAddress(host, port), 5000);
            assertTrue(s.getTcpNoDelay());
            s.startHandshake();
            assertEquals(1, s.getInputStream().read());
        }
    }
}
