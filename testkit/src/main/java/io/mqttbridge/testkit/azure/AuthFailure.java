package io.mqttbridge.testkit.azure;

import java.time.Instant;

/**
 * A connection the emulated hub refused, with the reason a real hub keeps to itself: the client only learns the
 * CONNACK return code.
 *
 * @param clientId the MQTT client id of the refused CONNECT
 * @param returnCode the CONNACK return code sent (4: bad user name or password, 5: not authorized, ...)
 * @param reason why, e.g. "the SAS token expired at ..."
 * @param at when
 */
public record AuthFailure(String clientId, int returnCode, String reason, Instant at) {
}
