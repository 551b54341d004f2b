package io.mqttbridge.testkit.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsMaterialTest {

  @TempDir
  Path dir;

  @Test
  void writesPemFilesAndStoresSignedByTheCa() throws Exception {
    TlsMaterial tls = TlsMaterial.generate(dir);
    X509Certificate ca = read(tls.caCertPem());
    X509Certificate server = read(tls.serverCertPem());
    X509Certificate client = read(tls.clientCertPem());
    server.verify(ca.getPublicKey());
    client.verify(ca.getPublicKey());
    assertEquals("SHA256withRSA", server.getSigAlgName());
    assertTrue(server.getSubjectAlternativeNames().stream().map(l -> l.get(1)).toList()
        .containsAll(List.of("localhost", "127.0.0.1")));
    assertTrue(Files.readString(tls.clientKeyPem()).startsWith("-----BEGIN PRIVATE KEY-----"));
    String combined = Files.readString(tls.clientKeystorePem());
    assertTrue(combined.contains("BEGIN CERTIFICATE") && combined.contains("BEGIN PRIVATE KEY"));

    for (String type : List.of("JKS", "PKCS12")) {
      KeyStore trust = load(tls.truststore(type), type, tls.password());
      assertEquals(ca, trust.getCertificate("ca"));
      KeyStore keys = load(tls.clientKeystore(type), type, tls.password());
      assertEquals(client, keys.getCertificate("client"));
      assertTrue(keys.isKeyEntry("client"));
    }
    assertThrows(IllegalArgumentException.class, () -> tls.truststore("PEM"));
  }

  @Test
  void everyCallMakesANewCa() throws Exception {
    TlsMaterial first = TlsMaterial.generate(dir.resolve("a"));
    TlsMaterial second = TlsMaterial.generate(dir.resolve("b"));
    assertNotEquals(first.caCertificate(), second.caCertificate());
    X509Certificate server = read(second.serverCertPem());
    assertThrows(java.security.SignatureException.class, () -> server.verify(first.caCertificate().getPublicKey()));
  }

  private static X509Certificate read(Path pem) throws Exception {
    try (InputStream in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  private static KeyStore load(Path file, String type, String password) throws Exception {
    KeyStore store = KeyStore.getInstance(type);
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, password.toCharArray());
    }
    return store;
  }
}
