package io.mqttbridge.testkit.aws;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Who a connection is: the subject CN of its client certificate and the certificate's id, which on AWS IoT is the
 * SHA-256 fingerprint of the DER encoding in lowercase hex (64 characters).
 *
 * @param commonName the subject CN, or the whole subject if it has none
 * @param certificateId the SHA-256 fingerprint, lowercase hex
 */
record ClientIdentity(String commonName, String certificateId) {

  static ClientIdentity of(X509Certificate certificate) {
    return new ClientIdentity(commonName(certificate), certificateId(certificate));
  }

  static String certificateId(X509Certificate certificate) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      throw new IllegalStateException("Cannot fingerprint " + certificate.getSubjectX500Principal(), e);
    }
  }

  private static String commonName(X509Certificate certificate) {
    String subject = certificate.getSubjectX500Principal().getName();
    try {
      for (Rdn rdn : new LdapName(subject).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return rdn.getValue().toString();
        }
      }
    } catch (InvalidNameException e) {
      // fall back to the whole subject
    }
    return subject;
  }

  @Override
  public String toString() {
    return "CN=" + commonName + " (" + certificateId.substring(0, 12) + "...)";
  }
}
