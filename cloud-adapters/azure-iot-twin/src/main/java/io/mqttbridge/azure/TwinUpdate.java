package io.mqttbridge.azure;

/**
 * What one record asks of a device: a reported-properties patch, a telemetry message, or both (the patch first).
 *
 * @param deviceId the device
 * @param reportedPatch the patch as a JSON object, or null
 * @param telemetry the message, or null
 */
record TwinUpdate(String deviceId, String reportedPatch, DeviceSession.Telemetry telemetry) {
}
