package io.mqttbridge.core.transport;

import org.eclipse.paho.mqttv5.client.MqttClientPersistence;
import org.eclipse.paho.mqttv5.client.internal.MqttPersistentData;
import org.eclipse.paho.mqttv5.client.persist.MqttDefaultFilePersistence;
import org.eclipse.paho.mqttv5.common.MqttPersistable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The persistence without fsync keeps Paho's layout, so switching mqtt.persistence.fsync loses nothing. */
class UnsyncedFilePersistenceTest {
    private static final String CLIENT = "plant/source-0";

    @TempDir
    Path dir;

    private static MqttPersistable data(String key, String header, String payload) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        byte[] p = payload.getBytes(StandardCharsets.UTF_8);
        return new MqttPersistentData(key, h, 0, h.length, p, 0, p.length);
    }

    private static String text(MqttPersistable p) throws Exception {
        String header = new String(p.getHeaderBytes(), p.getHeaderOffset(), p.getHeaderLength(),
            StandardCharsets.UTF_8);
        return p.getPayloadBytes() == null ? header : header + new String(p.getPayloadBytes(), p.getPayloadOffset(),
            p.getPayloadLength(), StandardCharsets.UTF_8);
    }

    private static List<String> keys(MqttClientPersistence p) throws Exception {
        List<String> keys = Collections.list(p.keys());
        Collections.sort(keys);
        return keys;
    }

    @Test
    void storesReadsListsAndRemoves() throws Exception {
        UnsyncedFilePersistenceV5 store = new UnsyncedFilePersistenceV5(dir);
        store.open(CLIENT);
        store.put("q1", data("q1", "head-1|", "body-1"));
        store.put("q2", data("q2", "head-2|", "body-2"));
        store.put("q1", data("q1", "head-1b|", "body-1b"));

        assertEquals(List.of("q1", "q2"), keys(store));
        assertEquals("head-1b|body-1b", text(store.get("q1")));
        assertTrue(store.containsKey("q2"));
        store.remove("q2");
        assertFalse(store.containsKey("q2"));
        assertNull(store.get("q2"));
        store.clear();
        assertEquals(List.of(), keys(store));
        store.close();
    }

    @Test
    void readsWhatPahosFilePersistenceWroteAndTheOtherWayRound() throws Exception {
        MqttDefaultFilePersistence paho = new MqttDefaultFilePersistence(dir.toString());
        paho.open(CLIENT);
        paho.put("q1", data("q1", "from-paho|", "payload"));
        paho.close();

        UnsyncedFilePersistenceV5 unsynced = new UnsyncedFilePersistenceV5(dir);
        unsynced.open(CLIENT);
        assertEquals(List.of("q1"), keys(unsynced));
        assertEquals("from-paho|payload", text(unsynced.get("q1")));
        unsynced.put("q2", data("q2", "unsynced|", "payload"));
        unsynced.close();

        paho = new MqttDefaultFilePersistence(dir.toString());
        paho.open(CLIENT);
        assertEquals(List.of("q1", "q2"), keys(paho));
        assertEquals("unsynced|payload", text(paho.get("q2")));
        paho.close();
    }

    @Test
    void aWriteInterruptedUnderPahoIsRestoredFromItsBackupAndAHalfWrittenOneIsDropped() throws Exception {
        Path clientDir = Files.createDirectories(dir.resolve(PersistenceFiles.safe(CLIENT)));
        Files.writeString(clientDir.resolve("q7.msg.bup"), "backed-up");
        Files.writeString(clientDir.resolve("q8.msg.tmp"), "half");

        UnsyncedFilePersistenceV5 store = new UnsyncedFilePersistenceV5(dir);
        store.open(CLIENT);
        assertEquals(List.of("q7"), keys(store));
        assertEquals("backed-up", text(store.get("q7")));
        assertFalse(Files.exists(clientDir.resolve("q8.msg.tmp")));
        store.close();
    }

    @Test
    void mqtt311UsesPahosDirectoryOfClientIdAndServer() throws Exception {
        org.eclipse.paho.client.mqttv3.persist.MqttDefaultFilePersistence paho =
            new org.eclipse.paho.client.mqttv3.persist.MqttDefaultFilePersistence(dir.toString());
        paho.open(CLIENT, "tcp://broker:1883");
        byte[] h = "v3|".getBytes(StandardCharsets.UTF_8);
        paho.put("r-1", new org.eclipse.paho.client.mqttv3.internal.MqttPersistentData("r-1", h, 0, h.length, null,
            0, 0));
        paho.close();

        UnsyncedFilePersistenceV3 unsynced = new UnsyncedFilePersistenceV3(dir);
        unsynced.open(CLIENT, "tcp://broker:1883");
        assertEquals(List.of("r-1"), Collections.list(unsynced.keys()));
        unsynced.close();
    }
}
