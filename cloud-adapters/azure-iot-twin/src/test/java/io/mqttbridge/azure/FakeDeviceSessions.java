package io.mqttbridge.azure;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Device sessions without a hub, for unit tests of the tasks: every request waits in {@link #requests} until the
 * test answers it, opens succeed unless the device is marked refused, and the number of sessions open at once is
 * tracked.
 */
final class FakeDeviceSessions implements DeviceSessionFactory {

    /** A request a session received: what for, and the future to answer. */
    record Request(String deviceId, String kind, String body, CompletableFuture<Object> answer, FakeSession session) {
        void answer(int status, String errorMessage) {
            answer.complete(new HubResponse(status, status == 204 ? 2L : null, errorMessage == null ? new byte[0]
                : ("{\"errorCode\":" + status + "001,\"message\":\"" + errorMessage + "\"}")
                .getBytes(StandardCharsets.UTF_8)));
        }

        /** Answers a GET with a twin whose desired properties are {@code desired} at {@code version}. */
        void twin(String desired, long version) {
            String withVersion = desired.equals("{}") ? "{\"$version\":" + version + "}"
                : desired.substring(0, desired.length() - 1) + ",\"$version\":" + version + "}";
            answer.complete(new HubResponse(200, null, ("{\"desired\":" + withVersion + ",\"reported\":"
                + "{\"$version\":1}}").getBytes(StandardCharsets.UTF_8)));
        }

        void acknowledge() {
            answer.complete(kind.equals("telemetry") ? null : new HubResponse(204, 2L, new byte[0]));
        }
    }

    final List<Request> requests = new CopyOnWriteArrayList<>();
    final Map<String, Boolean> refused = new ConcurrentHashMap<>();
    final Map<String, DeviceSessionListener> listeners = new ConcurrentHashMap<>();
    final AtomicInteger open = new AtomicInteger();
    final AtomicInteger peakOpen = new AtomicInteger();
    final AtomicInteger opened = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();

    @Override
    public DeviceSession open(String deviceId, DeviceSessionListener listener) throws DeviceAuthenticationException {
        if (refused.containsKey(deviceId)) {
            throw new DeviceAuthenticationException("IoT Hub refused device '" + deviceId + "' as not authorized: "
                + "a test", null);
        }
        listeners.put(deviceId, listener);
        opened.incrementAndGet();
        peakOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
        return new FakeSession(deviceId);
    }

    /** The requests not answered yet. */
    List<Request> pending() {
        return requests.stream().filter(r -> !r.answer().isDone()).toList();
    }

    final class FakeSession implements DeviceSession {
        private final String deviceId;
        volatile boolean isClosed;

        FakeSession(String deviceId) {
            this.deviceId = deviceId;
        }

        @Override
        public String deviceId() {
            return deviceId;
        }

        @Override
        @SuppressWarnings("unchecked")
        public CompletableFuture<HubResponse> updateReported(String patchJson) {
            return (CompletableFuture<HubResponse>) (CompletableFuture<?>) request("reported", patchJson);
        }

        @Override
        @SuppressWarnings("unchecked")
        public CompletableFuture<HubResponse> getTwin() {
            return (CompletableFuture<HubResponse>) (CompletableFuture<?>) request("get", "");
        }

        @Override
        @SuppressWarnings("unchecked")
        public CompletableFuture<Void> sendTelemetry(Telemetry telemetry) {
            return (CompletableFuture<Void>) (CompletableFuture<?>) request("telemetry",
                new String(telemetry.body(), StandardCharsets.UTF_8));
        }

        private CompletableFuture<Object> request(String kind, String body) {
            CompletableFuture<Object> answer = new CompletableFuture<>();
            requests.add(new Request(deviceId, kind, body, answer, this));
            return answer;
        }

        @Override
        public void close() {
            if (!isClosed) {
                isClosed = true;
                open.decrementAndGet();
                closed.incrementAndGet();
                requests.stream().filter(r -> r.session() == this).forEach(r -> r.answer().completeExceptionally(
                    new DeviceConnectException("closed", null)));
            }
        }
    }
}
