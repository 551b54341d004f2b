package io.mqttbridge.testkit.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class SasTokenTest {
  private static final String KEY = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());

  /** The example of the DPS documentation ("Derive a device key"). */
  @Test
  void derivesDeviceKeysFromAGroupKeyAsDpsDocuments() {
    assertEquals("Jsm0lyGpjaVYVP2g3FnmnmG9dI/9qU24wNoykUmermc=", SasToken.deriveDeviceKey(
        "8isrFI1sGsIlvvFSSFRiMfCNzv21fjbE/+ah/lSh3lF8e2YG1Te7w1KpZhJFFXJrqYKi9yegxkqIChbqOS9Egw==",
        "sn-007-888-abc-mac-a1-b2-c3-d4-e5-f6"));
  }

  @Test
  void aDocumentedFormTokenParsesAndVerifies() {
    Instant expiry = Instant.parse("2030-01-01T00:00:00Z");
    String token = SasToken.create("hub.azure-devices.net/devices/d1", KEY, expiry);
    assertTrue(token.startsWith("SharedAccessSignature sr=hub.azure-devices.net%2Fdevices%2Fd1&sig="), token);
    SasToken parsed = SasToken.parse(token);
    assertEquals("hub.azure-devices.net/devices/d1", parsed.resource());
    assertEquals(expiry, parsed.expiry());
    assertTrue(parsed.isSignedWith(KEY));
    assertFalse(parsed.isSignedWith(Base64.getEncoder().encodeToString(new byte[32])));
    assertFalse(parsed.isExpiredAt(Instant.parse("2029-12-31T23:59:59Z")));
    assertTrue(parsed.isExpiredAt(expiry));
  }

  /** The Java device SDK signs the resource unencoded and sends it so, with the fields in another order. */
  @Test
  void anSdkFormTokenVerifiesToo() throws Exception {
    String resource = "hub.azure-devices.net/devices/d1";
    long se = 1_900_000_000L;
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(Base64.getDecoder().decode(KEY), "HmacSHA256"));
    String sig = URLEncoder.encode(Base64.getEncoder().encodeToString(
        mac.doFinal((resource + "\n" + se).getBytes(StandardCharsets.UTF_8))), StandardCharsets.UTF_8);
    SasToken parsed = SasToken.parse("SharedAccessSignature sig=" + sig + "&se=" + se + "&sr=" + resource);
    assertEquals(resource, parsed.resource());
    assertTrue(parsed.isSignedWith(KEY));
  }

  @Test
  void malformedTokensAreNamed() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> SasToken.parse("Basic abc")).getMessage()
        .contains("not a SAS token"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> SasToken.parse("SharedAccessSignature sr=a&sig=b")).getMessage().contains("'se'"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> SasToken.parse("SharedAccessSignature sr=a&sig=b&se=soon")).getMessage().contains("not a number"));
  }

  @Test
  void toStringHidesTheSignature() {
    String token = SasToken.create("hub.azure-devices.net/devices/d1", KEY, Instant.parse("2030-01-01T00:00:00Z"));
    String sig = token.substring(token.indexOf("sig=") + 4, token.indexOf("&se="));
    assertFalse(SasToken.parse(token).toString().contains(sig));
  }
}
