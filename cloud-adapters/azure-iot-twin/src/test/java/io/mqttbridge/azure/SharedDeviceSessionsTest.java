package io.mqttbridge.azure;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SharedDeviceSessionsTest {
    private final AtomicLong clock = new AtomicLong();
    private final SharedDeviceSessions shared = new SharedDeviceSessions(clock::get);
    private final FakeDeviceSessions hub = new FakeDeviceSessions();
    private final DeviceSessionFactory sink = shared.factory(hub, id -> "hub-a");
    private final DeviceSessionFactory source = shared.factory(hub, id -> "hub-a");

    /** Records what a task's listener heard. */
    private static final class Heard implements DeviceSessionListener {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void desiredChanged(String deviceId, long version, String patchJson) {
            events.add("desired " + deviceId + " " + version + " " + patchJson);
        }

        @Override
        public void reconnected(String deviceId) {
            events.add("reconnected " + deviceId);
        }

        @Override
        public void disconnected(String deviceId, String reason, boolean authentication) {
            events.add("disconnected " + deviceId);
        }

        @Override
        public void connectionContended(String deviceId, int losses) {
            events.add("contended " + deviceId + " " + losses);
        }
    }

    private void lose(String deviceId, Duration after) {
        clock.addAndGet(after.toNanos());
        hub.listeners.get(deviceId).connectionLost(deviceId, "test");
    }

    @Test
    void twoTasksForOneDeviceShareOneConnectionUntilBothCloseIt() throws Exception {
        DeviceSession first = sink.open("dev-1", new Heard());
        DeviceSession second = source.open("dev-1", new Heard());

        assertEquals(1, hub.opened.get(), "one hub connection for the device");
        first.close();
        assertEquals(1, hub.open.get(), "the other task still uses the connection");
        second.updateReported("{\"a\":1}");
        assertEquals(1, hub.pending().size(), "requests of a lease go out on the shared connection");
        second.close();
        assertEquals(0, hub.open.get());
        assertEquals(0, shared.connectionCount());
    }

    @Test
    void whatTheSdkReportsReachesEveryTaskSharingTheConnection() throws Exception {
        Heard sinkHeard = new Heard();
        Heard sourceHeard = new Heard();
        sink.open("dev-1", sinkHeard);
        source.open("dev-1", sourceHeard);

        hub.listeners.get("dev-1").desiredChanged("dev-1", 7, "{\"interval_s\":5}");
        hub.listeners.get("dev-1").reconnected("dev-1");

        List<String> expected = List.of("desired dev-1 7 {\"interval_s\":5}", "reconnected dev-1");
        assertEquals(expected, sinkHeard.events);
        assertEquals(expected, sourceHeard.events);
    }

    @Test
    void abandoningClosesTheConnectionForEveryoneAndTellsTheOthers() throws Exception {
        Heard sinkHeard = new Heard();
        Heard sourceHeard = new Heard();
        DeviceSession sinkSession = sink.open("dev-1", sinkHeard);
        DeviceSession sourceSession = source.open("dev-1", sourceHeard);

        sinkSession.abandon();

        assertEquals(0, hub.open.get(), "the connection is closed although the source still held it");
        assertEquals(List.of("disconnected dev-1"), sourceHeard.events);
        assertEquals(List.of(), sinkHeard.events, "the abandoning task is not told what it did");
        sourceSession.close();
        DeviceSession fresh = source.open("dev-1", new Heard());
        assertEquals(2, hub.opened.get(), "a fresh connection after the abandoned one");
        assertEquals(1, hub.open.get());
        fresh.close();
    }

    @Test
    void aConnectionTheSdkGaveUpIsNotHandedOutAgain() throws Exception {
        Heard sinkHeard = new Heard();
        Heard sourceHeard = new Heard();
        DeviceSession sinkSession = sink.open("dev-1", sinkHeard);
        source.open("dev-1", sourceHeard);

        hub.listeners.get("dev-1").disconnected("dev-1", "RETRY_EXPIRED", false);

        assertEquals(List.of("disconnected dev-1"), sinkHeard.events);
        assertEquals(List.of("disconnected dev-1"), sourceHeard.events);
        // The sink reacts first, abandoning the dead session: the source, told already, is not told again.
        sinkSession.abandon();
        assertEquals(List.of("disconnected dev-1"), sourceHeard.events);
        DeviceSession fresh = sink.open("dev-1", new Heard());
        assertEquals(2, hub.opened.get());
        fresh.close();
    }

    @Test
    void devicesAndHubsHaveTheirOwnConnections() throws Exception {
        DeviceSessionFactory otherHub = shared.factory(hub, id -> "hub-b");
        sink.open("dev-1", new Heard());
        sink.open("dev-2", new Heard());
        otherHub.open("dev-1", new Heard());

        assertEquals(3, hub.opened.get());
        assertEquals(3, shared.connectionCount());
    }

    @Test
    void aFailedOpenLeavesNothingBehind() throws Exception {
        hub.refused.put("dev-1", true);
        assertThrows(DeviceAuthenticationException.class, () -> sink.open("dev-1", new Heard()));
        assertEquals(0, shared.connectionCount());

        hub.refused.remove("dev-1");
        DeviceSession session = source.open("dev-1", new Heard());
        assertEquals(1, hub.opened.get());
        assertTrue(shared.connectionCount() == 1);
        session.close();
    }

    @Test
    void aConnectionLostAgainAndAgainWithinAMinuteIsReportedAsContendedOnceInTenMinutes() throws Exception {
        Heard sinkHeard = new Heard();
        Heard sourceHeard = new Heard();
        sink.open("dev-1", sinkHeard);
        source.open("dev-1", sourceHeard);

        lose("dev-1", Duration.ZERO);
        lose("dev-1", Duration.ofSeconds(50));
        lose("dev-1", Duration.ofSeconds(11)); // the first loss is more than a minute old: two in the window
        assertEquals(List.of(), sinkHeard.events);
        lose("dev-1", Duration.ofSeconds(5));
        assertEquals(List.of("contended dev-1 3"), sinkHeard.events);
        assertEquals(List.of("contended dev-1 3"), sourceHeard.events);

        lose("dev-1", Duration.ofSeconds(5));
        lose("dev-1", Duration.ofMinutes(5));
        lose("dev-1", Duration.ofSeconds(5));
        lose("dev-1", Duration.ofSeconds(5));
        assertEquals(1, sinkHeard.events.size(), "reported at most once in ten minutes: " + sinkHeard.events);
        lose("dev-1", Duration.ofMinutes(5));
        lose("dev-1", Duration.ofSeconds(5));
        lose("dev-1", Duration.ofSeconds(5));
        assertEquals(List.of("contended dev-1 3", "contended dev-1 3"), sinkHeard.events);
    }
}
