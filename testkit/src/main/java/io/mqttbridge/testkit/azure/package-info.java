/**
 * An Azure IoT Hub emulator that the real Azure IoT Device SDK connects to unchanged.
 *
 * <p>{@link io.mqttbridge.testkit.azure.IotHubEmulator} is an MQTT server of its own (on Netty's MQTT codec, since
 * twin topics carry no device id and replies must be routed per connection), with SAS and X.509 authentication,
 * per-device topic rights, device twins and telemetry:
 * <pre>{@code
 * try (IotHubEmulator hub = IotHubEmulator.start(tempDir.resolve("hub"))) {
 *   String key = hub.registerDevice("esp32-01");
 *   // HostName=emulated-hub.azure-devices.net;DeviceId=esp32-01;SharedAccessKey=...;GatewayHostName=127.0.0.N
 *   String connectionString = hub.connectionString("esp32-01");
 *   // the SDK trusts hub.tls().caCertPem() through ClientOptions.builder().sslContext(...)
 *   hub.updateDesired("esp32-01", "{\"interval\":5}");
 *   JsonNode reported = hub.reported("esp32-01");
 * }
 * }</pre>
 */
package io.mqttbridge.testkit.azure;
