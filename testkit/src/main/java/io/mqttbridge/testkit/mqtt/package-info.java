/**
 * Real MQTT brokers and sequence-numbered traffic for tests.
 *
 * <p>{@link io.mqttbridge.testkit.mqtt.MqttBrokers#start(io.mqttbridge.testkit.mqtt.BrokerConfig)} starts a
 * Mosquitto process (binary from {@code MOSQUITTO_BIN}, the {@code PATH} or {@code /usr/sbin/mosquitto}) with a
 * generated {@code mosquitto.conf} in a temporary directory, or, without Mosquitto, an embedded HiveMQ CE broker.
 * Mosquitto defaults: plain listener on a free 127.0.0.1 port, anonymous allowed, persistence saved after every
 * change, {@code max_queued_messages 0} (unlimited, so the broker never drops what it queued for an offline
 * client), {@code max_inflight_messages 100}. {@code stop()} is SIGTERM (state saved), {@code kill()} is SIGKILL,
 * {@code start()} comes back on the same ports with the same persistence.
 * <pre>{@code
 * try (MqttBroker broker = MqttBrokers.start(BrokerConfig.builder().user("bridge", "pw").build())) {
 *   ... connect to broker.tcpUri() ...
 *   broker.kill();
 *   broker.start();
 * }
 * }</pre>
 *
 * <p>Mosquitto 2.0.11 acknowledges a publish before it saves its database (end of the event-loop iteration): a
 * {@code kill()} right after an acknowledgement can lose that message. Tests that must only see losses of the code
 * under test pause their publishers and call
 * {@link io.mqttbridge.testkit.mqtt.MosquittoBroker#awaitPersisted(java.time.Duration)} before {@code kill()}.
 *
 * <p>{@link io.mqttbridge.testkit.mqtt.SequencePublisher} publishes {@code {"seq":N,...}} payloads and waits for
 * every acknowledgement, also across broker restarts; {@link io.mqttbridge.testkit.mqtt.SequenceCheck} reports
 * missing and duplicate sequence numbers of what arrived.
 */
package io.mqttbridge.testkit.mqtt;
