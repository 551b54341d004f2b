package io.mqttbridge.core.transport;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

import static io.mqttbridge.core.transport.TransportTestSupport.settings;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tasks of one connector start together on a worker and create their transports at the same moment; with a fresh
 * {@code mqtt.persistence.dir} Paho's own {@code mkdirs()} failed for all but one of them (reason code 0).
 */
class PersistenceDirectoryRaceTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void transportsCreatedTogetherShareAFreshPersistenceDirectory(MqttVersion v) throws Exception {
        Path fresh = tmp.resolve("not/yet/there");
        int tasks = 8;
        CyclicBarrier together = new CyclicBarrier(tasks);
        List<CompletableFuture<MqttTransport>> created = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            String clientId = "task-" + i;
            created.add(CompletableFuture.supplyAsync(() -> {
                try {
                    together.await(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return MqttTransports.create(settings(v, "tcp://127.0.0.1:1", clientId, fresh),
                    new TransportTestSupport.Recorder());
            }));
        }
        for (CompletableFuture<MqttTransport> transport : created) {
            transport.get(30, TimeUnit.SECONDS).close(); // throws if any creation failed
        }
        assertTrue(Files.isDirectory(fresh));
    }
}
