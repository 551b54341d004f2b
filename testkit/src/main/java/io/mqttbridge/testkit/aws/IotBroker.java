package io.mqttbridge.testkit.aws;

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
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MQTT side of the emulator: a TLS listener on Netty's MQTT codec, the connected sessions by client id, routing
 * of publishes to matching subscriptions, retained messages, and the hand-off of shadow requests to the
 * {@link ShadowService}. Started and stopped any number of times on the same port.
 */
final class IotBroker {

  private static final Logger LOG = LoggerFactory.getLogger(IotBroker.class);

  /** AWS IoT Core's Maximum Packet Size (CONNACK of MQTT 5), also the largest packet accepted here. */
  static final int MAX_PACKET_SIZE = 149_504;
  static final int RECEIVE_MAXIMUM = 100;
  static final int TOPIC_ALIAS_MAXIMUM = 8;
  static final int MAX_CLIENT_ID_BYTES = 128;
  /** Seconds a connection may take from TCP accept to its CONNECT packet. */
  static final int CONNECT_TIMEOUT_SECONDS = 10;

  private final SslContext sslContext;
  private final CertificatePolicies policies;
  private final int maxSubscriptionsPerConnection;
  private volatile ShadowService shadows;
  private final ConcurrentMap<String, ClientSession> sessions = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Message> retained = new ConcurrentHashMap<>();
  private final ChannelGroup channels = new DefaultChannelGroup("aws-iot-emulator", GlobalEventExecutor.INSTANCE);

  private EventLoopGroup acceptors;
  private EventLoopGroup workers;
  private final List<Channel> listeners = new ArrayList<>();
  private int port;

  IotBroker(SslContext sslContext, CertificatePolicies policies, int port, int maxSubscriptionsPerConnection) {
    this.sslContext = sslContext;
    this.policies = policies;
    this.port = port;
    this.maxSubscriptionsPerConnection = maxSubscriptionsPerConnection;
  }

  void shadowService(ShadowService service) {
    this.shadows = service;
  }

  /** Binds 127.0.0.1 (and ::1 where it exists, so {@code localhost} works either way) on the port. */
  synchronized void start() {
    if (workers != null) {
      return;
    }
    acceptors = new NioEventLoopGroup(1, new DefaultThreadFactory("aws-iot-emulator-accept", true));
    workers = new NioEventLoopGroup(Math.max(2, Runtime.getRuntime().availableProcessors()),
        new DefaultThreadFactory("aws-iot-emulator", true));
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(acceptors, workers)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 512)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            channels.add(ch);
            ch.pipeline()
                .addLast("tls", sslContext.newHandler(ch.alloc()))
                .addLast(ClientSession.IDLE_HANDLER, new IdleStateHandler(CONNECT_TIMEOUT_SECONDS, 0, 0))
                .addLast("decoder", new MqttDecoder(MAX_PACKET_SIZE, MAX_CLIENT_ID_BYTES))
                .addLast("encoder", MqttEncoder.INSTANCE)
                .addLast("session", new ClientSession(IotBroker.this));
          }
        });
    try {
      Channel v4 = bootstrap.bind("127.0.0.1", port).sync().channel();
      listeners.add(v4);
      port = ((java.net.InetSocketAddress) v4.localAddress()).getPort();
    } catch (Exception e) {
      shutdownGroups();
      throw new IllegalStateException("Cannot listen on 127.0.0.1:" + port, e);
    }
    try {
      listeners.add(bootstrap.bind("::1", port).sync().channel());
    } catch (Exception e) {
      LOG.debug("No IPv6 loopback listener on port {}: {}", port, e.toString());
    }
    LOG.info("AWS IoT emulator listening on localhost:{} (mutual TLS, MQTT 3.1.1 and 5)", port);
  }

  /** Closes the listeners and every connection (no DISCONNECT, like an outage); state outside MQTT is kept. */
  synchronized void stop() {
    if (workers == null) {
      return;
    }
    for (Channel listener : listeners) {
      listener.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    listeners.clear();
    channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    shutdownGroups();
    sessions.clear();
    LOG.info("AWS IoT emulator on port {} stopped", port);
  }

  synchronized boolean isRunning() {
    return workers != null;
  }

  int port() {
    return port;
  }

  /** Closes every client connection at once, without DISCONNECT; the listener stays. */
  void killConnections() {
    channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  /** Closes the connection of {@code clientId}, as the network would; true if there was one. */
  boolean disconnect(String clientId) {
    ClientSession session = sessions.get(clientId);
    if (session == null) {
      return false;
    }
    session.close();
    return true;
  }

  /** Closes the connections whose client certificate is revoked now. */
  void disconnectRevoked() {
    for (ClientSession session : sessions.values()) {
      if (policies.isRevoked(session.identity())) {
        session.close();
      }
    }
  }

  Set<String> connectedClientIds() {
    return new TreeSet<>(sessions.keySet());
  }

  CertificatePolicies policies() {
    return policies;
  }

  int maxSubscriptionsPerConnection() {
    return maxSubscriptionsPerConnection;
  }

  /** Makes {@code session} the one for its client id; an earlier connection with that id is closed. */
  void register(ClientSession session) {
    ClientSession previous = sessions.put(session.clientId(), session);
    if (previous != null && previous != session) {
      LOG.debug("Client id {} connected again: closing its earlier connection", session.clientId());
      previous.takeOver();
    }
  }

  void unregister(ClientSession session) {
    sessions.remove(session.clientId(), session);
  }

  /** A client's publish (or will): stored if retained, routed, and handed to the shadow service if a request. */
  void publish(Message message, ClientSession from) {
    if (message.retain()) {
      if (message.payload().length == 0) {
        retained.remove(message.topic());
      } else {
        retained.put(message.topic(), message);
      }
    }
    route(message, from);
    ShadowTopic request = ShadowTopic.parseRequest(message.topic());
    ShadowService service = shadows;
    if (request != null && service != null) {
      service.handle(request, message.payload());
    }
  }

  /** A message the shadow service publishes: QoS 1, capped by each subscription's QoS. */
  void publishFromService(String topic, byte[] payload) {
    route(new Message(topic, payload, 1, false, MqttProperties.NO_PROPERTIES), null);
  }

  /** Sends the retained messages matching a new subscription, as retained. */
  void sendRetained(ClientSession session, ClientSession.Subscription subscription) {
    ThingPolicy policy = policies.policyFor(session.identity());
    for (Message m : retained.values()) {
      if (subscription.filter().matches(m.topic()) && mayReceive(policy, m.topic())) {
        session.deliver(m, Math.min(m.qos(), subscription.qos()), true);
      }
    }
  }

  private void route(Message message, ClientSession from) {
    for (ClientSession session : sessions.values()) {
      ClientSession.Subscription best = session.bestMatch(message.topic(), session == from);
      if (best == null || !mayReceive(policies.policyFor(session.identity()), message.topic())) {
        continue;
      }
      session.deliver(message, Math.min(message.qos(), best.qos()), best.retainAsPublished() && message.retain());
    }
  }

  private static boolean mayReceive(ThingPolicy policy, String topic) {
    String thing = ShadowTopic.thingOf(topic);
    return thing == null || policy.allows(thing);
  }

  private void shutdownGroups() {
    if (workers != null) {
      workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
      acceptors.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    workers = null;
    acceptors = null;
  }
}
