package io.mqttbridge.testkit.azure;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnacceptableProtocolVersionException;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One device connection to the {@link IotHubEmulator}: authenticates the CONNECT, enforces the device's topic rights,
 * serves its twin requests and telemetry, and delivers twin replies and desired-property notifications to it alone.
 * Runs on the connection's event loop; {@link #desiredChanged} and {@link #close} may be called from any thread.
 */
final class IotHubConnectionHandler extends SimpleChannelInboundHandler<MqttMessage> {
  private static final Logger LOG = LoggerFactory.getLogger(IotHubConnectionHandler.class);
  private static final String TWIN_PREFIX = "$iothub/twin/";
  private static final String TWIN_GET = "$iothub/twin/GET";
  private static final String TWIN_PATCH_REPORTED = "$iothub/twin/PATCH/properties/reported";
  private static final String METHOD_RESPONSES = "$iothub/methods/res/";
  private static final String METHOD_REQUESTS = "$iothub/methods/POST/#";
  /** IoT Hub's limit on a device-to-cloud message. */
  private static final int MAX_TELEMETRY_BYTES = 256 * 1024;

  private final IotHubEmulator hub;
  private volatile ChannelHandlerContext context;
  private volatile String deviceId;
  private volatile IotHubEmulator.Session session;
  private int nextPacketId = 1;

  IotHubConnectionHandler(IotHubEmulator hub) {
    super(true);
    this.hub = hub;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    context = ctx;
    super.channelActive(ctx);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, MqttMessage message) {
    if (message.decoderResult().isFailure()) {
      Throwable cause = message.decoderResult().cause();
      if (cause instanceof MqttUnacceptableProtocolVersionException) {
        refuse(ctx, MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION);
      } else {
        violation(ctx, "sent a malformed packet: " + cause);
      }
      return;
    }
    MqttMessageType type = message.fixedHeader().messageType();
    if (deviceId == null && type != MqttMessageType.CONNECT) {
      violation(ctx, "sent " + type + " before CONNECT");
      return;
    }
    switch (type) {
      case CONNECT -> connect(ctx, (MqttConnectMessage) message);
      case PUBLISH -> publish(ctx, (MqttPublishMessage) message);
      case PUBACK -> {
        // Desired-property notifications need no more than the acknowledgement.
      }
      case SUBSCRIBE -> subscribe(ctx, (MqttSubscribeMessage) message);
      case UNSUBSCRIBE -> unsubscribe(ctx, (MqttUnsubscribeMessage) message);
      case PINGREQ -> ctx.writeAndFlush(new MqttMessage(
          new MqttFixedHeader(MqttMessageType.PINGRESP, false, MqttQoS.AT_MOST_ONCE, false, 0)));
      case DISCONNECT -> ctx.close();
      default -> violation(ctx, "sent " + type + ", which IoT Hub does not support (no QoS 2)");
    }
  }

  private void connect(ChannelHandlerContext ctx, MqttConnectMessage connect) {
    if (deviceId != null) {
      violation(ctx, "sent a second CONNECT");
      return;
    }
    if (connect.variableHeader().version() != 4) {
      refuse(ctx, MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION);
      return;
    }
    String userName = connect.variableHeader().hasUserName() ? connect.payload().userName() : null;
    byte[] password = connect.variableHeader().hasPassword() ? connect.payload().passwordInBytes() : null;
    IotHubEmulator.Verdict verdict = hub.authenticate(connect.payload().clientIdentifier(), userName, password,
        peerCertificate(ctx));
    if (verdict.refusal() != null) {
      refuse(ctx, verdict.refusal());
      return;
    }
    deviceId = verdict.deviceId();
    session = hub.attach(this, deviceId, connect.variableHeader().isCleanSession());
    int keepAlive = connect.variableHeader().keepAliveTimeSeconds();
    if (keepAlive > 0) {
      ctx.pipeline().addBefore(ctx.name(), "idle", new IdleStateHandler(keepAlive * 1500L, 0, 0,
          TimeUnit.MILLISECONDS));
    }
    MqttConnAckMessage connAck = MqttMessageBuilders.connAck()
        .returnCode(MqttConnectReturnCode.CONNECTION_ACCEPTED).sessionPresent(session.present()).build();
    ctx.writeAndFlush(connAck);
  }

  private static X509Certificate peerCertificate(ChannelHandlerContext ctx) {
    SslHandler ssl = ctx.pipeline().get(SslHandler.class);
    if (ssl == null) {
      return null;
    }
    try {
      Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate x509 ? x509 : null;
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }

  private void refuse(ChannelHandlerContext ctx, MqttConnectReturnCode code) {
    ctx.writeAndFlush(MqttMessageBuilders.connAck().returnCode(code).build())
        .addListener(ChannelFutureListener.CLOSE);
  }

  private void publish(ChannelHandlerContext ctx, MqttPublishMessage publish) {
    String topic = publish.variableHeader().topicName();
    MqttQoS qos = publish.fixedHeader().qosLevel();
    if (qos == MqttQoS.EXACTLY_ONCE) {
      violation(ctx, "published at QoS 2, which IoT Hub does not support");
      return;
    }
    byte[] payload = ByteBufUtil.getBytes(publish.payload());
    String eventsTopic = "devices/" + deviceId + "/messages/events";
    if (topic.startsWith(TWIN_PREFIX)) {
      if (!twinRequest(ctx, topic, payload)) {
        return;
      }
    } else if (topic.equals(eventsTopic) || topic.startsWith(eventsTopic + "/")) {
      if (payload.length > MAX_TELEMETRY_BYTES) {
        violation(ctx, "sent a " + payload.length + "-byte message, above IoT Hub's 256 KB limit");
        return;
      }
      String bag = topic.length() > eventsTopic.length() + 1 ? topic.substring(eventsTopic.length() + 1) : "";
      telemetry(bag, payload);
    } else if (!topic.startsWith(METHOD_RESPONSES)) {
      violation(ctx, "may not publish to '" + IotHubEmulator.printable(topic) + "'");
      return;
    }
    if (qos == MqttQoS.AT_LEAST_ONCE) {
      ctx.writeAndFlush(MqttMessageBuilders.pubAck().packetId(publish.variableHeader().packetId()).build());
    }
  }

  /** Serves a twin request; false if the topic was not one the device may use (the connection is then closed). */
  private boolean twinRequest(ChannelHandlerContext ctx, String topic, byte[] body) {
    int query = topic.indexOf("/?");
    String path = query < 0 ? topic : topic.substring(0, query);
    if (!path.equals(TWIN_GET) && !path.equals(TWIN_PATCH_REPORTED)) {
      violation(ctx, "may not publish to '" + IotHubEmulator.printable(topic) + "'");
      return false;
    }
    String rid = query < 0 ? null : parseQuery(topic.substring(query + 2), false).get("$rid");
    IotHubEmulator.TwinReply reply = rid == null || rid.isEmpty()
        ? new IotHubEmulator.TwinReply(400, null, new byte[0])
        : hub.twinRequest(deviceId, path, body);
    if (session.qos(IotHubEmulator.TWIN_RESPONSES) < 0) {
      LOG.debug("Device '{}' is not subscribed to {}: its twin reply is dropped", deviceId,
          IotHubEmulator.TWIN_RESPONSES);
      return true;
    }
    String replyTopic = "$iothub/twin/res/" + reply.status() + "/?$rid=" + (rid == null ? "" : rid)
        + (reply.version() == null ? "" : "&$version=" + reply.version());
    // QoS 0, as IoT Hub answers: a QoS 1 reply the SDK cannot correlate is never acknowledged and clogs the session.
    send(replyTopic, reply.body(), 0);
    return true;
  }

  private void telemetry(String bag, byte[] payload) {
    Map<String, String> properties = new LinkedHashMap<>();
    Map<String, String> system = new LinkedHashMap<>();
    parseQuery(bag, true).forEach((name, value) -> {
      if (name.startsWith("$.")) {
        system.put(name, value);
      } else {
        properties.put(name, value);
      }
    });
    hub.telemetryReceived(new TelemetryMessage(deviceId, Map.copyOf(properties), Map.copyOf(system), payload,
        Instant.now()));
  }

  private void subscribe(ChannelHandlerContext ctx, MqttSubscribeMessage subscribe) {
    List<String> allowed = List.of(IotHubEmulator.TWIN_RESPONSES, IotHubEmulator.DESIRED_UPDATES, METHOD_REQUESTS,
        "devices/" + deviceId + "/messages/devicebound/#");
    List<Integer> granted = new ArrayList<>();
    for (MqttTopicSubscription s : subscribe.payload().topicSubscriptions()) {
      if (allowed.contains(s.topicName())) {
        int qos = Math.min(1, s.qualityOfService().value());
        session.subscribe(s.topicName(), qos);
        granted.add(qos);
      } else {
        LOG.info("Device '{}' may not subscribe to '{}'", deviceId, IotHubEmulator.printable(s.topicName()));
        granted.add(MqttQoS.FAILURE.value());
      }
    }
    MqttMessageBuilders.SubAckBuilder subAck = MqttMessageBuilders.subAck()
        .packetId(subscribe.variableHeader().messageId());
    granted.forEach(q -> subAck.addGrantedQos(MqttQoS.valueOf(q)));
    ctx.writeAndFlush(subAck.build());
  }

  private void unsubscribe(ChannelHandlerContext ctx, MqttUnsubscribeMessage unsubscribe) {
    unsubscribe.payload().topics().forEach(session::unsubscribe);
    ctx.writeAndFlush(MqttMessageBuilders.unsubAck().packetId(unsubscribe.variableHeader().messageId()).build());
  }

  /** Delivers a desired-properties patch if the device subscribed to them. */
  void desiredChanged(long version, byte[] patch) {
    IotHubEmulator.Session s = session;
    int qos = s == null ? -1 : s.qos(IotHubEmulator.DESIRED_UPDATES);
    if (qos >= 0) {
      send("$iothub/twin/PATCH/properties/desired/?$version=" + version, patch, qos);
    }
  }

  private void send(String topic, byte[] payload, int qos) {
    ChannelHandlerContext ctx = context;
    if (ctx == null) {
      return;
    }
    ctx.executor().execute(() -> {
      int packetId = 0;
      if (qos > 0) {
        packetId = nextPacketId;
        nextPacketId = nextPacketId == 0xFFFF ? 1 : nextPacketId + 1;
      }
      ctx.writeAndFlush(MqttMessageBuilders.publish().topicName(topic).qos(MqttQoS.valueOf(qos)).retained(false)
          .messageId(packetId).payload(Unpooled.wrappedBuffer(payload)).build());
    });
  }

  /** Closes the connection: another connection of the same device took over, or the hub stops. */
  void close() {
    ChannelHandlerContext ctx = context;
    if (ctx != null) {
      ctx.close();
    }
  }

  private void violation(ChannelHandlerContext ctx, String what) {
    LOG.info("IoT Hub emulator closes the connection of '{}': it {}", deviceId == null ? "(not connected)" : deviceId,
        what);
    ctx.close();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof IdleStateEvent) {
      violation(ctx, "sent nothing for 1.5 keep-alive intervals");
      return;
    }
    super.userEventTriggered(ctx, event);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (deviceId != null) {
      hub.detach(this, deviceId);
    }
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("Connection of '{}' failed: {}", deviceId, cause.toString());
    ctx.close();
  }

  /** Parses {@code a=1&b=2}; values (and with {@code decodeNames} names) URL-decoded. */
  private static Map<String, String> parseQuery(String query, boolean decodeNames) {
    Map<String, String> result = new LinkedHashMap<>();
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      result.put(decodeNames ? decode(name) : name, decode(value));
    }
    return result;
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return text;
    }
  }
}
