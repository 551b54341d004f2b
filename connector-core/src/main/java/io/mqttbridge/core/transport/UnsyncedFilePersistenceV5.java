package io.mqttbridge.core.transport;

import org.eclipse.paho.mqttv5.client.MqttClientPersistence;
import org.eclipse.paho.mqttv5.client.internal.MqttPersistentData;
import org.eclipse.paho.mqttv5.common.MqttPersistable;
import org.eclipse.paho.mqttv5.common.MqttPersistenceException;

import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;

/** Paho mqttv5's file persistence without fsync; see {@link PersistenceFiles}. */
final class UnsyncedFilePersistenceV5 implements MqttClientPersistence {
    private final PersistenceFiles files;

    UnsyncedFilePersistenceV5(Path directory) {
        this.files = new PersistenceFiles(directory);
    }

    @Override
    public void open(String clientId) throws MqttPersistenceException {
        run(() -> files.open(PersistenceFiles.safe(clientId)));
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
    public Enumeration<String> keys() throws MqttPersistenceException {
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
