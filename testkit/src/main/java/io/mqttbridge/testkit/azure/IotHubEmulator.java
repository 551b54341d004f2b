package io.mqttbridge.testkit.azure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mqttbridge.testkit.tls.TlsMaterial;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An Azure IoT Hub for tests: the device-facing MQTT endpoint with device twins and device-to-cloud telemetry, so the
 * real Azure IoT Device SDK runs against it unchanged.
 *
 * <p>One TLS endpoint serves many devices at once. It listens on port 8883 (the SDK's MQTT port is fixed) of a
 * loopback address of its own, {@code 127.0.0.N}; clients reach it by setting {@code GatewayHostName} to
 * {@link #gatewayHost()} while {@code HostName} stays {@link #hostName()} (which contains a dot, as the SDK
 * requires). Its server certificate, signed by the CA of {@link #tls()}, names that address.
 *
 * <p>It checks what IoT Hub checks on CONNECT: MQTT 3.1.1, client id = device id, the user name
 * {@code HUB/DEVICE/?api-version=...}, and either a SAS token ({@code sr} naming the device, not expired, signed with
 * the device's primary or secondary key, or with a key derived from an enrollment group key as DPS derives them) or,
 * for X.509 devices, a client certificate with a registered thumbprint. A refusal is a CONNACK return code, as on the
 * real hub; {@link #authFailures()} tells tests why. Each connection may use only its own device's topics: publishing
 * elsewhere closes it (as IoT Hub does), subscribing elsewhere is refused in the SUBACK.
 *
 * <p>Twin topics carry no device id, so replies are routed per connection: {@code $iothub/twin/GET/?$rid=R} answers
 * {@code $iothub/twin/res/200/?$rid=R} with the twin; {@code $iothub/twin/PATCH/properties/reported/?$rid=R} answers
 * {@code $iothub/twin/res/204/?$rid=R&$version=V}; a rejected request answers {@code 400} (malformed JSON, bad
 * names, too deep, too long), {@code 413} (a section beyond 32 KB) or what {@link #failNextTwinRequests} injects, with
 * an error document {@code {"errorCode":..,"message":..}}. Replies go at QoS 0 and only to connections subscribed to
 * {@code $iothub/twin/res/#}. {@link #updateDesired} patches the desired properties as a back end would and notifies
 * the device on {@code $iothub/twin/PATCH/properties/desired/?$version=V}, if it is connected and subscribed; like
 * IoT Hub, nothing is queued for a disconnected device, which must GET its twin when it reconnects.
 *
 * <p>State (devices, twins, telemetry, persistent sessions) survives {@link #stop()}, {@link #start()} and
 * {@link #restart()}, which close every connection, as a hub failover would. Thread-safe.
 */
public final class IotHubEmulator implements AutoCloseable {
  /** The port of IoT Hub's MQTT endpoint; the device SDK cannot use another over plain MQTT. */
  public static final int PORT = 8883;
  /** The hub host name unless another is given. */
  public static final String DEFAULT_HOST_NAME = "emulated-hub.azure-devices.net";

  static final String TWIN_RESPONSES = "$iothub/twin/res/#";
  static final String DESIRED_UPDATES = "$iothub/twin/PATCH/properties/desired/#";

  private static final Logger LOG = LoggerFactory.getLogger(IotHubEmulator.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_PACKET_BYTES = 512 * 1024;

  /** A registered device: SAS keys or X.509 thumbprints (upper-case hex). */
  private record Identity(String deviceId, String primaryKey, String secondaryKey, String primaryThumbprint,
                          String secondaryThumbprint) {
    boolean usesX509() {
      return primaryThumbprint != null;
    }
  }

  /** The outcome of a CONNECT: the device it authenticates, or the return code to refuse it with. */
  record Verdict(String deviceId, MqttConnectReturnCode refusal) {
  }

  /** A twin reply: status, the reported {@code $version} for 204, and the body. */
  record TwinReply(int status, Long version, byte[] body) {
  }

  private final String hostName;
  private final Clock clock;
  private final InetSocketAddress address;
  private final TlsMaterial tls;
  private final SslContext sslContext;
  private final EventLoopGroup boss =
      new NioEventLoopGroup(1, new DefaultThreadFactory("iothub-emulator-accept", true));
  private final EventLoopGroup workers = new NioEventLoopGroup(2, new DefaultThreadFactory("iothub-emulator", true));
  private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private volatile Channel serverChannel;

  private final Map<String, Identity> devices = new ConcurrentHashMap<>();
  private final List<String> groupKeys = new CopyOnWriteArrayList<>();
  private final Map<String, DeviceTwinState> twins = new ConcurrentHashMap<>();
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final Map<String, IotHubConnectionHandler> connections = new ConcurrentHashMap<>();
  private final List<TelemetryMessage> telemetry = new CopyOnWriteArrayList<>();
  private final List<AuthFailure> authFailures = new CopyOnWriteArrayList<>();
  private final AtomicInteger injectedFailures = new AtomicInteger();
  private volatile int injectedStatus;
  private final AtomicLong acceptedConnections = new AtomicLong();
  private final AtomicInteger peakConnections = new AtomicInteger();
  private final AtomicLong twinRequests = new AtomicLong();

  private IotHubEmulator(Path dir, String hostName, Clock clock) {
    if (!hostName.contains(".")) {
      throw new IllegalArgumentException("The hub host name must contain a dot (the device SDK requires one): "
          + hostName);
    }
    this.hostName = hostName;
    this.clock = clock;
    try {
      this.address = bindFreeLoopbackAddress();
      this.tls = TlsMaterial.generate(dir, List.of("localhost", address.getAddress().getHostAddress()));
      this.sslContext = SslContextBuilder.forServer(tls.serverCertPem().toFile(), tls.serverKeyPem().toFile())
          .sslProvider(SslProvider.JDK)
          // X.509 devices are recognised by thumbprint, so self-signed device certificates must pass the handshake.
          .trustManager(InsecureTrustManagerFactory.INSTANCE)
          .clientAuth(ClientAuth.OPTIONAL)
          .build();
    } catch (IOException | RuntimeException e) {
      close();
      throw e instanceof IOException io ? new UncheckedIOException("Cannot start the IoT Hub emulator", io)
          : (RuntimeException) e;
    }
    LOG.info("IoT Hub emulator for {} listening on {}", hostName, address);
  }

  /** Starts an emulated hub named {@link #DEFAULT_HOST_NAME}, with its TLS material in {@code dir}. */
  public static IotHubEmulator start(Path dir) {
    return start(dir, DEFAULT_HOST_NAME);
  }

  /** Starts an emulated hub named {@code hostName} (which must contain a dot), TLS material in {@code dir}. */
  public static IotHubEmulator start(Path dir, String hostName) {
    return new IotHubEmulator(dir, hostName, Clock.systemUTC());
  }

  /** The hub's host name: the connection string's {@code HostName}, part of user names and SAS token resources. */
  public String hostName() {
    return hostName;
  }

  /** Where the hub listens, {@code 127.0.0.N}: the connection string's {@code GatewayHostName}. */
  public String gatewayHost() {
    return address.getAddress().getHostAddress();
  }

  /** The listening address, port {@link #PORT}. */
  public InetSocketAddress address() {
    return address;
  }

  /** The CA that signed the server certificate (clients trust {@code tls().caCertPem()}), and a client certificate. */
  public TlsMaterial tls() {
    return tls;
  }

  // ---------------------------------------------------------------------------------------------- identity registry

  /** Registers a device with a fresh random primary key and returns that key (base64). */
  public String registerDevice(String deviceId) {
    String key = randomKey();
    registerDevice(deviceId, key, randomKey());
    return key;
  }

  /** Registers (or replaces) a device authenticating with SAS tokens signed by either key. */
  public void registerDevice(String deviceId, String primaryKey, String secondaryKey) {
    checkDeviceId(deviceId);
    // The twin first: a caller that sees the device in deviceIds() must find its twin.
    twins.computeIfAbsent(deviceId, id -> new DeviceTwinState());
    devices.put(deviceId, new Identity(deviceId, primaryKey, secondaryKey, null, null));
  }

  /** Registers (or replaces) a self-signed X.509 device: its certificate's SHA-1 or SHA-256 thumbprint must match. */
  public void registerX509Device(String deviceId, String primaryThumbprint, String secondaryThumbprint) {
    checkDeviceId(deviceId);
    twins.computeIfAbsent(deviceId, id -> new DeviceTwinState());
    devices.put(deviceId, new Identity(deviceId, null, null, normalize(primaryThumbprint),
        secondaryThumbprint == null ? normalize(primaryThumbprint) : normalize(secondaryThumbprint)));
  }

  /**
   * Accepts devices that authenticate with a key derived from {@code groupKey} (see {@link SasToken#deriveDeviceKey})
   * and registers them on their first connection, as a DPS symmetric-key enrollment group followed by provisioning
   * would.
   */
  public void addEnrollmentGroup(String groupKey) {
    Base64.getDecoder().decode(groupKey);
    groupKeys.add(groupKey);
  }

  /** The SHA-1 thumbprint of a certificate, upper-case hex, as the Azure portal shows it. */
  public static String thumbprint(X509Certificate certificate) {
    return digest("SHA-1", certificate);
  }

  /** A device connection string for a SAS device: HostName, DeviceId, SharedAccessKey and GatewayHostName. */
  public String connectionString(String deviceId) {
    Identity identity = devices.get(deviceId);
    if (identity == null || identity.usesX509()) {
      throw new IllegalArgumentException("No SAS device '" + deviceId + "' is registered");
    }
    return "HostName=" + hostName + ";DeviceId=" + deviceId + ";SharedAccessKey=" + identity.primaryKey()
        + ";GatewayHostName=" + gatewayHost();
  }

  /** The registered devices (including those registered through an enrollment group), sorted. */
  public Set<String> deviceIds() {
    return new TreeSet<>(devices.keySet());
  }

  // --------------------------------------------------------------------------------------------------- twin service

  /**
   * Patches a device's desired properties as a back end would ({@code null} members delete) and notifies the device if
   * it is connected and subscribed. Returns the new desired {@code $version}.
   *
   * @throws IllegalArgumentException if the device is unknown or the hub would reject the patch, with the reason
   */
  public long updateDesired(String deviceId, String patchJson) {
    DeviceTwinState twin = twinOf(deviceId);
    long version;
    ObjectNode notification;
    synchronized (twin) {
      try {
        ObjectNode patch = TwinRules.parsePatch(patchJson.getBytes(StandardCharsets.UTF_8));
        version = twin.patchDesired(patch);
        notification = patch.deepCopy();
        notification.put("$version", version);
      } catch (TwinRejection e) {
        throw new IllegalArgumentException("IoT Hub would reject this desired patch with " + e.status() + ": "
            + e.getMessage());
      }
      IotHubConnectionHandler connection = connections.get(deviceId);
      if (connection != null) {
        connection.desiredChanged(version, bytes(notification));
      }
    }
    return version;
  }

  /** The twin as the device's GET receives it: {@code {"desired":{...,"$version":N},"reported":{...}}}. */
  public JsonNode twin(String deviceId) {
    return twinOf(deviceId).document();
  }

  /** The device's reported properties, without {@code $version}. */
  public JsonNode reported(String deviceId) {
    return twinOf(deviceId).reported();
  }

  /** The device's reported {@code $version}: 1 for a new twin, one more per applied patch. */
  public long reportedVersion(String deviceId) {
    return twinOf(deviceId).reportedVersion();
  }

  /** The device's desired properties, without {@code $version}. */
  public JsonNode desired(String deviceId) {
    return twinOf(deviceId).desired();
  }

  /** The device's desired {@code $version}. */
  public long desiredVersion(String deviceId) {
    return twinOf(deviceId).desiredVersion();
  }

  /** The reported patches applied to the device's twin, in order. */
  public List<ReportedPatch> reportedPatches(String deviceId) {
    return twinOf(deviceId).reportedPatches();
  }

  /** Every telemetry message accepted so far, in arrival order. */
  public List<TelemetryMessage> telemetry() {
    return List.copyOf(telemetry);
  }

  /** The telemetry messages of one device, in arrival order. */
  public List<TelemetryMessage> telemetry(String deviceId) {
    return telemetry.stream().filter(m -> m.deviceId().equals(deviceId)).toList();
  }

  /**
   * Answers the next {@code count} twin requests (GET or reported PATCH, of any device) with {@code status} and an
   * error document instead of serving them, e.g. 429 (throttled) or 503 (server busy).
   */
  public void failNextTwinRequests(int count, int status) {
    injectedStatus = status;
    injectedFailures.set(count);
  }

  /** The twin requests received so far. */
  public long twinRequestCount() {
    return twinRequests.get();
  }

  // ------------------------------------------------------------------------------------------------------ observing

  /** Refused connections with the reasons, oldest first. */
  public List<AuthFailure> authFailures() {
    return List.copyOf(authFailures);
  }

  /** The devices connected now. */
  public Set<String> connectedDevices() {
    return new TreeSet<>(connections.keySet());
  }

  /** Connections accepted (CONNACK 0) since the emulator started. */
  public long acceptedConnectionCount() {
    return acceptedConnections.get();
  }

  /** The most devices connected at the same time since the emulator started. */
  public int peakConnectionCount() {
    return peakConnections.get();
  }

  // ------------------------------------------------------------------------------------------------------ lifecycle

  /** Stops listening and closes every connection; the state stays. */
  public synchronized void stop() {
    Channel server = serverChannel;
    serverChannel = null;
    if (server != null) {
      server.close().syncUninterruptibly();
    }
    channels.close().syncUninterruptibly();
    LOG.info("IoT Hub emulator {} stopped", address);
  }

  /** Listens again on the same address after {@link #stop()}. */
  public synchronized void start() {
    if (serverChannel != null) {
      return;
    }
    try {
      serverChannel = bind(address);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot listen on " + address + " again", e);
    }
    LOG.info("IoT Hub emulator {} started", address);
  }

  /** {@link #stop()} then {@link #start()}: every device loses its connection and must reconnect. */
  public void restart() {
    stop();
    start();
  }

  @Override
  public void close() {
    try {
      stop();
    } finally {
      boss.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
      workers.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  // --------------------------------------------------------------------------------------- used by the connections

  /** Decides a CONNECT as IoT Hub does; refusals are recorded with their reason. */
  Verdict authenticate(String clientId, String userName, byte[] password, X509Certificate clientCertificate) {
    if (clientId == null || clientId.isEmpty()) {
      return refuse(clientId, MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED,
          "the client id must be the device id, was empty");
    }
    if (clientId.contains("/")) {
      return refuse(clientId, MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED,
          "module identities are not emulated");
    }
    String expectedPrefix = hostName + "/" + clientId + "/?";
    if (userName == null || !userName.regionMatches(true, 0, expectedPrefix, 0, expectedPrefix.length())
        || !userName.substring(expectedPrefix.length()).contains("api-version=")) {
      return refuse(clientId, MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD,
          "the user name must be '" + expectedPrefix + "api-version=...', was '" + printable(userName) + "'");
    }
    Identity identity = devices.get(clientId);
    if (identity != null && identity.usesX509()) {
      return authenticateX509(identity, password, clientCertificate);
    }
    if (password == null || password.length == 0) {
      return refuse(clientId, MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED,
          identity == null ? "no device '" + clientId + "' is registered" : "no SAS token was given as password");
    }
    SasToken token;
    try {
      token = SasToken.parse(new String(password, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return refuse(clientId, MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED, e.getMessage());
    }
    String resource = SasToken.deviceResource(hostName, clientId);
    if (!token.resource().equalsIgnoreCase(resource)) {
      return refuse(clientId, MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED,
          "the SAS token is for '" + printable(token.resource()) + "', not '" + resource + "'");
    }
    if (token.isExpiredAt(clock.instant())) {
      return refuse(clientId, MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED,
          "the SAS token expired at " + token.expiry());
    }
    if (identity != null) {
      if (token.isSignedWith(identity.primaryKey()) || token.isSignedWith(identity.secondaryKey())) {
        return new Verdict(clientId, null);
      }
      return refuse(clientId, MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED,
          "the SAS token's signature matches neither key of device '" + clientId + "'");
    }
    for (String groupKey : groupKeys) {
      String derived = SasToken.deriveDeviceKey(groupKey, clientId);
      if (token.isSignedWith(derived)) {
        twins.computeIfAbsent(clientId, id -> new DeviceTwinState());
        devices.putIfAbsent(clientId, new Identity(clientId, derived, derived, null, null));
        return new Verdict(clientId, null);
      }
    }
    return refuse(clientId, MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED,
        "no device '" + clientId + "' is registered" + (groupKeys.isEmpty() ? ""
            : " and the token is not signed with a key derived from an enrollment group"));
  }

  private Verdict authenticateX509(Identity identity, byte[] password, X509Certificate certificate) {
    String id = identity.deviceId();
    if (certificate == null) {
      return refuse(id, MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED,
          "device '" + id + "' authenticates with X.509 but presented no client certificate");
    }
    if (password != null && password.length > 0) {
      return refuse(id, MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED,
          "device '" + id + "' authenticates with X.509 and must not send a password");
    }
    String sha1 = digest("SHA-1", certificate);
    String sha256 = digest("SHA-256", certificate);
    for (String registered : new String[] {identity.primaryThumbprint(), identity.secondaryThumbprint()}) {
      if (registered.equals(sha1) || registered.equals(sha256)) {
        return new Verdict(id, null);
      }
    }
    return refuse(id, MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED,
        "the client certificate's thumbprint " + sha1 + " is not registered for device '" + id + "'");
  }

  private Verdict refuse(String clientId, MqttConnectReturnCode code, String reason) {
    authFailures.add(new AuthFailure(clientId, code.byteValue(), reason, clock.instant()));
    LOG.info("IoT Hub emulator refused client '{}' ({}): {}", printable(clientId), code, reason);
    return new Verdict(null, code);
  }

  /** Binds an authenticated connection to its device, taking over from an older one; returns its session. */
  Session attach(IotHubConnectionHandler connection, String deviceId, boolean cleanSession) {
    Session session = sessions.compute(deviceId,
        (id, old) -> old == null || cleanSession ? new Session(false) : new Session(true, old));
    IotHubConnectionHandler previous = connections.put(deviceId, connection);
    if (previous != null && previous != connection) {
      LOG.info("Device '{}' connected again; closing its older connection", deviceId);
      previous.close();
    }
    acceptedConnections.incrementAndGet();
    peakConnections.accumulateAndGet(connections.size(), Math::max);
    return session;
  }

  void detach(IotHubConnectionHandler connection, String deviceId) {
    connections.remove(deviceId, connection);
  }

  /** Serves a twin request: GET or reported PATCH, by its topic path (the part before {@code /?}). */
  TwinReply twinRequest(String deviceId, String path, byte[] body) {
    twinRequests.incrementAndGet();
    if (injectedFailures.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
      int status = injectedStatus;
      return error(status, status * 1000 + 1, "Injected failure " + status + " (IotHubEmulator.failNextTwinRequests)");
    }
    DeviceTwinState twin = twinOf(deviceId);
    if (path.equals("$iothub/twin/GET")) {
      return new TwinReply(200, null, bytes(twin.document()));
    }
    try {
      long version = twin.patchReported(TwinRules.parsePatch(body));
      return new TwinReply(204, version, new byte[0]);
    } catch (TwinRejection e) {
      return error(e.status(), e.errorCode(), e.getMessage());
    }
  }

  void telemetryReceived(TelemetryMessage message) {
    telemetry.add(message);
  }

  private TwinReply error(int status, int errorCode, String message) {
    ObjectNode doc = JSON.createObjectNode();
    doc.put("errorCode", errorCode);
    doc.put("trackingId", UUID.randomUUID().toString().replace("-", ""));
    doc.put("message", message);
    doc.put("timestampUtc", Instant.now(clock).toString());
    return new TwinReply(status, null, bytes(doc));
  }

  // -------------------------------------------------------------------------------------------------------- helpers

  private DeviceTwinState twinOf(String deviceId) {
    DeviceTwinState twin = twins.get(deviceId);
    if (twin == null) {
      throw new IllegalArgumentException("No device '" + deviceId + "' is registered");
    }
    return twin;
  }

  private InetSocketAddress bindFreeLoopbackAddress() throws IOException {
    // 127.0.0.1 is left to everything else; start at a random address so parallel emulators rarely collide.
    int start = 2 + new SecureRandom().nextInt(253);
    IOException last = null;
    for (int i = 0; i < 253; i++) {
      int n = 2 + (start - 2 + i) % 253;
      InetSocketAddress candidate = new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) n}),
          PORT);
      try {
        serverChannel = bind(candidate);
        return candidate;
      } catch (BindException e) {
        last = e;
      }
    }
    throw new IOException("No loopback address 127.0.0.2-254 has port " + PORT + " free", last);
  }

  private Channel bind(InetSocketAddress where) throws IOException {
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(boss, workers)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            channels.add(ch);
            ch.pipeline()
                .addLast("tls", sslContext.newHandler(ch.alloc()))
                .addLast("decoder", new MqttDecoder(MAX_PACKET_BYTES))
                .addLast("encoder", MqttEncoder.INSTANCE)
                .addLast("iothub", new IotHubConnectionHandler(IotHubEmulator.this));
          }
        });
    try {
      return bootstrap.bind(where).syncUninterruptibly().channel();
    } catch (Exception e) {
      // Netty rethrows the (checked) bind failure without declaring it.
      if (e instanceof IOException io) {
        throw io;
      }
      throw e;
    }
  }

  private static void checkDeviceId(String deviceId) {
    // IoT Hub: up to 128 characters of ASCII letters, digits and - . % _ * ? ! ( ) , : = @ $ '
    if (deviceId == null || !deviceId.matches("[A-Za-z0-9\\-.%_*?!(),:=@$']{1,128}")) {
      throw new IllegalArgumentException("Not a valid IoT Hub device id: '" + deviceId + "'");
    }
  }

  private static String randomKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  private static String normalize(String thumbprint) {
    return thumbprint == null ? null : thumbprint.replace(":", "").trim().toUpperCase(Locale.ROOT);
  }

  private static String digest(String algorithm, X509Certificate certificate) {
    try {
      return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance(algorithm)
          .digest(certificate.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Cannot compute the " + algorithm + " thumbprint", e);
    }
  }

  static byte[] bytes(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String printable(String text) {
    if (text == null) {
      return "(none)";
    }
    String clean = text.replaceAll("\\p{Cntrl}", "?");
    return clean.length() <= 120 ? clean : clean.substring(0, 120) + "...";
  }

  /** An MQTT session: the subscriptions (filter to granted QoS) kept for a device across connections. */
  static final class Session {
    private final Map<String, Integer> subscriptions = new ConcurrentHashMap<>();
    private final boolean present;

    Session(boolean present) {
      this.present = present;
    }

    Session(boolean present, Session previous) {
      this.present = present;
      subscriptions.putAll(previous.subscriptions);
    }

    boolean present() {
      return present;
    }

    void subscribe(String filter, int qos) {
      subscriptions.put(filter, qos);
    }

    void unsubscribe(String filter) {
      subscriptions.remove(filter);
    }

    /** The granted QoS of a filter, or -1 if not subscribed. */
    int qos(String filter) {
      return subscriptions.getOrDefault(filter, -1);
    }

    List<String> filters() {
      return new ArrayList<>(subscriptions.keySet());
    }
  }
}
