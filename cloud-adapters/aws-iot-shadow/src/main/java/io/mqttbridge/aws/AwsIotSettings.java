package io.mqttbridge.aws;

import java.time.Duration;

/**
 * How to reach AWS IoT Core: endpoint, client id and X.509 credentials (PEM certificate and key, or a PKCS#12
 * file). {@link #toString()} hides the key store password.
 */
public record AwsIotSettings(String endpoint, int port, String clientId, String certificatePath,
                             String privateKeyPath, String keystorePath, String keystorePassword, String caPath,
                             Duration keepAlive, Duration reconnectBackoff, Duration reconnectBackoffMax,
                             Duration connectTimeout, Duration requestTimeout) {

    @Override
    public String toString() {
        return "AwsIotSettings[endpoint=" + endpoint + ":" + port + ", clientId=" + clientId + ", certificate="
            + (keystorePath != null ? keystorePath + " (PKCS#12)" : certificatePath) + ", ca=" + caPath + "]";
    }
}
