package io.mqttbridge.core.ssl;

import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The blocks of a PEM file: certificates and at most one private key ({@code PRIVATE KEY} (PKCS#8),
 * {@code ENCRYPTED PRIVATE KEY} (encrypted PKCS#8) or {@code RSA PRIVATE KEY} (PKCS#1)). Parsed with the JDK alone.
 */
public final class PemFile {
    private static final Pattern BLOCK = Pattern.compile(
        "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)\\s*-----END \\1-----");
    /** OID 1.2.840.113549.1.1.1 (rsaEncryption), DER-encoded with its tag. */
    private static final byte[] RSA_ALGORITHM_ID = {
        0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    private static final String PBES2_OID = "1.2.840.113549.1.5.13";

    private final List<X509Certificate> certificates;
    private final PrivateKey privateKey;

    private PemFile(List<X509Certificate> certificates, PrivateKey privateKey) {
        this.certificates = List.copyOf(certificates);
        this.privateKey = privateKey;
    }

    /**
     * Reads a PEM file.
     *
     * @param file the file
     * @param configKey the configuration key that named the file, for error messages
     * @param keyPassword password of an encrypted private key, or null
     * @throws SslConfigException if the file cannot be read or holds something this class cannot parse
     */
    public static PemFile read(Path file, String configKey, char[] keyPassword) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new SslConfigException("Cannot read PEM file " + file + " (" + configKey + "): " + e, e);
        }
        return parse(text, file.toString(), configKey, keyPassword);
    }

    /** Parses PEM text; {@code source} and {@code configKey} only name it in error messages. */
    public static PemFile parse(String text, String source, String configKey, char[] keyPassword) {
        List<X509Certificate> certs = new ArrayList<>();
        PrivateKey key = null;
        Matcher m = BLOCK.matcher(text);
        String where = " in " + source + " (" + configKey + ")";
        while (m.find()) {
            String type = m.group(1);
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(m.group(2));
            } catch (IllegalArgumentException e) {
                throw new SslConfigException("Invalid base64 in PEM block " + type + where, e);
            }
            switch (type) {
                case "CERTIFICATE" -> certs.add(certificate(der, where));
                case "PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "RSA PRIVATE KEY" -> {
                    if (key != null) {
                        throw new SslConfigException("More than one private key" + where + "; expected exactly one");
                    }
                    key = switch (type) {
                        case "PRIVATE KEY" -> pkcs8(der, where);
                        case "ENCRYPTED PRIVATE KEY" -> encryptedPkcs8(der, keyPassword, where);
                        default -> pkcs8(wrapPkcs1(der), where);
                    };
                }
                default -> throw new SslConfigException("Unsupported PEM block '" + type + "'" + where
                    + "; expected CERTIFICATE, PRIVATE KEY, ENCRYPTED PRIVATE KEY or RSA PRIVATE KEY"
                    + " (convert other keys with: openssl pkcs8 -topk8)");
            }
        }
        if (certs.isEmpty() && key == null) {
            throw new SslConfigException("No PEM blocks found" + where + "; expected -----BEGIN CERTIFICATE----- blocks");
        }
        return new PemFile(certs, key);
    }

    /** The certificates in file order. */
    public List<X509Certificate> certificates() {
        return certificates;
    }

    /** The private key, or null if the file holds none. */
    public PrivateKey privateKey() {
        return privateKey;
    }

    private static X509Certificate certificate(byte[] der, String where) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(der));
        } catch (GeneralSecurityException e) {
            throw new SslConfigException("Invalid CERTIFICATE block" + where + ": " + e.getMessage(), e);
        }
    }

    private static PrivateKey pkcs8(byte[] der, String where) {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS", "DSA")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                // not this algorithm: try the next
            }
        }
        throw new SslConfigException("Cannot parse the private key" + where
            + ": not an RSA, EC, EdDSA or DSA key in PKCS#8 form");
    }

    private static PrivateKey encryptedPkcs8(byte[] der, char[] password, String where) {
        if (password == null) {
            throw new SslConfigException("The private key" + where
                + " is encrypted (ENCRYPTED PRIVATE KEY) but no key password is set (mqtt.ssl.key.password)");
        }
        try {
            EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
            String algorithm = info.getAlgName();
            if (PBES2_OID.equals(algorithm) || "PBES2".equalsIgnoreCase(algorithm)) {
                // PBES2 (OpenSSL's default) names its real cipher only in the parameters, e.g. PBEWithHmacSHA256AndAES_256
                algorithm = info.getAlgParameters().toString();
            }
            SecretKeyFactory factory = SecretKeyFactory.getInstance(algorithm);
            Cipher cipher = Cipher.getInstance(algorithm);
            cipher.init(Cipher.DECRYPT_MODE, factory.generateSecret(new PBEKeySpec(password)), info.getAlgParameters());
            return pkcs8(info.getKeySpec(cipher).getEncoded(), where);
        } catch (IOException | GeneralSecurityException e) {
            throw new SslConfigException("Cannot decrypt the private key" + where
                + ": wrong key password (mqtt.ssl.key.password) or unsupported encryption (" + e.getClass().getSimpleName()
                + ")", e);
        }
    }

    /** Wraps a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo: SEQUENCE { 0, rsaEncryption, OCTET STRING }. */
    static byte[] wrapPkcs1(byte[] pkcs1) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x02, 0x01, 0x00});
        body.writeBytes(RSA_ALGORITHM_ID);
        body.write(0x04);
        body.writeBytes(derLength(pkcs1.length));
        body.writeBytes(pkcs1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x30);
        out.writeBytes(derLength(body.size()));
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    private static byte[] derLength(int length) {
        if (length < 0x80) {
            return new byte[] {(byte) length};
        }
        int bytes = length > 0xffffff ? 4 : length > 0xffff ? 3 : length > 0xff ? 2 : 1;
        byte[] out = new byte[bytes + 1];
        out[0] = (byte) (0x80 | bytes);
        for (int i = bytes; i > 0; i--) {
            out[i] = (byte) length;
            length >>>= 8;
        }
        return out;
    }
}
