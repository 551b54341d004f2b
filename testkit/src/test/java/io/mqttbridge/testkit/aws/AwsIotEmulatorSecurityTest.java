package io.mqttbridge.testkit.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqttbridge.testkit.tls.TlsMaterial;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may connect and act for which thing, over real mutual TLS: client certificates of the CA or of an added CA,
 * none or foreign ones refused at the handshake, revocation, and thing policies by CN or certificate id refused as
 * AWS IoT refuses them (MQTT 5 reason code 0x87, MQTT 3.1.1 connection closed).
 */
class AwsIotEmulatorSecurityTest extends EmulatorTestSupport {

  /** A second, unrelated PKI whose client certificate has the same CN as the emulator's own. */
  private TlsMaterial otherCa;

  @BeforeAll
  void generateOtherCa(@TempDir Path dir) {
    otherCa = TlsMaterial.generate(dir.resolve("other"), List.of("localhost"));
  }

  @Test
  void mqtt5RefusalsOfThePolicyAreReasonCode0x87() throws Exception {
    aws.setPolicy(CLIENT_CN, ThingPolicy.allowThings("ok-*"));
    TestClient.V5 device = v5("policy-v5");

    assertEquals(0x87, device.subscribe("$aws/things/other/shadow/update/accepted", 1));
    assertEquals(0x87, device.subscribe("$aws/things/+/shadow/update/accepted", 1));
    assertEquals(0x87, device.subscribe("$aws/#", 1));
    assertEquals(1, device.subscribe("$aws/things/ok-1/shadow/update/accepted", 1));
    assertEquals(1, device.subscribe("factory/line-1", 1));

    assertEquals(0x87, device.publish("$aws/things/other/shadow/update", "{\"state\":{\"reported\":{\"a\":1}}}"));
    assertEquals(0, device.publish("$aws/things/ok-1/shadow/update", "{\"state\":{\"reported\":{\"a\":1}}}"));
    device.await("$aws/things/ok-1/shadow/update/accepted");
    assertTrue(device.isConnected());
    assertFalse(aws.shadow("other").isPresent());
    assertTrue(aws.shadow("ok-1").isPresent());
  }

  @Test
  void mqtt311RefusalsOfThePolicyCloseTheConnection() throws Exception {
    aws.setPolicy(CLIENT_CN, ThingPolicy.allowThings("ok-*"));
    TestClient.V3 subscriber = v3("policy-v3-sub");
    assertEquals(1, subscriber.subscribe("$aws/things/ok-2/shadow/get/accepted", 1));
    subscriber.subscribeAsync("$aws/things/other/shadow/get/accepted", 1);
    subscriber.awaitDisconnected();

    TestClient.V3 publisher = v3("policy-v3-pub");
    publisher.publishAsync("$aws/things/other/shadow/update", "{\"state\":{\"reported\":{\"a\":1}}}", 1);
    publisher.awaitDisconnected();
    assertFalse(aws.shadow("other").isPresent());
  }

  @Test
  void policiesNameCertificatesByFingerprintAndExtraCasAreTrusted() throws Exception {
    X509Certificate otherClient = readCertificate(otherCa.clientCertPem());
    X509Certificate ownClient = readCertificate(tls.clientCertPem());
    assertEquals(ownClient.getSubjectX500Principal(), otherClient.getSubjectX500Principal(), "same CN on purpose");
    try (AwsIotEmulator twoCas = AwsIotEmulator.start(AwsIotEmulator.Config.builder(tls)
        .trustCa(otherCa.caCertificate())
        .policy(AwsIotEmulator.certificateId(otherClient).toUpperCase(Locale.ROOT), ThingPolicy.denyAll())
        .build())) {
      TestClient.V5 other = track(TestClient.v5(twoCas.serverUri(), "other-ca", otherClientContext()));
      TestClient.V5 own = track(TestClient.v5(twoCas.serverUri(), "own-ca", tls.clientSslContext(true)));
      assertEquals(0x87, other.subscribe("$aws/things/x/shadow/get/accepted", 1));
      assertEquals(1, own.subscribe("$aws/things/x/shadow/get/accepted", 1));
    }
  }

  @Test
  void clientsWithoutAValidCertificateFailTheHandshake() {
    assertThrows(MqttException.class, () -> track(TestClient.v5(aws.serverUri(), "no-cert",
        tls.clientSslContext(false))));
    assertThrows(MqttException.class, () -> track(TestClient.v5(aws.serverUri(), "foreign-cert",
        otherClientContext())));
    assertFalse(aws.connectedClientIds().contains("no-cert"));
  }

  @Test
  void revokedCertificatesAreDisconnectedAndRefused() throws Exception {
    TestClient.V5 live = v5("revoke-live");
    aws.revokeCertificate(CLIENT_CN);
    live.awaitDisconnected();

    MqttException v5 = assertThrows(MqttException.class, () -> v5("revoked-v5"));
    assertEquals(0x87, v5.getReasonCode());
    org.eclipse.paho.client.mqttv3.MqttException v3 =
        assertThrows(org.eclipse.paho.client.mqttv3.MqttException.class, () -> v3("revoked-v3"));
    assertEquals(org.eclipse.paho.client.mqttv3.MqttException.REASON_CODE_NOT_AUTHORIZED, v3.getReasonCode());

    aws.reinstateCertificate(CLIENT_CN);
    assertTrue(v5("reinstated").isConnected());
  }

  /** The other material's client certificate, trusting this emulator's CA. */
  private SSLContext otherClientContext() throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(otherCa.clientKeystore("PKCS12"))) {
      keys.load(in, otherCa.password().toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, otherCa.password().toCharArray());
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", tls.caCertificate());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return context;
  }

  private static X509Certificate readCertificate(Path pem) throws Exception {
    try (InputStream in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }
}
