package io.mqttbridge.testkit.tls;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away PKI for tests: a CA, a server certificate (SAN {@code localhost}, {@code 127.0.0.1}) and a client
 * certificate (CN {@code mqtt-client}), both signed by the CA, RSA 2048 with SHA256, valid for a year.
 *
 * <p>Every call of {@link #generate(Path)} makes a fresh CA, so material from a second call is "an untrusted CA"
 * for the first. Files are PEM (keys as unencrypted PKCS#8), plus JKS and PKCS12 stores created on demand; every
 * store uses {@link #password()}.
 */
public final class TlsMaterial {

  private static final String SIGNATURE = "SHA256withRSA";
  private static final Duration VALIDITY = Duration.ofDays(365);
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private final Path dir;
  private final String password;
  private final X509Certificate caCert;
  private final KeyPair serverKeys;
  private final X509Certificate serverCert;
  private final KeyPair clientKeys;
  private final X509Certificate clientCert;

  private TlsMaterial(Path dir, String password, X509Certificate caCert, KeyPair serverKeys,
      X509Certificate serverCert, KeyPair clientKeys, X509Certificate clientCert) {
    this.dir = dir;
    this.password = password;
    this.caCert = caCert;
    this.serverKeys = serverKeys;
    this.serverCert = serverCert;
    this.clientKeys = clientKeys;
    this.clientCert = clientCert;
  }

  /** Generates a new CA, server and client certificate and writes the PEM files into {@code dir} (created if needed). */
  public static TlsMaterial generate(Path dir) {
    return generate(dir, List.of("localhost", "127.0.0.1"));
  }

  /**
   * As {@link #generate(Path)}, with a server certificate whose SAN holds exactly {@code serverNames} (DNS names,
   * or IPv4 literals as IP addresses): e.g. {@code List.of("localhost")} so that a client connecting to
   * {@code 127.0.0.1} meets a host name mismatch.
   */
  public static TlsMaterial generate(Path dir, List<String> serverNames) {
    return generate(dir, serverNames, false);
  }

  /**
   * As {@link #generate(Path)}, with a server certificate that expired a day ago (the CA and client certificate
   * are valid): for tests of what a client says about an expired broker certificate.
   */
  public static TlsMaterial generateWithExpiredServerCertificate(Path dir) {
    return generate(dir, List.of("localhost", "127.0.0.1"), true);
  }

  private static TlsMaterial generate(Path dir, List<String> serverNames, boolean expiredServer) {
    if (serverNames.isEmpty()) {
      throw new IllegalArgumentException("the server certificate needs at least one name");
    }
    GeneralName[] sans = serverNames.stream()
        .map(n -> new GeneralName(IPV4.matcher(n).matches() ? GeneralName.iPAddress : GeneralName.dNSName, n))
        .toArray(GeneralName[]::new);
    try {
      Files.createDirectories(dir);
      SecureRandom random = new SecureRandom();
      KeyPair caKeys = rsaKeyPair(random);
      X500Principal caName = new X500Principal("CN=mqtt-cloud-bridge test CA " + Long.toHexString(random.nextLong()));
      X509Certificate ca = sign(caName, caKeys, caName, caKeys.getPublic(), random, b -> {
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      });

      KeyPair serverKeys = rsaKeyPair(random);
      Instant now = Instant.now();
      Instant serverNotAfter = expiredServer ? now.minus(Duration.ofDays(1)) : now.plus(VALIDITY);
      X509Certificate server = sign(caName, caKeys, new X500Principal("CN=localhost"), serverKeys.getPublic(), random,
          serverNotAfter.minus(VALIDITY), serverNotAfter, b -> {
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true,
                new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
          });

      KeyPair clientKeys = rsaKeyPair(random);
      X509Certificate client = sign(caName, caKeys, new X500Principal("CN=mqtt-client"), clientKeys.getPublic(),
          random, b -> {
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true,
                new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
          });

      String password = randomPassword(random);
      TlsMaterial material = new TlsMaterial(dir, password, ca, serverKeys, server, clientKeys, client);
      material.writePemFiles();
      return material;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write TLS material to " + dir, e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("Cannot generate TLS material", e);
    }
  }

  /** The CA certificate (PEM). */
  public Path caCertPem() {
    return dir.resolve("ca.crt");
  }

  /** The server certificate (PEM); SAN localhost and 127.0.0.1 unless other names were given. */
  public Path serverCertPem() {
    return dir.resolve("server.crt");
  }

  /** The server's private key, unencrypted PKCS#8 PEM. */
  public Path serverKeyPem() {
    return dir.resolve("server.key");
  }

  /** The client certificate (PEM). */
  public Path clientCertPem() {
    return dir.resolve("client.crt");
  }

  /** The client's private key, unencrypted PKCS#8 PEM. */
  public Path clientKeyPem() {
    return dir.resolve("client.key");
  }

  /** Client certificate, CA certificate and the client's PKCS#8 key in one PEM file. */
  public Path clientKeystorePem() {
    return dir.resolve("client-keystore.pem");
  }

  /** A trust store of {@code type} ("JKS" or "PKCS12") holding the CA certificate under alias {@code ca}. */
  public Path truststore(String type) {
    String normalized = storeType(type);
    Path file = dir.resolve("truststore." + normalized.toLowerCase(Locale.ROOT));
    if (!Files.exists(file)) {
      writeStore(file, normalized, ks -> ks.setCertificateEntry("ca", caCert));
    }
    return file;
  }

  /** A key store of {@code type} ("JKS" or "PKCS12") with the client key and chain under alias {@code client}. */
  public Path clientKeystore(String type) {
    String normalized = storeType(type);
    Path file = dir.resolve("client-keystore." + normalized.toLowerCase(Locale.ROOT));
    if (!Files.exists(file)) {
      writeStore(file, normalized, ks -> ks.setKeyEntry("client", clientKeys.getPrivate(), password.toCharArray(),
          new Certificate[] {clientCert, caCert}));
    }
    return file;
  }

  /** A key store of {@code type} ("JKS" or "PKCS12") with the server key and chain under alias {@code server}. */
  public Path serverKeystore(String type) {
    String normalized = storeType(type);
    Path file = dir.resolve("server-keystore." + normalized.toLowerCase(Locale.ROOT));
    if (!Files.exists(file)) {
      writeStore(file, normalized, ks -> ks.setKeyEntry("server", serverKeys.getPrivate(), password.toCharArray(),
          new Certificate[] {serverCert, caCert}));
    }
    return file;
  }

  /** The password of every key and store made by this material. */
  public String password() {
    return password;
  }

  /** The CA certificate. */
  public X509Certificate caCertificate() {
    return caCert;
  }

  /**
   * A client-side {@link SSLContext} trusting this CA; with {@code clientCertificate} it also presents the client
   * certificate (mutual TLS).
   */
  public SSLContext clientSslContext(boolean clientCertificate) {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", caCert);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      KeyManagerFactory kmf = null;
      if (clientCertificate) {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("client", clientKeys.getPrivate(), password.toCharArray(),
            new Certificate[] {clientCert, caCert});
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, password.toCharArray());
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("Cannot build a client SSLContext from the test TLS material", e);
    }
  }

  /** A server-side {@link SSLContext} presenting the server certificate and trusting this CA for client certificates. */
  public SSLContext serverSslContext() {
    try {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("server", serverKeys.getPrivate(), password.toCharArray(),
          new Certificate[] {serverCert, caCert});
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, password.toCharArray());
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", caCert);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("Cannot build a server SSLContext from the test TLS material", e);
    }
  }

  @Override
  public String toString() {
    return "TlsMaterial[" + dir + "]";
  }

  private void writePemFiles() throws IOException {
    Files.writeString(caCertPem(), pem(caCert));
    Files.writeString(serverCertPem(), pem(serverCert));
    Files.writeString(serverKeyPem(), pkcs8Pem(serverKeys));
    Files.writeString(clientCertPem(), pem(clientCert));
    Files.writeString(clientKeyPem(), pkcs8Pem(clientKeys));
    Files.writeString(clientKeystorePem(), pem(clientCert) + pem(caCert) + pkcs8Pem(clientKeys));
  }

  private interface StoreFiller {
    void fill(KeyStore store) throws GeneralSecurityException;
  }

  private void writeStore(Path file, String type, StoreFiller filler) {
    try {
      KeyStore store = KeyStore.getInstance(type);
      store.load(null, null);
      filler.fill(store);
      try (OutputStream out = Files.newOutputStream(file)) {
        store.store(out, password.toCharArray());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Cannot build a " + type + " store", e);
    }
  }

  private static String storeType(String type) {
    String upper = type == null ? "" : type.trim().toUpperCase(Locale.ROOT);
    if (upper.equals("JKS") || upper.equals("PKCS12")) {
      return upper;
    }
    throw new IllegalArgumentException("Store type must be JKS or PKCS12, was: " + type);
  }

  private interface ExtensionAdder {
    void add(X509v3CertificateBuilder builder) throws IOException;
  }

  private static X509Certificate sign(X500Principal issuer, KeyPair issuerKeys, X500Principal subject,
      java.security.PublicKey subjectKey, SecureRandom random, ExtensionAdder extensions)
      throws IOException, GeneralSecurityException, OperatorCreationException {
    Instant now = Instant.now();
    return sign(issuer, issuerKeys, subject, subjectKey, random, now.minus(Duration.ofHours(1)), now.plus(VALIDITY),
        extensions);
  }

  private static X509Certificate sign(X500Principal issuer, KeyPair issuerKeys, X500Principal subject,
      java.security.PublicKey subjectKey, SecureRandom random, Instant notBefore, Instant notAfter,
      ExtensionAdder extensions) throws IOException, GeneralSecurityException, OperatorCreationException {
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, random).abs().add(BigInteger.ONE),
        Date.from(notBefore), Date.from(notAfter), subject, subjectKey);
    JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
    builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(subjectKey));
    builder.addExtension(Extension.authorityKeyIdentifier, false,
        utils.createAuthorityKeyIdentifier(issuerKeys.getPublic()));
    extensions.add(builder);
    ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE).build(issuerKeys.getPrivate());
    return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
  }

  private static KeyPair rsaKeyPair(SecureRandom random) throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048, random);
    return generator.generateKeyPair();
  }

  private static String pem(Object object) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    }
    return out.toString();
  }

  private static String pkcs8Pem(KeyPair keys) throws IOException {
    return pem(new JcaPKCS8Generator(keys.getPrivate(), null));
  }

  private static String randomPassword(SecureRandom random) {
    byte[] bytes = new byte[12];
    random.nextBytes(bytes);
    StringBuilder sb = new StringBuilder("pw");
    for (byte b : bytes) {
      sb.append(String.format("%02x", b & 0xff));
    }
    return sb.toString();
  }
}
