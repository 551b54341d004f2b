package io.mqttbridge.azure;

/**
 * Parsed IoT Hub connection settings ({@link IotHubConnectionConfig}). Secrets stay out of {@link #toString()}.
 *
 * @param hostName the hub's host name, or empty when the connection strings carry it
 * @param gatewayHostName the gateway the sockets go to, or empty for the hub itself
 * @param authMode how devices authenticate
 * @param connectionStrings for {@link AuthMode#CONNECTION_STRING}: the comma-separated connection strings
 * @param deviceKeys for {@link AuthMode#DEVICE_KEY}: the comma-separated DEVICE=KEY pairs
 * @param groupKey for {@link AuthMode#GROUP_KEY}: the enrollment group key
 * @param x509KeystoreLocation for {@link AuthMode#X509}: the key store path with {@code ${device.id}}
 * @param x509KeystoreType JKS, PKCS12 or PEM
 * @param x509KeystorePassword key store password, or null
 * @param x509KeyPassword key password, or null
 * @param sasTokenTtlMs lifetime of tokens signed with keys
 * @param truststoreLocation the trusted CAs, or empty for the JVM's
 * @param truststoreType JKS, PKCS12 or PEM
 * @param truststorePassword trust store password, or null
 * @param keepAliveMs MQTT keep-alive
 * @param requestTimeoutMs how long a request may wait for its answer
 * @param retryBackoffMs first retry delay
 * @param retryBackoffMaxMs largest retry delay
 */
record IotHubSettings(String hostName, String gatewayHostName, AuthMode authMode, String connectionStrings,
                      String deviceKeys, String groupKey, String x509KeystoreLocation, String x509KeystoreType,
                      char[] x509KeystorePassword, char[] x509KeyPassword, long sasTokenTtlMs,
                      String truststoreLocation, String truststoreType, char[] truststorePassword, long keepAliveMs,
                      long requestTimeoutMs, long retryBackoffMs, long retryBackoffMaxMs) {

    @Override
    public String toString() {
        return "IotHubSettings[hostName=" + hostName + ", gatewayHostName=" + gatewayHostName + ", authMode="
            + authMode.configValue() + ", x509KeystoreLocation=" + x509KeystoreLocation + ", truststoreLocation="
            + truststoreLocation + ", secrets=[hidden]]";
    }
}
