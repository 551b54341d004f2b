/**
 * An AWS IoT Core emulator: {@link io.mqttbridge.testkit.aws.AwsIotEmulator}, an MQTT broker of its own (Netty's
 * MQTT codec) with the Device Shadow service, behind mutual TLS, for the shadow connectors' tests and the demo.
 *
 * <h2>Emulated</h2>
 * <ul>
 *   <li><b>Endpoint.</b> TLS 1.2/1.3 on {@code localhost} (127.0.0.1, plus ::1 where it exists), one port, client
 *       certificate required and checked against the CA of the {@link io.mqttbridge.testkit.tls.TlsMaterial} (and
 *       any added CA). A client without a certificate, or with one from another CA, fails the TLS handshake.</li>
 *   <li><b>MQTT 3.1.1 and 5.</b> CONNECT/CONNACK, PUBLISH QoS 0 and 1 with PUBACK both ways, SUBSCRIBE/SUBACK with
 *       {@code +} and {@code #} ({@code $} topics only match filters that name their first level),
 *       UNSUBSCRIBE/UNSUBACK, PINGREQ, DISCONNECT, retained messages, last will, keep-alive (the connection is
 *       closed after 1.5 times the keep-alive without a packet; MQTT 5 clients get DISCONNECT 0x8D first), many
 *       clients at once. A second connection with a client id that is connected closes the first (MQTT 5:
 *       DISCONNECT 0x8E "session taken over"), as AWS IoT does. QoS 2 is not supported, as on AWS IoT: a QoS 2
 *       subscription is granted QoS 1, a QoS 2 publish ends the connection (MQTT 5: DISCONNECT 0x9B). MQTT 5
 *       extras: CONNACK carries AWS IoT's limits (Maximum QoS 1, Maximum Packet Size 149504, Receive Maximum 100,
 *       Topic Alias Maximum 8, retain and wildcard subscriptions available, shared subscriptions and subscription
 *       identifiers not); inbound topic aliases; the client's Receive Maximum and Maximum Packet Size are honoured;
 *       no-local and retain-as-published subscription options; content type, response topic, correlation data,
 *       payload format, message expiry and user properties are forwarded; {@code $share/...} is refused (0x9E).
 *       At most 50 subscriptions per connection (configurable), AWS IoT's default quota.</li>
 *   <li><b>Policies.</b> Per client certificate (subject CN or certificate id = SHA-256 fingerprint), the things it
 *       may act for ({@link io.mqttbridge.testkit.aws.ThingPolicy}); applies to every {@code $aws/things/THING/...}
 *       topic in PUBLISH, SUBSCRIBE (the filter text, so {@code +} needs a {@code *} policy) and delivery. Refusal:
 *       MQTT 5 reason code 0x87 in PUBACK/SUBACK, MQTT 3.1.1 connection closed. Revoked certificates get CONNACK
 *       "not authorized".</li>
 *   <li><b>Device Shadow service</b>, classic ({@code $aws/things/THING/shadow/OP}) and named
 *       ({@code $aws/things/THING/shadow/name/SHADOW/OP}) shadows, per the AWS IoT Developer Guide pages "Device
 *       Shadow service documents", "Device Shadow MQTT topics", "Interacting with shadows" and "Device Shadow error
 *       messages". Requests are also delivered to subscribers of the request topic, as on AWS IoT; responses are
 *       published (QoS 1, capped by the subscription) to whoever subscribes to the response topics.
 *     <ul>
 *       <li>{@code get}: empty payload or {@code {"clientToken":..}}; {@code /get/accepted} with {@code state}
 *           (desired, reported, delta), {@code metadata} (desired, reported, delta), {@code version},
 *           {@code timestamp}, {@code clientToken}; or {@code /get/rejected} 404
 *           {@code "No shadow exists with name: 'THING'"} ({@code 'THING~SHADOW'} for a named shadow).</li>
 *       <li>{@code update}: objects merge recursively, {@code null} deletes a key (a {@code null} section clears
 *           it, {@code "state":null} clears both), arrays and other values replace; an object emptied by deletions
 *           is removed. The version grows by one per accepted update; {@code metadata} holds
 *           {@code {"timestamp":N}} (epoch seconds) per updated leaf, an array of per-element metadata for arrays.
 *           {@code /update/accepted} echoes the request's state with its metadata, version, timestamp and
 *           clientToken; {@code /update/documents} carries {@code previous} ({@code null} when the shadow did not
 *           exist) and {@code current} ({@code state}, {@code metadata}, {@code version}), timestamp and
 *           clientToken; {@code /update/delta} is published when the update carried desired keys and desired then
 *           differs from reported: all differing desired keys (nested objects down to the differing leaves, arrays
 *           whole, numbers compared by value) with their desired metadata, version, timestamp, clientToken.
 *           Published in that order: accepted, documents, delta.</li>
 *       <li>{@code delete}: {@code /delete/accepted} {@code {"version":N,"timestamp":..,"clientToken":..}} or 404.
 *           The version is kept: a shadow created again continues from it (AWS does so within 48 hours).</li>
 *       <li>Errors on {@code /rejected}: {@code {"code","message","timestamp","clientToken"}} (404 without
 *           timestamp). 400 "Invalid JSON" (also for a payload that is not a JSON object), "Missing required node:
 *           state", "State node must be an object", "Desired node must be an object", "Reported node must be an
 *           object", "State contains an invalid node" (a key other than desired/reported in state, or a null inside
 *           an array), "Invalid version" (not an integer), "Invalid clientToken" (not a string or over 64 bytes;
 *           not echoed), "JSON contains too many levels of nesting; maximum is 6" (desired or reported deeper than
 *           6 levels, the section's own object being the first); 409 "Version conflict" (a version given that is
 *           not the current one; 0 for a shadow never created); 413 "The payload exceeds the maximum size allowed"
 *           (desired or reported larger than 8 KB, compact UTF-8 JSON after the merge; metadata does not count);
 *           415 for a payload that is not UTF-8. Injected: 429 "Too Many Requests", 500 "Internal service
 *           failure", 503 "Service unavailable".</li>
 *       <li>Thread-safe: one lock per shadow, so updates of one shadow are applied and their responses published
 *           in arrival order; different shadows run in parallel.</li>
 *     </ul></li>
 *   <li><b>Test hooks</b> on {@link io.mqttbridge.testkit.aws.AwsIotEmulator}: read a shadow, update or delete
 *       as a cloud application (UpdateThingShadow / DeleteThingShadow: accepted responses, documents and delta go
 *       to MQTT subscribers), inject update failures, stop/start on the same port keeping shadows, drop
 *       connections, change policies, revoke certificates, counters of accepted and rejected updates.</li>
 * </ul>
 *
 * <h2>Not emulated</h2>
 * <ul>
 *   <li>Persistent sessions: every session is clean. A client asking for one (clean session false, MQTT 5 session
 *       expiry) is accepted, told nothing is present (and, on MQTT 5, Session Expiry Interval 0), and loses its
 *       subscriptions and in-flight messages when it disconnects; nothing is queued for offline clients, and
 *       unacknowledged QoS 1 messages are not resent.</li>
 *   <li>IoT policies beyond thing names: {@code iot:Connect} client id conditions, policy variables, topics
 *       outside {@code $aws/things/...}. The thing registry: any thing name works, no "Thing not found".</li>
 *   <li>Service limits other than the ones above: throttling (use {@code rejectNextUpdates}), 10 in-flight shadow
 *       requests per connection, 128 KB payloads (149504-byte packets are the limit here), topic length and level
 *       limits, keep-alive clamping to 30-1200 s, thing and shadow name validation.</li>
 *   <li>MQTT over WebSockets, SigV4, custom authorizers, ALPN on port 443, Basic Ingest, other reserved topics
 *       (jobs, events), shadow name listing, {@code $aws/events}, REST APIs (the hooks stand in for them).</li>
 *   <li>Uncertain details, chosen and tested here: the delta publication rule, {@code previous:null} for a new
 *       shadow, {@code metadata.delta} in {@code /get/accepted}, the message for nulls in arrays, and that
 *       {@code /update/accepted} is published for cloud updates.</li>
 * </ul>
 */
package io.mqttbridge.testkit.aws;
