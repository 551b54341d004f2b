/**
 * Network faults between the code under test and a real server.
 *
 * <p>{@link io.mqttbridge.testkit.net.FaultProxy} is a TCP proxy on a free loopback port that cuts (FIN), resets
 * (RST), stalls (holds bytes), blackholes (drops bytes), slows (latency, bandwidth) and refuses connections on
 * demand, without ever corrupting the byte stream it forwards.
 */
package io.mqttbridge.testkit.net;
