package io.mqttbridge.demo;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mqttbridge.testkit.aws.AwsIotEmulator;
import io.mqttbridge.testkit.azure.IotHubEmulator;
import io.mqttbridge.testkit.tls.TlsMaterial;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The AWS IoT Core and Azure IoT Hub emulators as a service of their own: the entry point of the
 * {@code cloud-emulators} image of {@code docker-compose.yml} ({@code demo/Dockerfile}).
 *
 * <p>Both listen on loopback only (IoT Hub's MQTT port is fixed at 8883, so its emulator takes 8883 of an address
 * {@code 127.0.0.N} of its own), so the compose file runs this container in the Connect worker's network namespace.
 * The AWS emulator listens on {@code localhost:}{@value #AWS_PORT}; the hub is named as in
 * {@code config/azure-twin-sink.json} and accepts that file's enrollment group key. What a connector needs is
 * written to the state directory: the TLS material ({@code aws/}: CA, client certificate and key; {@code azure/}:
 * the CA) and {@value #ENDPOINTS_FILE} with the connector keys to override.
 *
 * <p>Arguments: the config directory and the state directory. Runs until stopped.
 */
public final class CloudEmulators implements AutoCloseable {
    /** The AWS emulator's port (IoT Hub's emulator takes 8883). */
    public static final int AWS_PORT = 8884;
    /** The connector keys, as {@code key=value} lines, that point the example configs at these emulators. */
    public static final String ENDPOINTS_FILE = "endpoints.properties";

    private final AwsIotEmulator aws;
    private final IotHubEmulator azure;
    private final TlsMaterial awsTls;
    private final Path endpoints;

    private CloudEmulators(AwsIotEmulator aws, IotHubEmulator azure, TlsMaterial awsTls, Path endpoints) {
        this.aws = aws;
        this.azure = azure;
        this.awsTls = awsTls;
        this.endpoints = endpoints;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: CloudEmulators CONFIG_DIR STATE_DIR");
            System.exit(2);
        }
        CountDownLatch stop = new CountDownLatch(1);
        for (String signal : List.of("INT", "TERM")) {
            sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> stop.countDown());
        }
        try (CloudEmulators emulators = start(Path.of(args[0]), Path.of(args[1]), AWS_PORT)) {
            System.out.println("[cloud-emulators] connector settings in " + emulators.endpointsFile() + ":\n"
                + Files.readString(emulators.endpointsFile()));
            stop.await();
        }
        System.exit(0);
    }

    /** Starts both emulators ({@code awsPort} 0 picks a free port) and writes the endpoints file. */
    public static CloudEmulators start(Path configDir, Path stateDir, int awsPort) throws IOException {
        Map<String, String> twinSink = new ObjectMapper().readValue(
            configDir.resolve("azure-twin-sink.json").toFile(), new TypeReference<Map<String, String>>() { });
        Files.createDirectories(stateDir);
        TlsMaterial awsTls = TlsMaterial.generate(stateDir.resolve("aws"), List.of("localhost"));
        AwsIotEmulator aws = AwsIotEmulator.start(AwsIotEmulator.Config.builder(awsTls).port(awsPort).build());
        IotHubEmulator azure;
        try {
            azure = IotHubEmulator.start(stateDir.resolve("azure"), twinSink.get("iothub.hostname"));
            azure.addEnrollmentGroup(twinSink.get("iothub.group.key"));
        } catch (RuntimeException e) {
            aws.close();
            throw e;
        }
        CloudEmulators emulators = new CloudEmulators(aws, azure, awsTls, stateDir.resolve(ENDPOINTS_FILE));
        StringBuilder lines = new StringBuilder("# AWS IoT emulator: aws-shadow-sink.json, aws-shadow-source.json\n");
        emulators.awsSettings().forEach((k, v) -> lines.append(k).append('=').append(v).append('\n'));
        lines.append("# Azure IoT Hub emulator: azure-twin-sink.json, azure-twin-source.json\n");
        emulators.hubSettings().forEach((k, v) -> lines.append(k).append('=').append(v).append('\n'));
        Files.writeString(emulators.endpoints, lines, StandardCharsets.UTF_8);
        return emulators;
    }

    /** The keys of the AWS shadow connectors that point them at this emulator, with its TLS material. */
    public Map<String, String> awsSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("aws.iot.endpoint", "localhost");
        settings.put("aws.iot.port", Integer.toString(aws.port()));
        settings.put("aws.iot.ca.path", awsTls.caCertPem().toAbsolutePath().toString());
        settings.put("aws.iot.certificate.path", awsTls.clientCertPem().toAbsolutePath().toString());
        settings.put("aws.iot.private.key.path", awsTls.clientKeyPem().toAbsolutePath().toString());
        return settings;
    }

    /** The keys of the twin connectors that point them at this hub: the gateway address and the CA to trust. */
    public Map<String, String> hubSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("iothub.gateway.hostname", azure.gatewayHost());
        settings.put("iothub.ssl.truststore.location", azure.tls().caCertPem().toAbsolutePath().toString());
        settings.put("iothub.ssl.truststore.type", "PEM");
        return settings;
    }

    public AwsIotEmulator aws() {
        return aws;
    }

    public IotHubEmulator azure() {
        return azure;
    }

    public Path endpointsFile() {
        return endpoints;
    }

    @Override
    public void close() {
        azure.close();
        aws.close();
    }
}
