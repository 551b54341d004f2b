package io.mqttbridge.core.ssl;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/** Self-signed certificates and PEM encodings made with BouncyCastle, for tests only. */
public final class TestCertificates {
    private TestCertificates() {
    }

    public static KeyPair rsaKeyPair() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    /** A self-signed certificate; {@code sans} are DNS names, or IP addresses if they start with a digit. */
    public static X509Certificate selfSigned(KeyPair keys, String cn, boolean ca, String... sans) throws Exception {
        Instant now = Instant.now();
        X500Name name = new X500Name("CN=" + cn);
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
            Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))), name, keys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (sans.length > 0) {
            GeneralName[] names = new GeneralName[sans.length];
            for (int i = 0; i < sans.length; i++) {
                names[i] = Character.isDigit(sans[i].charAt(0)) ? new GeneralName(GeneralName.iPAddress, sans[i])
                    : new GeneralName(GeneralName.dNSName, sans[i]);
            }
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        }
        return new JcaX509CertificateConverter().getCertificate(
            b.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
    }

    /** A certificate for {@code subject} signed by the issuer; {@code sans} as for {@link #selfSigned}. */
    public static X509Certificate signed(KeyPair issuerKeys, X509Certificate issuer, KeyPair subject, String cn,
                                         String... sans) throws Exception {
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(now.toEpochMilli() + 1),
            Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))), new X500Name("CN=" + cn),
            subject.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        if (sans.length > 0) {
            GeneralName[] names = new GeneralName[sans.length];
            for (int i = 0; i < sans.length; i++) {
                names[i] = Character.isDigit(sans[i].charAt(0)) ? new GeneralName(GeneralName.iPAddress, sans[i])
                    : new GeneralName(GeneralName.dNSName, sans[i]);
            }
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        }
        return new JcaX509CertificateConverter().getCertificate(
            b.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuerKeys.getPrivate())));
    }

    public static String pem(Object o) throws Exception {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(o);
        }
        return out.toString();
    }

    /** {@code -----BEGIN RSA PRIVATE KEY-----} (PKCS#1). */
    public static String pkcs1Pem(KeyPair keys) throws Exception {
        return pem(new JcaMiscPEMGenerator(keys.getPrivate()));
    }

    /** {@code -----BEGIN PRIVATE KEY-----} (PKCS#8). */
    public static String pkcs8Pem(KeyPair keys) throws Exception {
        return pem(new JcaPKCS8Generator(keys.getPrivate(), null));
    }

    /** {@code -----BEGIN ENCRYPTED PRIVATE KEY-----} (PBES2, AES-256-CBC, as OpenSSL writes by default). */
    public static String encryptedPkcs8Pem(KeyPair keys, char[] password) throws Exception {
        return pem(new JcaPKCS8Generator(keys.getPrivate(),
            new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC)
                .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider()).setPassword(password).build()));
    }
}
