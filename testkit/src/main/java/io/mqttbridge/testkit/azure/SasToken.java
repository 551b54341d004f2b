package io.mqttbridge.testkit.azure;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An IoT Hub shared access signature: {@code SharedAccessSignature sr=RESOURCE&sig=SIGNATURE&se=EXPIRY[&skn=NAME]},
 * the signature being the base64 HMAC-SHA256, under the base64-decoded key, of {@code RESOURCE + "\n" + EXPIRY}.
 *
 * <p>The documentation URL-encodes the resource before signing it and puts the encoded form into {@code sr}; the Java
 * device SDK signs and sends it unencoded. Both are accepted here because the signature is checked over {@code sr}
 * exactly as it appears in the token, and the resource compared after URL-decoding.
 */
public final class SasToken {
  private static final String PREFIX = "SharedAccessSignature ";

  private final String signedResource;
  private final String resource;
  private final String signature;
  private final long expirySeconds;
  private final String keyName;

  private SasToken(String signedResource, String resource, String signature, long expirySeconds, String keyName) {
    this.signedResource = signedResource;
    this.resource = resource;
    this.signature = signature;
    this.expirySeconds = expirySeconds;
    this.keyName = keyName;
  }

  /** A token in the documented form for {@code resourceUri} (e.g. {@code HUB/devices/DEVICE}), valid until expiry. */
  public static String create(String resourceUri, String base64Key, Instant expiry) {
    String encodedResource = urlEncode(resourceUri);
    long se = expiry.getEpochSecond();
    String sig = sign(base64Key, encodedResource + "\n" + se);
    return PREFIX + "sr=" + encodedResource + "&sig=" + urlEncode(sig) + "&se=" + se;
  }

  /** The resource URI of a device identity: {@code HUB/devices/DEVICE}. */
  public static String deviceResource(String hostName, String deviceId) {
    return hostName + "/devices/" + deviceId;
  }

  /**
   * A device's key derived from an enrollment group key, as the Device Provisioning Service does: the base64
   * HMAC-SHA256 of the device (registration) id under the base64-decoded group key.
   */
  public static String deriveDeviceKey(String groupKey, String deviceId) {
    return sign(groupKey, deviceId);
  }

  /**
   * Parses a token.
   *
   * @throws IllegalArgumentException naming what is malformed
   */
  public static SasToken parse(String token) {
    if (token == null || !token.startsWith(PREFIX)) {
      throw new IllegalArgumentException("the password is not a SAS token: it must start with '" + PREFIX.trim()
          + " '");
    }
    Map<String, String> fields = new HashMap<>();
    for (String field : token.substring(PREFIX.length()).trim().split("&")) {
      int eq = field.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("the SAS token field '" + abbreviate(field) + "' is not NAME=VALUE");
      }
      fields.put(field.substring(0, eq), field.substring(eq + 1));
    }
    for (String required : new String[] {"sr", "sig", "se"}) {
      if (!fields.containsKey(required) || fields.get(required).isEmpty()) {
        throw new IllegalArgumentException("the SAS token has no '" + required + "' field");
      }
    }
    long se;
    try {
      se = Long.parseLong(fields.get("se"));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("the SAS token expiry se=" + abbreviate(fields.get("se"))
          + " is not a number of seconds");
    }
    return new SasToken(fields.get("sr"), urlDecode(fields.get("sr")), urlDecode(fields.get("sig")), se,
        fields.get("skn"));
  }

  /** The resource the token grants access to, URL-decoded. */
  public String resource() {
    return resource;
  }

  /** When the token expires. */
  public Instant expiry() {
    return Instant.ofEpochSecond(expirySeconds);
  }

  /** The {@code skn} policy name, or null for a device-scoped token. */
  public String keyName() {
    return keyName;
  }

  /** Whether the token is expired at {@code now}. */
  public boolean isExpiredAt(Instant now) {
    return now.getEpochSecond() >= expirySeconds;
  }

  /** Whether the token was signed with {@code base64Key}; compared in constant time. */
  public boolean isSignedWith(String base64Key) {
    if (base64Key == null) {
      return false;
    }
    byte[] expected = sign(base64Key, signedResource + "\n" + expirySeconds).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII));
  }

  private static String sign(String base64Key, String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(Base64.getDecoder().decode(base64Key), "HmacSHA256"));
      return Base64.getEncoder().encodeToString(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  private static String urlEncode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private static String urlDecode(String text) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the SAS token holds a malformed URL-encoded value: " + abbreviate(text));
    }
  }

  private static String abbreviate(String text) {
    String clean = text.replaceAll("\\p{Cntrl}", "?");
    return clean.length() <= 40 ? clean : clean.substring(0, 40) + "...";
  }

  /** The token's fields without the signature: safe to log. */
  @Override
  public String toString() {
    return "SasToken[sr=" + resource + ", se=" + expiry() + (keyName == null ? "" : ", skn=" + keyName) + "]";
  }
}
