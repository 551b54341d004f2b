package io.mqttbridge.azure;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One device's open connection to IoT Hub, subscribed to its desired properties. Requests complete when the hub
 * answered; a request that could not be sent or whose outcome is unknown completes exceptionally. Thread-safe.
 */
interface DeviceSession {

    /** A device-to-cloud message. */
    record Telemetry(byte[] body, Map<String, String> properties, String contentType, String contentEncoding) {
    }

    String deviceId();

    /** Sends a reported-properties patch (a JSON object); completes with the hub's answer. */
    CompletableFuture<HubResponse> updateReported(String patchJson);

    /** Asks for the full twin; completes with the hub's answer, the twin in its body. */
    CompletableFuture<HubResponse> getTwin();

    /** Sends a telemetry message; completes once the hub acknowledged it. */
    CompletableFuture<Void> sendTelemetry(Telemetry telemetry);

    /**
     * Gives the session up: closes the connection unless another task shares it (see {@link SharedDeviceSessions});
     * requests still open on a closed connection fail. Blocks until closed.
     */
    void close();

    /**
     * Closes the connection even if other tasks share it, because its state is unknown (a request went unanswered):
     * they hear {@link DeviceSessionListener#disconnected} and open a fresh one. Blocks until closed.
     */
    default void abandon() {
        close();
    }
}
