package io.mqttbridge.core.transport;

import org.eclipse.paho.client.mqttv3.MqttClientPersistence;
import org.eclipse.paho.client.mqttv3.internal.MqttPersistentData;
import org.eclipse.paho.client.mqttv3.MqttPersistable;
import org.eclipse.paho.client.mqttv3.MqttPersistenceException;

import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;

/** Paho mqttv3's file persistence without fsync; see {@link PersistenceFiles}. */
final class UnsyncedFilePersistenceV3 implements MqttClientPersistence {
    private final PersistenceFiles files;

    UnsyncedFilePersistenceV3(Path directory) {
        this.files = new PersistenceFiles(directory);
    }

    @Override
    public void open(String clientId, String serverUri) throws MqttPersistenceException {
        run(() -> files.open(PersistenceFiles.safe(clientId) + "-" + PersistenceFiles.safe(serverUri)));
    }

    @Override
    public void close() {
        files.close();
    }

    @Override
    public void put(String key, MqttPersistable p) throws MqttPersistenceException {
        byte[] header = p.getHeaderBytes();
        int headerOffset = p.getHeaderOffset();
        int headerLength = p.getHeaderLength();
        byte[] payload = p.getPayloadBytes();
        int payloadOffset = p.getPayloadOffset();
        int payloadLength = p.getPayloadLength();
        run(() -> files.put(key, header, headerOffset, headerLength, payload, payloadOffset, payloadLength));
    }

    @Override
    public MqttPersistable get(String key) throws MqttPersistenceException {
        byte[] data = call(() -> files.get(key));
        return data == null ? null : new MqttPersistentData(key, data, 0, data.length, null, 0, 0);
    }

    @Override
    public void remove(String key) throws MqttPersistenceException {
        run(() -> files.remove(key));
    }

    @Override
    public Enumeration<?> keys() throws MqttPersistenceException {
        return Collections.enumeration(call(files::keys));
    }

    @Override
    public void clear() throws MqttPersistenceException {
        run(files::clear);
    }

    @Override
    public boolean containsKey(String key) throws MqttPersistenceException {
        return call(() -> files.contains(key));
    }

    private static <T> T call(PersistenceFiles.IoAction<T> action) throws MqttPersistenceException {
        return PersistenceFiles.call(action, MqttPersistenceException::new);
    }

    private static void run(PersistenceFiles.IoRun action) throws MqttPersistenceException {
        PersistenceFiles.run(action, MqttPersistenceException::new);
    }
}
