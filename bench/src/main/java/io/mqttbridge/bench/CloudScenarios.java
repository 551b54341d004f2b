package io.mqttbridge.bench;

import io.mqttbridge.testkit.aws.AwsIotEmulator;
import io.mqttbridge.testkit.azure.IotHubEmulator;
import io.mqttbridge.testkit.tls.TlsMaterial;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

/**
 * Cloud updates per second through the sink connectors, with the real device SDKs, against the testkit's
 * emulators: AWS IoT shadow updates (issue 5) and Azure IoT Hub reported-property updates (issue 6). Records are
 * spread over {@code cloudDevices} things or devices; each gets one warm-up update first, so connecting (mutual TLS,
 * and for Azure one device client per device) is not part of the rate.
 */
final class CloudScenarios {

    /** Any base64 key: the hub emulator derives device keys from it as a DPS enrollment group does. */
    private static final String GROUP_KEY = "YmVuY2ggb25seTogbm90IGEgcmVhbCBlbnJvbGxtZW50IGtleQ==";

    private final BenchContext ctx;

    CloudScenarios(BenchContext ctx) {
        this.ctx = ctx;
    }

    Result shadow() {
        BenchEnvironment env = ctx.env();
        String load = LoadAverage.now();
        Path dir = env.directory().resolve("aws");
        TlsMaterial tls = TlsMaterial.generate(dir.resolve("tls"), List.of("localhost"));
        try (AwsIotEmulator aws = AwsIotEmulator.start(AwsIotEmulator.Config.builder(tls).build())) {
            String id = "shadow";
            Map<String, String> config = jsonSink("io.mqttbridge.aws.ShadowSinkConnector", id);
            config.put("aws.iot.endpoint", aws.host());
            config.put("aws.iot.port", Integer.toString(aws.port()));
            config.put("aws.iot.certificate.path", tls.clientCertPem().toString());
            config.put("aws.iot.private.key.path", tls.clientKeyPem().toString());
            config.put("aws.iot.ca.path", tls.caCertPem().toString());
            return measure(id, "ShadowSinkConnector -> AWS IoT emulator", "shadow updates/s", config, load,
                aws::updatesAccepted);
        }
    }

    Result twin() {
        BenchEnvironment env = ctx.env();
        String load = LoadAverage.now();
        // The emulator binds 8883 on a free 127.0.0.N of its own (N from 2 to 254, picked at random), so it never
        // collides with the tests' or the demo's hubs.
        try (IotHubEmulator hub = IotHubEmulator.start(env.directory().resolve("azure"), "bench-hub.azure-devices.net")) {
            hub.addEnrollmentGroup(GROUP_KEY);
            String id = "twin";
            Map<String, String> config = jsonSink("io.mqttbridge.azure.TwinSinkConnector", id);
            config.put("iothub.hostname", hub.hostName());
            config.put("iothub.gateway.hostname", hub.gatewayHost());
            config.put("iothub.auth.mode", "group.key");
            config.put("iothub.group.key", GROUP_KEY);
            config.put("iothub.device.id", "${key}");
            config.put("iothub.sink.targets", "reported");
            config.put("iothub.pool.max.clients", Integer.toString(Math.max(1, ctx.options().cloudDevices())));
            config.put("iothub.ssl.truststore.location", hub.tls().caCertPem().toString());
            config.put("iothub.ssl.truststore.type", "PEM");
            Result r = measure(id, "TwinSinkConnector -> IoT Hub emulator", "twin updates/s", config, load,
                () -> hub.deviceIds().stream().mapToLong(d -> hub.reportedPatches(d).size()).sum());
            r.details().put("hub", hub.gatewayHost() + ":" + IotHubEmulator.PORT);
            return r;
        }
    }

    private Map<String, String> jsonSink(String connectorClass, String topic) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", connectorClass);
        config.put("tasks.max", "1");
        config.put("topics", "bench." + topic);
        config.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        config.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        config.put("value.converter.schemas.enable", "false");
        return config;
    }

    /**
     * Warm-up (one record per device, all accepted), then {@code cloudMessages} records produced at once; the rate
     * runs from the first send to the moment {@code accepted} counts them all.
     */
    private Result measure(String id, String variant, String unit, Map<String, String> config, String load,
                           Callable<Long> accepted) {
        BenchEnvironment env = ctx.env();
        int devices = ctx.options().cloudDevices();
        int n = ctx.options().cloudMessages();
        String topic = "bench." + id;
        env.createTopic(topic, 1);
        try (KafkaProducer<byte[], byte[]> producer = env.workerLikeProducer()) {
            produce(producer, topic, IntStream.range(0, devices), devices);
            env.runConnector(id, config, 1);
            awaitAccepted(id, accepted, devices);
            long start = System.nanoTime();
            produce(producer, topic, IntStream.range(0, n), devices);
            boolean complete = awaitAccepted(id, accepted, (long) devices + n);
            long elapsed = System.nanoTime() - start;
            Map<String, Object> details = BenchContext.details(load, null);
            details.put("records", n);
            details.put("devices", devices);
            details.put("accepted", call(accepted) - devices);
            return Result.of(id, variant, n * 1e9 / elapsed, unit, complete, details);
        } finally {
            env.deleteConnector(id);
        }
    }

    private static void produce(KafkaProducer<byte[], byte[]> producer, String topic, IntStream seqs, int devices) {
        seqs.forEach(seq -> producer.send(new ProducerRecord<>(topic,
            String.format("bench-device-%03d", seq % devices).getBytes(StandardCharsets.UTF_8),
            ("{\"seq\":" + seq + ",\"temperature\":" + (20 + seq % 7) + "}").getBytes(StandardCharsets.UTF_8))));
        producer.flush();
    }

    private boolean awaitAccepted(String id, Callable<Long> accepted, long expected) {
        try {
            int[] polls = {0};
            Awaitility.await(id + ": " + expected + " updates accepted").atMost(ctx.timeout())
                .pollInterval(Duration.ofMillis(10))
                .until(() -> {
                    if (accepted.call() >= expected) {
                        return true;
                    }
                    if (++polls[0] % 50 == 0) { // the REST status every half second, not every poll
                        ctx.env().checkConnector(id);
                    }
                    return false;
                });
            return true;
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            return false;
        }
    }

    private static long call(Callable<Long> c) {
        try {
            return c.call();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
