package io.mqttbridge.distribution;

import io.mqttbridge.testkit.connect.ConnectCluster;
import io.mqttbridge.testkit.mqtt.BrokerConfig;
import io.mqttbridge.testkit.mqtt.MqttBroker;
import io.mqttbridge.testkit.mqtt.MqttBrokers;
import io.mqttbridge.testkit.mqtt.MqttSubscriber;
import io.mqttbridge.testkit.mqtt.SequenceCheck;
import io.mqttbridge.testkit.mqtt.SequencePublisher;
import io.mqttbridge.testkit.net.FaultProxy;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A soak run, not part of CI: steady load through the source and the sink while a {@link FaultProxy} in front of the
 * MQTT broker breaks both connectors' connections at random every few seconds. MQTT publisher -> broker -> (proxy)
 * -> source -> Kafka {@code soak-in} -> sink -> (proxy) -> broker -> subscriber. Every ten seconds it prints what
 * was sent, what arrived in Kafka and at the subscriber (distinct, lost so far, duplicated) and the heap in use;
 * at the end it drains, prints the totals and exits with 1 if anything was lost.
 * <pre>
 * mvn -q -B install -DskipTests
 * mvn -q -B -pl distribution exec:java -Dexec.mainClass=io.mqttbridge.distribution.Soak \
 *     -Dexec.classpathScope=test -Dexec.args="10 200 5"   # minutes, messages per second, seconds between faults
 * </pre>
 * Where {@code install} is not wanted (a shared local repository), run the class with {@code java -cp} on the class
 * path {@code mvn -pl distribution -am test-compile dependency:build-classpath -Dmdep.outputFile=cp.txt} writes,
 * plus {@code distribution/target/test-classes}. Mosquitto comes from the PATH as in the tests.
 */
public final class Soak {

    private static final Duration DRAIN = Duration.ofMinutes(3);

    private Soak() {
    }

    public static void main(String[] args) throws Exception {
        int minutes = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int rate = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int faultEvery = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int total = minutes * 60 * rate;
        System.out.printf("soak: %d min at %d msg/s (%d messages), a random fault every %d s%n", minutes, rate, total,
            faultEvery);

        Path dir = Files.createTempDirectory("mqtt-soak");
        ScheduledExecutorService timers = Executors.newScheduledThreadPool(3);
        try (MqttBroker broker = MqttBrokers.start(BrokerConfig.builder().saveOnEveryChange(false).build());
             FaultProxy proxy = FaultProxy.to(broker.tcpUri());
             ConnectCluster connect = ConnectCluster.start();
             MqttSubscriber subscriber = MqttSubscriber.builder(broker.tcpUri(), "soak/out/#").connect();
             SequencePublisher publisher = SequencePublisher.builder(broker.tcpUri()).clientId("soak-publisher")
                 .maxInflight(50).connect()) {
            connect.createTopic("soak-in", 1);
            connect.putConnector("soak-source", sourceConfig(proxy.tcpUri(), dir));
            connect.putConnector("soak-sink", sinkConfig(proxy.tcpUri()));
            connect.awaitRunning("soak-source", 1, Duration.ofMinutes(1));
            connect.awaitRunning("soak-sink", 1, Duration.ofMinutes(1));

            SequenceCheck inKafka = SequenceCheck.expecting(0, total);
            AtomicBoolean reading = new AtomicBoolean(true);
            Thread reader = new Thread(() -> readKafka(connect, inKafka, reading), "soak-kafka-reader");
            reader.start();

            AtomicInteger sent = new AtomicInteger();
            AtomicLong faults = new AtomicLong();
            long start = System.nanoTime();
            // One batch per 100 ms keeps the rate steady without a thread per message.
            var publishing = timers.scheduleAtFixedRate(() -> {
                int from = sent.get();
                int count = Math.min(Math.max(1, rate / 10), total - from);
                if (count > 0) {
                    publisher.publish(from, count, 1, "soak/in/seq");
                    sent.addAndGet(count);
                }
            }, 0, 100, TimeUnit.MILLISECONDS);
            Random random = new Random(42);
            var faulting = timers.scheduleWithFixedDelay(() -> injectRandomFault(proxy, random, faults, timers),
                faultEvery, faultEvery, TimeUnit.SECONDS);
            var reporting = timers.scheduleAtFixedRate(() -> report(start, sent, inKafka, subscriber, total, faults),
                10, 10, TimeUnit.SECONDS);

            while (sent.get() < total && !publishing.isDone()) {
                TimeUnit.SECONDS.sleep(1); // a command line loop, not a test: it just watches the clock
            }
            faulting.cancel(false);
            publishing.cancel(false);
            proxy.heal();
            System.out.println("soak: publishing done, draining for at most " + DRAIN);
            long drainUntil = System.nanoTime() + DRAIN.toNanos();
            while (System.nanoTime() < drainUntil
                && !(inKafka.isComplete() && subscriber.sequences(0, total).isComplete())) {
                TimeUnit.SECONDS.sleep(1);
            }
            reporting.cancel(false);
            reading.set(false);
            reader.join();
            report(start, sent, inKafka, subscriber, total, faults);
            SequenceCheck atSubscriber = subscriber.sequences(0, total);
            int lost = inKafka.missing().size() + atSubscriber.missing().size();
            System.out.println("soak: Kafka " + inKafka.report());
            System.out.println("soak: subscriber " + atSubscriber.report());
            System.out.println("soak: " + (lost == 0 ? "PASS, 0 lost" : "FAIL, " + lost + " lost"));
            timers.shutdownNow();
            System.exit(lost == 0 ? 0 : 1);
        }
    }

    private static void injectRandomFault(FaultProxy proxy, Random random, AtomicLong faults,
                                          ScheduledExecutorService timers) {
        faults.incrementAndGet();
        int hold = 1 + random.nextInt(3);
        switch (random.nextInt(6)) {
            case 0 -> proxy.reset();
            case 1 -> proxy.cut();
            case 2 -> {
                proxy.stall();
                timers.schedule(proxy::resume, hold, TimeUnit.SECONDS);
            }
            case 3 -> {
                proxy.blackhole();
                timers.schedule(proxy::resume, hold, TimeUnit.SECONDS);
            }
            case 4 -> {
                proxy.refuse(true);
                proxy.reset();
                timers.schedule(() -> proxy.refuse(false), hold, TimeUnit.SECONDS);
            }
            default -> {
                proxy.latency(Duration.ofMillis(50));
                proxy.bandwidth(32 * 1024);
                timers.schedule(() -> {
                    proxy.latency(Duration.ZERO);
                    proxy.bandwidth(0);
                }, hold, TimeUnit.SECONDS);
            }
        }
    }

    private static void report(long start, AtomicInteger sent, SequenceCheck inKafka, MqttSubscriber subscriber,
                               int total, AtomicLong faults) {
        Runtime rt = Runtime.getRuntime();
        long heapMiB = (rt.totalMemory() - rt.freeMemory()) >> 20;
        SequenceCheck out = subscriber.sequences(0, total);
        int sentNow = sent.get();
        System.out.printf("soak %4d s: sent %d, faults %d | Kafka distinct %d, behind %d, duplicated %d | "
                + "subscriber distinct %d, behind %d, duplicated %d | heap %d MiB%n",
            (System.nanoTime() - start) / 1_000_000_000L, sentNow, faults.get(),
            inKafka.distinct(), sentNow - inKafka.distinct(), inKafka.duplicateCount(),
            out.distinct(), sentNow - out.distinct(), out.duplicateCount(), heapMiB);
    }

    private static void readKafka(ConnectCluster connect, SequenceCheck check, AtomicBoolean running) {
        try (KafkaConsumer<byte[], byte[]> consumer = connect.embedded().kafka().createConsumer(Map.of())) {
            TopicPartition partition = new TopicPartition("soak-in", 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            while (running.get()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    check.recordPayload(r.value());
                }
            }
        }
    }

    private static Map<String, String> sourceConfig(String serverUri, Path dir) {
        Map<String, String> c = new HashMap<>();
        c.put("connector.class", "io.mqttbridge.source.MqttSourceConnector");
        c.put("tasks.max", "1");
        c.put("mqtt.server.uris", serverUri);
        c.put("mqtt.topics", "soak/in/+");
        c.put("mqtt.qos", "1");
        c.put("kafka.topic", "soak-in");
        c.put("mqtt.client.id", "soak-source");
        c.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        c.put("mqtt.keepalive.interval.ms", "2000");
        c.put("mqtt.connect.timeout.ms", "3000");
        c.put("mqtt.reconnect.backoff.max.ms", "1000");
        c.put("mqtt.persistence.dir", dir.resolve("source").toString());
        return c;
    }

    private static Map<String, String> sinkConfig(String serverUri) {
        Map<String, String> c = new HashMap<>();
        c.put("connector.class", "io.mqttbridge.sink.MqttSinkConnector");
        c.put("tasks.max", "1");
        c.put("topics", "soak-in");
        c.put("mqtt.server.uris", serverUri);
        c.put("mqtt.topic", "soak/out/seq");
        c.put("mqtt.qos", "1");
        c.put("payload.format", "bytes");
        c.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        c.put("mqtt.keepalive.interval.ms", "2000");
        c.put("mqtt.connect.timeout.ms", "3000");
        c.put("mqtt.reconnect.backoff.max.ms", "1000");
        return c;
    }
}
