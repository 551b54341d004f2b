package io.mqttbridge.core.ssl;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.security.cert.X509Certificate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PemFileTest {
    private static KeyPair keys;
    private static X509Certificate cert;
    private static X509Certificate other;

    @BeforeAll
    static void material() throws Exception {
        keys = TestCertificates.rsaKeyPair();
        cert = TestCertificates.selfSigned(keys, "client", false);
        other = TestCertificates.selfSigned(TestCertificates.rsaKeyPair(), "ca", true);
    }

    @Test
    void readsSeveralCertificatesInOrder() throws Exception {
        String text = "comment before\n" + TestCertificates.pem(cert) + "between\n" + TestCertificates.pem(other);
        PemFile pem = PemFile.parse(text, "ca.pem", "mqtt.ssl.truststore.location", null);
        assertEquals(2, pem.certificates().size());
        assertEquals(cert, pem.certificates().get(0));
        assertEquals(other, pem.certificates().get(1));
        assertNull(pem.privateKey());
    }

    @Test
    void readsPkcs8Key() throws Exception {
        PemFile pem = PemFile.parse(TestCertificates.pem(cert) + TestCertificates.pkcs8Pem(keys), "k.pem", "key", null);
        assertArrayEquals(keys.getPrivate().getEncoded(), pem.privateKey().getEncoded());
        assertEquals(1, pem.certificates().size());
    }

    @Test
    void readsPkcs1KeyByWrappingItInPkcs8() throws Exception {
        String text = TestCertificates.pkcs1Pem(keys);
        assertTrue(text.contains("BEGIN RSA PRIVATE KEY"));
        PemFile pem = PemFile.parse(text + TestCertificates.pem(cert), "k.pem", "key", null);
        assertArrayEquals(keys.getPrivate().getEncoded(), pem.privateKey().getEncoded());
    }

    @Test
    void decryptsEncryptedPkcs8Key() throws Exception {
        char[] password = "s3cret-pw".toCharArray();
        String text = TestCertificates.encryptedPkcs8Pem(keys, password);
        assertTrue(text.contains("BEGIN ENCRYPTED PRIVATE KEY"));
        PemFile pem = PemFile.parse(text, "k.pem", "mqtt.ssl.keystore.location", password);
        assertArrayEquals(keys.getPrivate().getEncoded(), pem.privateKey().getEncoded());
    }

    @Test
    void wrongKeyPasswordIsNamedWithoutThePassword() throws Exception {
        String text = TestCertificates.encryptedPkcs8Pem(keys, "right-pw".toCharArray());
        SslConfigException e = assertThrows(SslConfigException.class,
            () -> PemFile.parse(text, "/etc/k.pem", "mqtt.ssl.keystore.location", "wrong-pw".toCharArray()));
        assertTrue(e.getMessage().contains("/etc/k.pem"), e.getMessage());
        assertTrue(e.getMessage().contains("mqtt.ssl.key.password"), e.getMessage());
        assertFalse(e.getMessage().contains("wrong-pw") || e.getMessage().contains("right-pw"), e.getMessage());
    }

    @Test
    void encryptedKeyWithoutPasswordSaysWhichKeyIsMissing() throws Exception {
        String text = TestCertificates.encryptedPkcs8Pem(keys, "pw".toCharArray());
        SslConfigException e = assertThrows(SslConfigException.class, () -> PemFile.parse(text, "k.pem", "x", null));
        assertTrue(e.getMessage().contains("mqtt.ssl.key.password"), e.getMessage());
    }

    @Test
    void rejectsUnsupportedBlocksAndEmptyFiles() {
        SslConfigException ec = assertThrows(SslConfigException.class, () -> PemFile.parse(
            "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n", "ec.pem", "k", null));
        assertTrue(ec.getMessage().contains("EC PRIVATE KEY") && ec.getMessage().contains("ec.pem"), ec.getMessage());
        SslConfigException empty = assertThrows(SslConfigException.class,
            () -> PemFile.parse("nothing here", "e.pem", "mqtt.ssl.truststore.location", null));
        assertTrue(empty.getMessage().contains("mqtt.ssl.truststore.location"), empty.getMessage());
    }

    @Test
    void wrapsLongPkcs1WithMultiByteLength() {
        byte[] wrapped = PemFile.wrapPkcs1(new byte[300]);
        assertEquals(0x30, wrapped[0]);
        assertEquals((byte) 0x82, wrapped[1]);
        int bodyLength = ((wrapped[2] & 0xff) << 8) | (wrapped[3] & 0xff);
        assertEquals(wrapped.length - 4, bodyLength);
    }
}
