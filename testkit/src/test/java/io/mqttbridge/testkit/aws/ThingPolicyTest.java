package io.mqttbridge.testkit.aws;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ThingPolicyTest {

  @Test
  void patternsUseStarAndQuestionMarkAndNothingElse() {
    ThingPolicy policy = ThingPolicy.allowThings("sensor-*", "gw-?", "a.b");
    assertTrue(policy.allows("sensor-"));
    assertTrue(policy.allows("sensor-17"));
    assertTrue(policy.allows("gw-1"));
    assertFalse(policy.allows("gw-12"));
    assertTrue(policy.allows("a.b"));
    assertFalse(policy.allows("axb"), "regex characters are literal");
    assertFalse(policy.allows("+"), "a wildcard subscription needs a '*' policy");
    assertTrue(ThingPolicy.allowAll().allows("+"));
    assertFalse(ThingPolicy.denyAll().allows("anything"));
    assertThrows(IllegalArgumentException.class, () -> ThingPolicy.allowThings(""));
  }

  @Test
  void certificatesAreNamedByIdFirstThenByCommonName() {
    String id = "ab".repeat(32);
    ClientIdentity identity = new ClientIdentity("device-1", id);
    CertificatePolicies policies = new CertificatePolicies(ThingPolicy.allowAll());
    ThingPolicy byName = ThingPolicy.allowThings("n");
    ThingPolicy byId = ThingPolicy.allowThings("i");
    policies.setPolicy("device-1", byName);
    assertSame(byName, policies.policyFor(identity));
    policies.setPolicy(id.toUpperCase(java.util.Locale.ROOT), byId);
    assertSame(byId, policies.policyFor(identity));
    assertSame(ThingPolicy.allowAll(), policies.policyFor(new ClientIdentity("other", "cd".repeat(32))));

    policies.revoke("device-1");
    assertTrue(policies.isRevoked(identity));
    policies.reinstate("device-1");
    policies.revoke(id);
    assertTrue(policies.isRevoked(identity));
    policies.reinstate(id.toUpperCase(java.util.Locale.ROOT));
    assertFalse(policies.isRevoked(identity));
  }
}
