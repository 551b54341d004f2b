package io.mqttbridge.core.transport;

import org.eclipse.paho.mqttv5.client.MqttClientPersistence;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.client.persist.MqttDefaultFilePersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttPersistable;
import org.eclipse.paho.mqttv5.common.MqttPersistenceException;
import org.eclipse.paho.mqttv5.common.packet.MqttPublish;
import org.eclipse.paho.mqttv5.common.packet.MqttWireMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Paho mqttv5's persistence with inbound QoS 2 messages taken out of Paho's hands and kept until the application
 * acks them.
 *
 * <p>Why: Paho mqttv5 1.2.5 ({@code ClientState.notifyReceivedMsg} and {@code handleInboundPubRel}) persists an
 * inbound QoS 2 PUBLISH under key {@code r-<packet id>}, hands it to the application at once, sends PUBREC and
 * answers every PUBREL with PUBCOMP on its own, manual acks or not. After PUBCOMP the broker forgets the message;
 * Paho's restored {@code r-} entries are never delivered again (only mqttv3 delivers on PUBREL); and once the
 * broker reuses the packet id, Paho overwrites the entry of a message the application has not finished. So a
 * crash before the record reached Kafka lost the message.
 *
 * <p>Here every {@code r-} put goes to a separate store under a key of its own ({@code q<sequence>}) that no
 * packet id can overwrite; {@link PahoV5Transport} removes it when the application acks the message, and a new
 * transport with the same client id and directory delivers what is left before any live message. Paho's own
 * removals of {@code r-} keys are ignored: only the application's ack ends the message's life.
 */
final class InboundQos2Persistence implements MqttClientPersistence {
    private static final Logger log = LoggerFactory.getLogger(InboundQos2Persistence.class);
    private static final String RECEIVED_PREFIX = "r-";
    private static final String STORE_PREFIX = "q";

    /** A message left in the store by an earlier client. */
    record Recovered(String key, MqttPublish publish) {
    }

    private final MqttClientPersistence paho;
    private final MqttClientPersistence store;
    /**
     * Store keys per packet id, from the put before delivery to the claim on delivery, oldest first. Not by message
     * object: Paho hands the application another {@code MqttMessage} instance than the one it persists. A queue,
     * because the broker may reuse a packet id (after PUBCOMP) before the callback thread claimed the first one;
     * the callback delivers in arrival order, so the oldest key is the right one.
     */
    private final Map<Integer, Deque<String>> keysById = new HashMap<>();
    private final AtomicLong nextSequence;
    private final List<Recovered> recovered;

    private static MqttClientPersistence files(Path directory, boolean fsync) {
        return fsync ? new MqttDefaultFilePersistence(directory.toString()) : new UnsyncedFilePersistenceV5(directory);
    }

    /**
     * @param directory where both stores live (Paho's state under {@code <dir>/<client id>}, the QoS 2 store under
     *     {@code <dir>/inbound-qos2/<client id>}), or null to keep both in memory
     * @param fsync whether writes are forced to disk ({@link PersistenceFiles} says why one may not want that)
     */
    InboundQos2Persistence(Path directory, boolean fsync, String clientId) throws MqttPersistenceException {
        if (directory == null) {
            paho = new MemoryPersistence();
            store = new MemoryPersistence();
        } else {
            paho = files(AbstractPahoTransport.createPersistenceDirectory(directory), fsync);
            store = files(AbstractPahoTransport.createPersistenceDirectory(directory.resolve("inbound-qos2")), fsync);
        }
        store.open(clientId);
        List<Recovered> found = new ArrayList<>();
        long max = 0;
        for (Enumeration<String> keys = store.keys(); keys.hasMoreElements(); ) {
            String key = keys.nextElement();
            if (!key.startsWith(STORE_PREFIX)) {
                continue;
            }
            try {
                max = Math.max(max, Long.parseLong(key.substring(STORE_PREFIX.length())));
                MqttWireMessage message = MqttWireMessage.createWireMessage(store.get(key));
                if (message instanceof MqttPublish publish) {
                    found.add(new Recovered(key, publish));
                }
            } catch (NumberFormatException | MqttException e) {
                log.warn("Dropping unreadable inbound QoS 2 entry {} of client '{}': {}", key, clientId, e.toString());
                store.remove(key);
            }
        }
        found.sort(Comparator.comparingLong(r -> Long.parseLong(r.key().substring(STORE_PREFIX.length()))));
        recovered = List.copyOf(found);
        nextSequence = new AtomicLong(max + 1);
    }

    /** Messages an earlier client received with QoS 2 but whose ack never came, oldest first. */
    List<Recovered> recovered() {
        return recovered;
    }

    /** The store key of a QoS 2 message Paho just delivered, or null if it was not stored. */
    String claim(MqttMessage message) {
        synchronized (keysById) {
            Deque<String> keys = keysById.get(message.getId());
            if (keys == null) {
                return null;
            }
            String key = keys.pollFirst();
            if (keys.isEmpty()) {
                keysById.remove(message.getId());
            }
            return key;
        }
    }

    /** Forgets a message for good: the application has acked it. */
    void release(String key) {
        try {
            store.remove(key);
        } catch (MqttPersistenceException e) {
            log.warn("Cannot remove inbound QoS 2 entry {}: {}; it will be delivered again after a restart", key,
                e.toString());
        }
    }

    /** Closes the QoS 2 store; Paho closes its own persistence. */
    void closeStore() {
        synchronized (keysById) {
            keysById.clear();
        }
        try {
            store.close();
        } catch (MqttPersistenceException e) {
            log.debug("Closing the inbound QoS 2 store failed: {}", e.toString());
        }
    }

    @Override
    public void put(String key, MqttPersistable persistable) throws MqttPersistenceException {
        if (key.startsWith(RECEIVED_PREFIX) && persistable instanceof MqttPublish publish) {
            String storeKey = STORE_PREFIX + nextSequence.getAndIncrement();
            store.put(storeKey, persistable);
            synchronized (keysById) {
                keysById.computeIfAbsent(publish.getMessageId(), id -> new ArrayDeque<>()).addLast(storeKey);
            }
            return;
        }
        paho.put(key, persistable);
    }

    @Override
    public MqttPersistable get(String key) throws MqttPersistenceException {
        return key.startsWith(RECEIVED_PREFIX) ? null : paho.get(key);
    }

    @Override
    public void remove(String key) throws MqttPersistenceException {
        if (!key.startsWith(RECEIVED_PREFIX)) {
            paho.remove(key);
        }
    }

    @Override
    public boolean containsKey(String key) throws MqttPersistenceException {
        return !key.startsWith(RECEIVED_PREFIX) && paho.containsKey(key);
    }

    @Override
    public Enumeration<String> keys() throws MqttPersistenceException {
        return paho.keys();
    }

    @Override
    public void clear() throws MqttPersistenceException {
        paho.clear();
    }

    @Override
    public void open(String clientId) throws MqttPersistenceException {
        paho.open(clientId);
    }

    @Override
    public void close() throws MqttPersistenceException {
        paho.close();
    }
}
