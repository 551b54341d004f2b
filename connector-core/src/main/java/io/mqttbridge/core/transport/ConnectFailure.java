package io.mqttbridge.core.transport;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;

/**
 * Turns what Paho reports about a failed connection attempt into one line that names the cause and the
 * configuration key to check. Paho's own messages ("MqttException", "Unable to connect to server") do not.
 */
final class ConnectFailure {
    /** Paho client-side reason codes, the same in mqttv3 and mqttv5. */
    static final int CLIENT_EXCEPTION = 0;
    static final int CLIENT_TIMEOUT = 32000;
    static final int SERVER_CONNECT_ERROR = 32103;
    static final int CONNECTION_LOST = 32109;
    static final int SOCKET_FACTORY_MISMATCH = 32105;
    /** Paho mqttv5: the CONNACK carried a code MQTT 5 does not define, as a 3.1.1-only broker's return code. */
    static final int INVALID_RETURN_CODE = 50001;
    private static final String MQTT_3_ONLY = "the broker speaks only MQTT 3.1.1 (as Moquette 0.17 and RabbitMQ"
        + " before 3.13 do): set mqtt.version=3.1.1";

    private ConnectFailure() {
    }

    /**
     * @param reasonCode Paho's reason code: an MQTT 3.1.1 CONNACK return code (1-5), an MQTT 5 CONNACK reason
     *     code (0x80 and above) or a Paho client code (0, 32000...)
     * @param exception what Paho threw, searched for the root cause
     */
    static String describe(int reasonCode, Throwable exception) {
        return describe(reasonCode, exception, true, null);
    }

    /**
     * As {@link #describe(int, Throwable)}, knowing the connection: a plain connection closed during connect is not
     * blamed on TLS, and with MQTT 5 the likely reason, a broker without MQTT 5, is named.
     *
     * @param tls whether the connection uses TLS
     * @param version the protocol version of the CONNECT, or null if unknown
     */
    static String describe(int reasonCode, Throwable exception, boolean tls, MqttVersion version) {
        if (reasonCode == INVALID_RETURN_CODE && version == MqttVersion.V5) {
            return "the broker answered the MQTT 5 CONNECT with a code MQTT 5 does not define: " + MQTT_3_ONLY;
        }
        if (!tls && (reasonCode == CONNECTION_LOST || hasCause(exception, EOFException.class))) {
            return "the broker closed the connection during connect"
                + (version == MqttVersion.V5 ? "; if " + MQTT_3_ONLY.replace("the broker speaks", "it speaks") : "");
        }
        switch (reasonCode) {
            case 1, 0x84:
                return "the broker does not support this MQTT version (mqtt.version)";
            case 2, 0x85:
                return "the broker rejected the client id (mqtt.client.id)";
            case 3, 0x88:
                return "the broker is unavailable";
            case 4, 0x86:
                return "Not authorized: bad user name or password (mqtt.username / mqtt.password)";
            case 5, 0x87:
                // Mosquitto answers a wrong password with this code, not with 4 / 0x86
                return "Not authorized: bad user name or password, or refused by the broker's access rules"
                    + " (mqtt.username / mqtt.password)";
            case 0x89:
                return "the broker is busy";
            case 0x8A:
                return "the client is banned by the broker";
            case 0x8C:
                return "the broker rejected the authentication method";
            case 0x97:
                return "quota exceeded at the broker";
            case 0x9F:
                return "connection rate exceeded at the broker";
            default:
                break;
        }
        if (reasonCode >= 0x80 && reasonCode <= 0xFF) {
            return "the broker refused the connection with MQTT 5 reason code 0x" + Integer.toHexString(reasonCode);
        }
        String cause = fromCauses(exception);
        if (cause != null) {
            return cause;
        }
        return switch (reasonCode) {
            case CLIENT_TIMEOUT -> "timed out waiting for the broker (mqtt.connect.timeout.ms)";
            case CONNECTION_LOST -> "the broker closed the connection during connect";
            case SOCKET_FACTORY_MISMATCH -> "the URI scheme does not fit the TLS settings: use ssl:// with mqtt.ssl.*";
            default -> String.valueOf(exception);
        };
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String fromCauses(Throwable e) {
        String certificateProblem = null;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String msg = String.valueOf(t.getMessage());
            if (t instanceof CertificateExpiredException || t instanceof CertificateNotYetValidException) {
                // Deeper in the chain than the PKIX error, whose truststore hint would send the operator astray.
                return "TLS handshake failed: the broker's certificate is "
                    + (t instanceof CertificateExpiredException ? "expired" : "not yet valid") + " (" + msg
                    + "): renew it on the broker, or check this machine's clock; mqtt.ssl.truststore.location is fine";
            }
            if (t instanceof CertificateException || t instanceof SSLHandshakeException) {
                if (msg.contains("No subject alternative") || msg.contains("No name matching")) {
                    return "TLS handshake failed: hostname mismatch: " + msg + " (connect by a name the broker's"
                        + " certificate holds, or set mqtt.ssl.endpoint.identification.algorithm to empty to skip the check)";
                }
                if (msg.contains("PKIX path")) {
                    certificateProblem = "TLS handshake failed: " + msg + " (check mqtt.ssl.truststore.location: it must"
                        + " hold the CA that signed the broker's certificate)";
                }
            }
            if (certificateProblem == null && t instanceof SSLHandshakeException) {
                certificateProblem = "TLS handshake failed: " + msg + (msg.contains("certificate")
                    ? " (the broker may require a client certificate: check mqtt.ssl.keystore.location)" : "");
            }
        }
        if (certificateProblem != null) {
            return certificateProblem;
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String msg = String.valueOf(t.getMessage());
            if (t instanceof ConnectException) {
                return "connection refused (" + msg + "): is the broker running and listening at this address?";
            }
            if (t instanceof UnknownHostException) {
                return "unknown host " + msg;
            }
            if (t instanceof NoRouteToHostException) {
                return "no route to host (" + msg + ")";
            }
            if (t instanceof SocketTimeoutException) {
                return "timed out (" + msg + ") (mqtt.connect.timeout.ms)";
            }
            if (t instanceof SSLException || t instanceof EOFException
                || (t instanceof SocketException && msg.contains("reset"))) {
                return "the broker closed the TLS connection (" + msg + "): it may require a client certificate"
                    + " (mqtt.ssl.keystore.location) or reject the one sent";
            }
        }
        return null;
    }
}
