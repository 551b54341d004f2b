/**
 * A Kafka Connect cluster inside the test JVM.
 *
 * <p>{@link io.mqttbridge.testkit.connect.ConnectCluster} wraps Kafka's {@code EmbeddedConnectCluster} (KRaft, one
 * broker, one worker; ready in about 8 s) and talks to the worker's REST API with JSON, as a user would:
 * <pre>{@code
 * try (ConnectCluster connect = ConnectCluster.start()) {
 *   connect.createTopic("mqtt.in", 3);
 *   connect.putConnector("src", Map.of("connector.class", "...", "tasks.max", "1", ...));
 *   connect.awaitRunning("src", 1, Duration.ofSeconds(30));
 *   List<ConsumerRecord<byte[], byte[]>> records = connect.consume("mqtt.in", 100, Duration.ofSeconds(30));
 *   connect.restartWorker();
 * }
 * }</pre>
 * Defaults: {@code ByteArrayConverter} for keys and values, {@code offset.flush.interval.ms=1000},
 * {@code plugin.discovery=service_load} (connectors on the test class path need a {@code META-INF/services}
 * manifest). Consumers read with {@code isolation.level=read_committed}.
 */
package io.mqttbridge.testkit.connect;
