package io.mqttbridge.testkit.aws;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttConnectVariableHeader;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttIdentifierRejectedException;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttSubscriptionOption;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnacceptableProtocolVersionException;
import io.netty.handler.codec.mqtt.MqttUnsubAckMessage;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: the MQTT 3.1.1 / 5 protocol as AWS IoT Core speaks it, from CONNECT to DISCONNECT. Every
 * field except {@link #subscriptions} and the identity is touched only on the channel's event loop; other threads
 * hand messages over with {@link #deliver}, which queues them on that loop, so a session receives messages in the
 * order they were handed over.
 */
final class ClientSession extends ChannelInboundHandlerAdapter {

  static final String IDLE_HANDLER = "idle";

  private static final Logger LOG = LoggerFactory.getLogger(ClientSession.class);
  private static final int MAX_PACKET_ID = 0xFFFF;

  // MQTT 5 reason codes the emulator sends
  private static final byte SUCCESS = 0x00;
  private static final short UNSUBSCRIBED = 0x00;
  private static final short NO_SUBSCRIPTION_EXISTED = 0x11;
  private static final int UNSPECIFIED_ERROR = 0x80;
  private static final byte MALFORMED_PACKET = (byte) 0x81;
  private static final byte PROTOCOL_ERROR = (byte) 0x82;
  private static final int NOT_AUTHORIZED = 0x87;
  private static final byte SESSION_TAKEN_OVER = (byte) 0x8E;
  private static final byte KEEP_ALIVE_TIMEOUT = (byte) 0x8D;
  private static final int TOPIC_FILTER_INVALID = 0x8F;
  private static final byte TOPIC_NAME_INVALID = (byte) 0x90;
  private static final byte TOPIC_ALIAS_INVALID = (byte) 0x94;
  private static final byte PACKET_TOO_LARGE = (byte) 0x95;
  private static final int QUOTA_EXCEEDED = 0x97;
  private static final byte QOS_NOT_SUPPORTED = (byte) 0x9B;
  private static final int SHARED_SUBSCRIPTIONS_NOT_SUPPORTED = 0x9E;
  private static final byte DISCONNECT_WITH_WILL = 0x04;

  /** A subscription as granted. */
  record Subscription(TopicFilter filter, int qos, boolean noLocal, boolean retainAsPublished) {
  }

  private record Delivery(Message message, int qos, boolean retain) {
  }

  private final IotBroker broker;
  /** Read by the routing threads: the filters of this connection by filter text. */
  private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();

  private volatile Channel channel;
  private volatile ClientIdentity identity;
  private volatile String clientId;
  private MqttVersion version = MqttVersion.MQTT_3_1_1;
  private boolean connectReceived;
  private boolean connected;
  private Message will;
  private final Map<Integer, String> topicAliases = new HashMap<>();
  private int receiveMaximum = 65_535;
  private long maximumPacketSize = Long.MAX_VALUE;
  private int nextPacketId = 1;
  private final Set<Integer> inflight = new HashSet<>();
  private final ArrayDeque<Delivery> pending = new ArrayDeque<>();

  ClientSession(IotBroker broker) {
    this.broker = broker;
  }

  String clientId() {
    return clientId;
  }

  ClientIdentity identity() {
    return identity;
  }

  /** The subscription with the highest QoS matching {@code topic}, or null; no-local ones skipped for own publishes. */
  Subscription bestMatch(String topic, boolean ownPublish) {
    Subscription best = null;
    for (Subscription s : subscriptions.values()) {
      if ((ownPublish && s.noLocal()) || !s.filter().matches(topic)) {
        continue;
      }
      if (best == null || s.qos() > best.qos()) {
        best = s;
      }
    }
    return best;
  }

  /** Queues {@code message} for this client on its event loop, at {@code qos}. */
  void deliver(Message message, int qos, boolean retain) {
    Channel ch = channel;
    if (ch == null) {
      return;
    }
    try {
      ch.eventLoop().execute(() -> send(new Delivery(message, qos, retain)));
    } catch (RejectedExecutionException e) {
      // the emulator is stopping; the connection goes with it
    }
  }

  /** Another connection took this client id: MQTT 5 clients learn why (0x8E), then the connection closes. */
  void takeOver() {
    onLoop(() -> disconnect(SESSION_TAKEN_OVER));
  }

  /** Closes the connection as a network failure would. */
  void close() {
    Channel ch = channel;
    if (ch != null) {
      ch.close();
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof MqttMessage m) {
        handle(ctx, m);
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (connected) {
      connected = false;
      broker.unregister(this);
      LOG.debug("Client {} ({}) disconnected", clientId, identity);
      Message lastWill = will;
      will = null;
      if (lastWill != null && mayAct(ShadowTopic.thingOf(lastWill.topic()))) {
        broker.publish(lastWill, this);
      }
    }
    pending.clear();
    inflight.clear();
    ctx.fireChannelInactive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      if (connected) {
        LOG.debug("Client {} sent nothing within 1.5 times its keep-alive: closing", clientId);
        disconnect(KEEP_ALIVE_TIMEOUT);
      } else {
        ctx.close();
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("Connection {} ({}) failed: {}", ctx.channel().remoteAddress(), clientId, cause.toString());
    ctx.close();
  }

  private void handle(ChannelHandlerContext ctx, MqttMessage m) {
    if (m.decoderResult().isFailure()) {
      onInvalidPacket(ctx, m.decoderResult().cause());
      return;
    }
    MqttMessageType type = m.fixedHeader().messageType();
    if (type == MqttMessageType.CONNECT) {
      if (connectReceived) {
        disconnect(PROTOCOL_ERROR);
      } else {
        onConnect(ctx, (MqttConnectMessage) m);
      }
      return;
    }
    if (!connected) {
      ctx.close();
      return;
    }
    switch (type) {
      case PUBLISH -> onPublish(ctx, (MqttPublishMessage) m);
      case PUBACK -> onPubAck((MqttMessageIdVariableHeader) m.variableHeader());
      case SUBSCRIBE -> onSubscribe(ctx, (MqttSubscribeMessage) m);
      case UNSUBSCRIBE -> onUnsubscribe(ctx, (MqttUnsubscribeMessage) m);
      case PINGREQ -> ctx.writeAndFlush(new MqttMessage(
          new MqttFixedHeader(MqttMessageType.PINGRESP, false, MqttQoS.AT_MOST_ONCE, false, 0)));
      case DISCONNECT -> onDisconnect(ctx, m);
      default -> disconnect(PROTOCOL_ERROR); // QoS 2 flows, AUTH: not supported by AWS IoT
    }
  }

  private void onInvalidPacket(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("Invalid packet from {} ({}): {}", ctx.channel().remoteAddress(), clientId, cause.toString());
    if (!connectReceived) {
      connectReceived = true;
      if (cause instanceof MqttUnacceptableProtocolVersionException) {
        refuse(ctx, MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION);
        return;
      }
      if (cause instanceof MqttIdentifierRejectedException) {
        refuse(ctx, MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED);
        return;
      }
      ctx.close();
      return;
    }
    disconnect(cause instanceof TooLongFrameException ? PACKET_TOO_LARGE : MALFORMED_PACKET);
  }

  private void onConnect(ChannelHandlerContext ctx, MqttConnectMessage connect) {
    connectReceived = true;
    MqttConnectVariableHeader header = connect.variableHeader();
    version = switch (header.version()) {
      case 5 -> MqttVersion.MQTT_5;
      case 4 -> MqttVersion.MQTT_3_1_1;
      default -> MqttVersion.MQTT_3_1;
    };
    if (version == MqttVersion.MQTT_3_1) {
      refuse(ctx, MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION);
      return;
    }
    identity = peerIdentity(ctx);
    if (identity == null || broker.policies().isRevoked(identity)) {
      LOG.debug("Refusing {}: certificate {} is not active", ctx.channel().remoteAddress(), identity);
      refuse(ctx, version == MqttVersion.MQTT_5
          ? MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED_5
          : MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);
      return;
    }
    String id = connect.payload().clientIdentifier();
    boolean assigned = false;
    if (id.isEmpty()) {
      if (version == MqttVersion.MQTT_3_1_1 && !header.isCleanSession()) {
        refuse(ctx, MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED);
        return;
      }
      id = "emulator-" + UUID.randomUUID();
      assigned = true;
    }
    if (id.getBytes(StandardCharsets.UTF_8).length > IotBroker.MAX_CLIENT_ID_BYTES) {
      refuse(ctx, version == MqttVersion.MQTT_5
          ? MqttConnectReturnCode.CONNECTION_REFUSED_CLIENT_IDENTIFIER_NOT_VALID
          : MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED);
      return;
    }
    clientId = id;
    long requestedSessionExpiry = 0;
    if (version == MqttVersion.MQTT_5) {
      MqttProperties p = header.properties();
      Integer receiveMax = intProperty(p, MqttPropertyType.RECEIVE_MAXIMUM);
      receiveMaximum = receiveMax == null || receiveMax <= 0 ? 65_535 : receiveMax;
      Integer maxPacket = intProperty(p, MqttPropertyType.MAXIMUM_PACKET_SIZE);
      maximumPacketSize = maxPacket == null || maxPacket <= 0 ? Long.MAX_VALUE : maxPacket & 0xFFFFFFFFL;
      Integer expiry = intProperty(p, MqttPropertyType.SESSION_EXPIRY_INTERVAL);
      requestedSessionExpiry = expiry == null ? 0 : expiry & 0xFFFFFFFFL;
    }
    if (header.isWillFlag()) {
      will = new Message(connect.payload().willTopic(), connect.payload().willMessageInBytes(),
          Math.min(header.willQos(), 1), header.isWillRetain(), forwarded(connect.payload().willProperties()));
    }
    int keepAlive = header.keepAliveTimeSeconds();
    if (keepAlive > 0) {
      ctx.pipeline().replace(IDLE_HANDLER, IDLE_HANDLER,
          new IdleStateHandler(keepAlive * 1500L, 0, 0, TimeUnit.MILLISECONDS));
    } else {
      ctx.pipeline().remove(IDLE_HANDLER);
    }
    broker.register(this);
    connected = true;
    LOG.debug("Client {} connected with MQTT {} as {}", clientId, version == MqttVersion.MQTT_5 ? "5" : "3.1.1",
        identity);

    MqttMessageBuilders.ConnAckBuilder ack = MqttMessageBuilders.connAck()
        .returnCode(MqttConnectReturnCode.CONNECTION_ACCEPTED)
        .sessionPresent(false);
    if (version == MqttVersion.MQTT_5) {
      String assignedId = assigned ? id : null;
      long sessionExpiry = requestedSessionExpiry;
      ack.properties(p -> {
        p.maximumQos((byte) 1)
            .retainAvailable(true)
            .maximumPacketSize(IotBroker.MAX_PACKET_SIZE)
            .receiveMaximum(IotBroker.RECEIVE_MAXIMUM)
            .topicAliasMaximum(IotBroker.TOPIC_ALIAS_MAXIMUM)
            .wildcardSubscriptionAvailable(true)
            .subscriptionIdentifiersAvailable(false)
            .sharedSubscriptionAvailable(false);
        if (assignedId != null) {
          p.assignedClientId(assignedId);
        }
        if (sessionExpiry != 0) {
          p.sessionExpiryInterval(0); // sessions end with the connection here
        }
      });
    }
    ctx.writeAndFlush(ack.build());
  }

  private void onPublish(ChannelHandlerContext ctx, MqttPublishMessage publish) {
    int qos = publish.fixedHeader().qosLevel().value();
    if (qos > 1) {
      disconnect(QOS_NOT_SUPPORTED);
      return;
    }
    MqttPublishVariableHeader header = publish.variableHeader();
    String topic = header.topicName();
    if (version == MqttVersion.MQTT_5) {
      Integer alias = intProperty(header.properties(), MqttPropertyType.TOPIC_ALIAS);
      if (alias != null) {
        if (alias <= 0 || alias > IotBroker.TOPIC_ALIAS_MAXIMUM) {
          disconnect(TOPIC_ALIAS_INVALID);
          return;
        }
        if (topic.isEmpty()) {
          topic = topicAliases.get(alias);
          if (topic == null) {
            disconnect(PROTOCOL_ERROR);
            return;
          }
        } else {
          topicAliases.put(alias, topic);
        }
      }
    }
    if (topic.isEmpty() || topic.contains("+") || topic.contains("#")) {
      disconnect(TOPIC_NAME_INVALID);
      return;
    }
    if (!mayAct(ShadowTopic.thingOf(topic))) {
      LOG.debug("Client {} ({}) may not publish to {}", clientId, identity, topic);
      if (version == MqttVersion.MQTT_5) {
        if (qos == 1) {
          ctx.writeAndFlush(pubAck(header.packetId(), (byte) NOT_AUTHORIZED));
        }
      } else {
        ctx.close();
      }
      return;
    }
    byte[] payload = ByteBufUtil.getBytes(publish.content());
    broker.publish(new Message(topic, payload, qos, publish.fixedHeader().isRetain(),
        version == MqttVersion.MQTT_5 ? forwarded(header.properties()) : MqttProperties.NO_PROPERTIES), this);
    if (qos == 1) {
      ctx.writeAndFlush(pubAck(header.packetId(), SUCCESS));
    }
  }

  private void onPubAck(MqttMessageIdVariableHeader header) {
    if (inflight.remove(header.messageId())) {
      while (!pending.isEmpty() && inflight.size() < receiveMaximum) {
        send(pending.poll());
      }
    }
  }

  private void onSubscribe(ChannelHandlerContext ctx, MqttSubscribeMessage subscribe) {
    boolean v5 = version == MqttVersion.MQTT_5;
    List<Integer> codes = new ArrayList<>();
    List<Subscription> sendRetained = new ArrayList<>();
    for (MqttTopicSubscription requested : subscribe.payload().topicSubscriptions()) {
      TopicFilter filter;
      try {
        filter = TopicFilter.parse(requested.topicFilter());
      } catch (IllegalArgumentException e) {
        codes.add(v5 ? TOPIC_FILTER_INVALID : UNSPECIFIED_ERROR);
        continue;
      }
      if (filter.isShared()) {
        codes.add(v5 ? SHARED_SUBSCRIPTIONS_NOT_SUPPORTED : UNSPECIFIED_ERROR);
        continue;
      }
      if (!mayAct(ShadowTopic.thingLevelOf(filter))) {
        LOG.debug("Client {} ({}) may not subscribe to {}", clientId, identity, filter);
        if (!v5) {
          ctx.close(); // AWS IoT closes MQTT 3.1.1 connections on an authorization failure
          return;
        }
        codes.add(NOT_AUTHORIZED);
        continue;
      }
      if (!subscriptions.containsKey(filter.toString())
          && subscriptions.size() >= broker.maxSubscriptionsPerConnection()) {
        codes.add(v5 ? QUOTA_EXCEEDED : UNSPECIFIED_ERROR);
        continue;
      }
      MqttSubscriptionOption option = requested.option();
      int granted = Math.min(option.qos().value(), 1); // AWS IoT grants QoS 1 for a QoS 2 request
      Subscription subscription = new Subscription(filter, granted, v5 && option.isNoLocal(),
          v5 && option.isRetainAsPublished());
      boolean isNew = subscriptions.put(filter.toString(), subscription) == null;
      codes.add(granted);
      MqttSubscriptionOption.RetainedHandlingPolicy retainHandling = option.retainHandling();
      if (retainHandling == MqttSubscriptionOption.RetainedHandlingPolicy.SEND_AT_SUBSCRIBE
          || (retainHandling == MqttSubscriptionOption.RetainedHandlingPolicy.SEND_AT_SUBSCRIBE_IF_NOT_YET_EXISTS
          && isNew)) {
        sendRetained.add(subscription);
      }
    }
    int packetId = subscribe.idAndPropertiesVariableHeader().messageId();
    ctx.writeAndFlush(new MqttSubAckMessage(
        new MqttFixedHeader(MqttMessageType.SUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
        new MqttMessageIdAndPropertiesVariableHeader(packetId, MqttProperties.NO_PROPERTIES),
        new MqttSubAckPayload(codes)));
    for (Subscription s : sendRetained) {
      broker.sendRetained(this, s);
    }
  }

  private void onUnsubscribe(ChannelHandlerContext ctx, MqttUnsubscribeMessage unsubscribe) {
    int packetId = unsubscribe.idAndPropertiesVariableHeader().messageId();
    List<Short> codes = new ArrayList<>();
    for (String filter : unsubscribe.payload().topics()) {
      codes.add(subscriptions.remove(filter) != null ? UNSUBSCRIBED : NO_SUBSCRIPTION_EXISTED);
    }
    MqttFixedHeader fixed = new MqttFixedHeader(MqttMessageType.UNSUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0);
    if (version == MqttVersion.MQTT_5) {
      ctx.writeAndFlush(MqttMessageBuilders.unsubAck().packetId(packetId)
          .addReasonCodes(codes.toArray(new Short[0])).build());
    } else {
      ctx.writeAndFlush(new MqttUnsubAckMessage(fixed, MqttMessageIdVariableHeader.from(packetId)));
    }
  }

  private void onDisconnect(ChannelHandlerContext ctx, MqttMessage disconnect) {
    boolean keepWill = version == MqttVersion.MQTT_5
        && disconnect.variableHeader() instanceof MqttReasonCodeAndPropertiesVariableHeader h
        && h.reasonCode() == DISCONNECT_WITH_WILL;
    if (!keepWill) {
      will = null;
    }
    ctx.close();
  }

  private void send(Delivery d) {
    Channel ch = channel;
    if (!connected || ch == null || !ch.isActive()) {
      return;
    }
    Message m = d.message();
    if (version == MqttVersion.MQTT_5 && estimatedSize(m) > maximumPacketSize) {
      LOG.debug("Not sending {} to {}: larger than its Maximum Packet Size", m.topic(), clientId);
      return;
    }
    int packetId = 0;
    if (d.qos() > 0) {
      if (inflight.size() >= receiveMaximum) {
        pending.add(d);
        return;
      }
      packetId = nextPacketId();
      inflight.add(packetId);
    }
    MqttProperties properties = version == MqttVersion.MQTT_5 ? m.properties() : MqttProperties.NO_PROPERTIES;
    ch.writeAndFlush(new MqttPublishMessage(
        new MqttFixedHeader(MqttMessageType.PUBLISH, false, MqttQoS.valueOf(d.qos()), d.retain(), 0),
        new MqttPublishVariableHeader(m.topic(), packetId, properties),
        Unpooled.wrappedBuffer(m.payload())));
  }

  private int nextPacketId() {
    while (true) {
      int id = nextPacketId;
      nextPacketId = id == MAX_PACKET_ID ? 1 : id + 1;
      if (!inflight.contains(id)) {
        return id;
      }
    }
  }

  /** MQTT 5 clients get a DISCONNECT with {@code reason} first; MQTT 3.1.1 has no server DISCONNECT. */
  private void disconnect(byte reason) {
    Channel ch = channel;
    if (ch == null) {
      return;
    }
    if (version == MqttVersion.MQTT_5 && connected && ch.isActive()) {
      ch.writeAndFlush(MqttMessageBuilders.disconnect().reasonCode(reason).build())
          .addListener(ChannelFutureListener.CLOSE);
    } else {
      ch.close();
    }
  }

  private void refuse(ChannelHandlerContext ctx, MqttConnectReturnCode code) {
    MqttConnAckMessage ack = MqttMessageBuilders.connAck().returnCode(code).sessionPresent(false).build();
    ctx.writeAndFlush(ack).addListener(ChannelFutureListener.CLOSE);
  }

  private boolean mayAct(String thingName) {
    return thingName == null || broker.policies().policyFor(identity).allows(thingName);
  }

  private void onLoop(Runnable task) {
    Channel ch = channel;
    if (ch == null) {
      return;
    }
    try {
      ch.eventLoop().execute(task);
    } catch (RejectedExecutionException e) {
      ch.close();
    }
  }

  private static MqttMessage pubAck(int packetId, byte reasonCode) {
    return MqttMessageBuilders.pubAck().packetId(packetId).reasonCode(reasonCode).build();
  }

  private static ClientIdentity peerIdentity(ChannelHandlerContext ctx) {
    SslHandler ssl = ctx.pipeline().get(SslHandler.class);
    try {
      Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate cert ? ClientIdentity.of(cert) : null;
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }

  private static Integer intProperty(MqttProperties properties, MqttPropertyType type) {
    if (properties == null) {
      return null;
    }
    MqttProperties.MqttProperty<?> p = properties.getProperty(type.value());
    return p != null && p.value() instanceof Integer i ? i : null;
  }

  /** The PUBLISH properties a broker forwards to subscribers (not topic alias or subscription identifiers). */
  private static MqttProperties forwarded(MqttProperties in) {
    if (in == null || in.isEmpty()) {
      return MqttProperties.NO_PROPERTIES;
    }
    MqttProperties out = new MqttProperties();
    for (MqttProperties.MqttProperty<?> p : in.listAll()) {
      int id = p.propertyId();
      if (id == MqttPropertyType.PAYLOAD_FORMAT_INDICATOR.value()
          || id == MqttPropertyType.PUBLICATION_EXPIRY_INTERVAL.value()
          || id == MqttPropertyType.CONTENT_TYPE.value()
          || id == MqttPropertyType.RESPONSE_TOPIC.value()
          || id == MqttPropertyType.CORRELATION_DATA.value()
          || id == MqttPropertyType.USER_PROPERTY.value()) {
        out.add(p);
      }
    }
    return out.isEmpty() ? MqttProperties.NO_PROPERTIES : out;
  }

  private static long estimatedSize(Message m) {
    return 16L + m.topic().length() * 3L + m.payload().length;
  }
}
