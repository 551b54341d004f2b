package io.mqttbridge.azure;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.ConnectionStatusChangeContext;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubConnectionStatusChangeReason;
import com.microsoft.azure.sdk.iot.device.IotHubStatusCode;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import com.microsoft.azure.sdk.iot.device.transport.IotHubConnectionStatus;
import com.microsoft.azure.sdk.iot.device.transport.IotHubTransportMessage;
import com.microsoft.azure.sdk.iot.device.twin.GetTwinCorrelatingMessageCallback;
import com.microsoft.azure.sdk.iot.device.twin.ReportedPropertiesUpdateCorrelatingMessageCallback;
import com.microsoft.azure.sdk.iot.device.twin.ReportedPropertiesUpdateResponse;
import com.microsoft.azure.sdk.iot.device.twin.Twin;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Device sessions on the Azure IoT Device SDK over MQTT: one {@link DeviceClient} per device, opened with a TLS
 * context that sets TCP_NODELAY, and twin calls made through the asynchronous, correlating callbacks.
 *
 * <p>The SDK sometimes skips the response-received callback of a twin request (azure-iot-sdk-java #1803: the reply is
 * acknowledged, and the correlation dropped, before the callback runs), so the blocking calls time out now and then.
 * A request therefore completes on whichever of response-received and response-acknowledged comes first; both carry
 * the reply message with its status.
 */
final class SdkDeviceSessionFactory implements DeviceSessionFactory {
    private static final Logger log = LoggerFactory.getLogger(SdkDeviceSessionFactory.class);
    /**
     * The SDK's send and receive workers run with this fixed delay after each batch; its 10 ms default adds up to
     * 10 ms per request. Idle workers wait on a semaphore, so 1 ms costs nothing while nothing happens.
     */
    private static final int WORKER_INTERVAL_MS = 1;

    private final DeviceCredentials credentials;
    private final IotHubSettings settings;

    SdkDeviceSessionFactory(DeviceCredentials credentials, IotHubSettings settings) {
        this.credentials = credentials;
        this.settings = settings;
    }

    /**
     * Sessions on the SDK whose connections are shared with the other twin tasks of this worker
     * ({@link SharedDeviceSessions}): IoT Hub keeps one connection per device.
     */
    static DeviceSessionFactory shared(IotHubSettings settings) {
        DeviceCredentials credentials = new DeviceCredentials(settings);
        return SharedDeviceSessions.JVM.factory(new SdkDeviceSessionFactory(credentials, settings),
            credentials::routeOf);
    }

    @Override
    public DeviceSession open(String deviceId, DeviceSessionListener listener)
        throws DeviceAuthenticationException, DeviceConnectException, InterruptedException {
        DeviceCredentials.DeviceConnection connection = credentials.connection(deviceId);
        ClientOptions options = ClientOptions.builder()
            .sslContext(connection.sslContext())
            .keepAliveInterval((int) Math.max(1, settings.keepAliveMs() / 1000))
            .sasTokenExpiryTime(Math.max(60, settings.sasTokenTtlMs() / 1000))
            .sendInterval(WORKER_INTERVAL_MS)
            .receiveInterval(WORKER_INTERVAL_MS)
            .useIdentifiableThreadNames(false)
            .threadNamePrefix("iothub-" + deviceId + "-")
            .build();
        DeviceClient client;
        try {
            client = new DeviceClient(connection.connectionString(), IotHubClientProtocol.MQTT, options);
        } catch (IllegalArgumentException e) {
            throw new DeviceCredentialsException("The device SDK does not accept the connection settings of device '"
                + deviceId + "': " + scrub(e.getMessage()), null);
        }
        SdkSession session = new SdkSession(deviceId, client, listener);
        client.setConnectionStatusChangeCallback(session::statusChanged, null);
        try {
            client.open(false);
        } catch (IotHubClientException e) {
            client.close();
            if (e.getStatusCode() == IotHubStatusCode.UNAUTHORIZED) {
                throw new DeviceAuthenticationException("IoT Hub refused device '" + deviceId + "' as not authorized: "
                    + credentials.refusalExplanation(deviceId), e);
            }
            throw new DeviceConnectException("Device '" + deviceId + "' cannot connect to " + target(connection)
                + ": " + describe(e), e);
        } catch (IllegalStateException e) {
            // The SDK refuses to open with a token that expired before the first attempt.
            client.close();
            throw new DeviceAuthenticationException("Device '" + deviceId + "' cannot authenticate: "
                + credentials.refusalExplanation(deviceId) + " (" + scrub(e.getMessage()) + ")", e);
        }
        try {
            client.subscribeToDesiredProperties(session::desiredChanged, null, (int) settings.requestTimeoutMs());
        } catch (IotHubClientException | RuntimeException e) {
            client.close();
            throw new DeviceConnectException("Device '" + deviceId + "' connected to " + target(connection)
                + " but could not subscribe to its desired properties: " + scrub(e.getMessage()), e);
        } catch (InterruptedException e) {
            client.close();
            throw e;
        }
        session.opened = true;
        return session;
    }

    private String target(DeviceCredentials.DeviceConnection connection) {
        String gateway = settings.gatewayHostName();
        return connection.hostName() + (gateway.isEmpty() ? "" : " through gateway " + gateway);
    }

    private static String describe(IotHubClientException e) {
        Throwable cause = e.getCause();
        return e.getStatusCode() + ": " + scrub(e.getMessage())
            + (cause == null ? "" : " (" + scrub(String.valueOf(cause.getMessage())) + ")");
    }

    /** SDK messages may quote a connection string; keep keys and signatures out of logs and task traces. */
    static String scrub(String message) {
        if (message == null) {
            return "";
        }
        return message.replaceAll("(?i)(SharedAccessKey=)[^;\\s]+", "$1[hidden]")
            .replaceAll("(?i)(sig=)[^&;\\s]+", "$1[hidden]");
    }

    /** One SDK client; request futures complete on SDK threads. */
    private static final class SdkSession implements DeviceSession {
        private final String deviceId;
        private final DeviceClient client;
        private final DeviceSessionListener listener;
        private volatile boolean opened;
        private volatile boolean closing;

        SdkSession(String deviceId, DeviceClient client, DeviceSessionListener listener) {
            this.deviceId = deviceId;
            this.client = client;
            this.listener = listener;
        }

        @Override
        public String deviceId() {
            return deviceId;
        }

        @Override
        public CompletableFuture<HubResponse> updateReported(String patchJson) {
            CompletableFuture<HubResponse> result = new CompletableFuture<>();
            try {
                TwinCollection patch = Twin.createFromReportedPropertyJson(patchJson).getReportedProperties();
                client.updateReportedPropertiesAsync(patch, new ReportedPropertiesUpdateCorrelatingMessageCallback() {
                    @Override
                    public void onRequestQueued(Message message, Object context) {
                    }

                    @Override
                    public void onRequestSent(Message message, Object context) {
                    }

                    @Override
                    public void onRequestAcknowledged(Message message, Object context, IotHubClientException e) {
                        if (e != null) {
                            result.completeExceptionally(requestFailure("reported patch", e));
                        }
                    }

                    @Override
                    public void onResponseReceived(Message message, Object context, IotHubStatusCode status,
                                                   ReportedPropertiesUpdateResponse response,
                                                   IotHubClientException e) {
                        complete(result, message);
                    }

                    @Override
                    public void onResponseAcknowledged(Message message, Object context) {
                        complete(result, message);
                    }
                }, null);
            } catch (RuntimeException e) {
                result.completeExceptionally(new DeviceConnectException("Device '" + deviceId + "' cannot send a "
                    + "reported patch: " + scrub(e.getMessage()), e));
            }
            return result;
        }

        @Override
        public CompletableFuture<HubResponse> getTwin() {
            CompletableFuture<HubResponse> result = new CompletableFuture<>();
            try {
                client.getTwinAsync(new GetTwinCorrelatingMessageCallback() {
                    @Override
                    public void onRequestQueued(Message message, Object context) {
                    }

                    @Override
                    public void onRequestSent(Message message, Object context) {
                    }

                    @Override
                    public void onRequestAcknowledged(Message message, Object context, IotHubClientException e) {
                        if (e != null) {
                            result.completeExceptionally(requestFailure("twin GET", e));
                        }
                    }

                    @Override
                    public void onResponseReceived(Twin twin, Message message, Object context, IotHubStatusCode status,
                                                   IotHubClientException e) {
                        complete(result, message);
                    }

                    @Override
                    public void onResponseAcknowledged(Message message, Object context) {
                        complete(result, message);
                    }
                }, null);
            } catch (RuntimeException e) {
                result.completeExceptionally(new DeviceConnectException("Device '" + deviceId + "' cannot ask for its "
                    + "twin: " + scrub(e.getMessage()), e));
            }
            return result;
        }

        @Override
        public CompletableFuture<Void> sendTelemetry(Telemetry telemetry) {
            CompletableFuture<Void> result = new CompletableFuture<>();
            Message message = new Message(telemetry.body());
            if (telemetry.contentType() != null) {
                message.setContentType(telemetry.contentType());
            }
            if (telemetry.contentEncoding() != null) {
                message.setContentEncoding(telemetry.contentEncoding());
            }
            for (Map.Entry<String, String> property : telemetry.properties().entrySet()) {
                message.setProperty(property.getKey(), property.getValue());
            }
            try {
                client.sendEventAsync(message, (sent, e, context) -> {
                    if (e == null) {
                        result.complete(null);
                    } else {
                        result.completeExceptionally(requestFailure("telemetry message", e));
                    }
                }, null);
            } catch (RuntimeException e) {
                result.completeExceptionally(new DeviceConnectException("Device '" + deviceId + "' cannot send a "
                    + "telemetry message: " + scrub(e.getMessage()), e));
            }
            return result;
        }

        private Exception requestFailure(String what, IotHubClientException e) {
            return new DeviceConnectException("The " + what + " of device '" + deviceId + "' failed: "
                + e.getStatusCode() + " " + scrub(e.getMessage()), e);
        }

        private static void complete(CompletableFuture<HubResponse> result, Message message) {
            if (result.isDone()) {
                return;
            }
            IotHubTransportMessage reply = (IotHubTransportMessage) message;
            int status;
            try {
                status = Integer.parseInt(reply.getStatus());
            } catch (NumberFormatException e) {
                result.completeExceptionally(new IllegalStateException("A twin reply without a status: "
                    + reply.getStatus()));
                return;
            }
            Integer version = reply.getVersion();
            result.complete(new HubResponse(status, version == null ? null : version.longValue(), message.getBytes()));
        }

        void desiredChanged(Twin twin, Object context) {
            TwinCollection desired = twin.getDesiredProperties();
            if (desired == null || desired.getVersion() == null) {
                log.warn("Device '{}' received a desired-properties patch without $version; ignored", deviceId);
                return;
            }
            listener.desiredChanged(deviceId, desired.getVersion(), desired.toJsonElement().toString());
        }

        void statusChanged(ConnectionStatusChangeContext change) {
            IotHubConnectionStatus status = change.getNewStatus();
            IotHubConnectionStatusChangeReason reason = change.getNewStatusReason();
            if (!opened || closing) {
                return;
            }
            String why = reason + (change.getCause() == null ? "" : " (" + scrub(change.getCause().getMessage())
                + ")");
            switch (status) {
                case DISCONNECTED_RETRYING -> listener.connectionLost(deviceId, why);
                case CONNECTED -> listener.reconnected(deviceId);
                case DISCONNECTED -> listener.disconnected(deviceId, why,
                    reason == IotHubConnectionStatusChangeReason.BAD_CREDENTIAL
                        || reason == IotHubConnectionStatusChangeReason.EXPIRED_SAS_TOKEN);
                default -> {
                }
            }
        }

        @Override
        public void close() {
            closing = true;
            try {
                client.close();
            } catch (RuntimeException e) {
                log.debug("Closing the client of device '{}' failed: {}", deviceId, e.toString());
            }
        }

        @Override
        public String toString() {
            return "DeviceSession[" + deviceId + "]";
        }
    }
}
