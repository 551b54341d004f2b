package io.mqttbridge.testkit.aws;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Pattern;

/**
 * The registry side of AWS IoT the emulator needs: the {@link ThingPolicy} attached to each client certificate and
 * which certificates are revoked. A certificate is named by its certificate id (SHA-256 fingerprint, any case) or
 * its subject CN; an entry under the id wins over one under the CN. Changes apply at once, also to live connections.
 */
final class CertificatePolicies {

  private static final Pattern CERTIFICATE_ID = Pattern.compile("[0-9a-fA-F]{64}");

  private final ConcurrentMap<String, ThingPolicy> policies = new ConcurrentHashMap<>();
  private final Set<String> revoked = ConcurrentHashMap.newKeySet();
  private volatile ThingPolicy defaultPolicy;

  CertificatePolicies(ThingPolicy defaultPolicy) {
    this.defaultPolicy = defaultPolicy;
  }

  void setPolicy(String certificate, ThingPolicy policy) {
    policies.put(key(certificate), policy);
  }

  void setDefaultPolicy(ThingPolicy policy) {
    defaultPolicy = policy;
  }

  void revoke(String certificate) {
    revoked.add(key(certificate));
  }

  void reinstate(String certificate) {
    revoked.remove(key(certificate));
  }

  ThingPolicy policyFor(ClientIdentity identity) {
    ThingPolicy byId = policies.get(identity.certificateId());
    if (byId != null) {
      return byId;
    }
    ThingPolicy byName = policies.get(identity.commonName());
    return byName != null ? byName : defaultPolicy;
  }

  boolean isRevoked(ClientIdentity identity) {
    return revoked.contains(identity.certificateId()) || revoked.contains(identity.commonName());
  }

  private static String key(String certificate) {
    if (certificate == null || certificate.isEmpty()) {
      throw new IllegalArgumentException("name a certificate by its subject CN or SHA-256 fingerprint");
    }
    return CERTIFICATE_ID.matcher(certificate).matches() ? certificate.toLowerCase(Locale.ROOT) : certificate;
  }
}
