package io.mqttbridge.testkit.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP proxy on a free 127.0.0.1 port in front of one upstream address (an MQTT broker, any TCP server) that
 * breaks connections on demand, so tests can put network faults between the code under test and the real server:
 * <ul>
 *   <li>{@link #cut()}: closes every open connection in an orderly way (FIN to both ends), like a peer that exits;
 *   <li>{@link #reset()}: aborts every open connection (RST to both ends), like a crashed host or a NAT timeout;
 *   <li>{@link #stall()}: holds all bytes in both directions while connections stay open (a hung peer; TCP flow
 *       control pushes back on the sender once the buffers are full), until {@link #resume()};
 *   <li>{@link #blackhole()}: discards all bytes while connections stay open (a dead route), until
 *       {@link #resume()};
 *   <li>{@link #latency(Duration)} and {@link #bandwidth(long)}: a slow link;
 *   <li>{@link #refuse(boolean)}: new connections are reset at once (the server is unreachable).
 * </ul>
 * Faults apply per direction to the bytes the proxy has not yet forwarded, so a fault never corrupts a byte stream:
 * bytes arrive in order or not at all. TLS passes through untouched; connect with a host name the server's
 * certificate covers ({@link #uri(String, String)}).
 * <pre>{@code
 * try (FaultProxy proxy = FaultProxy.to(broker.tcpUri())) {
 *   ... point the client at proxy.tcpUri() ...
 *   proxy.reset();
 * }
 * }</pre>
 */
public final class FaultProxy implements AutoCloseable {

  private static final int CHUNK = 16 * 1024;
  /** Chunks read but not yet written, per direction: bounds memory and lets a stall push back on the sender. */
  private static final int QUEUED_CHUNKS = 32;
  private static final int UPSTREAM_CONNECT_TIMEOUT_MS = 5_000;

  private enum Mode { FORWARD, STALL, BLACKHOLE }

  private final InetSocketAddress upstream;
  private final ServerSocket listener;
  private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
  private final Object modeLock = new Object();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong bytesUp = new AtomicLong();
  private final AtomicLong bytesDown = new AtomicLong();
  private final Thread acceptor;
  private volatile Mode mode = Mode.FORWARD;
  private volatile long latencyNanos;
  private volatile long bytesPerSecond;
  private volatile boolean refusing;
  private volatile boolean closed;

  private FaultProxy(InetSocketAddress upstream) throws IOException {
    this.upstream = upstream;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::acceptLoop, "fault-proxy-" + listener.getLocalPort() + "-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** A proxy to {@code host:port}, listening on a free loopback port. */
  public static FaultProxy start(String host, int port) {
    try {
      return new FaultProxy(new InetSocketAddress(host, port));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open a proxy listener for " + host + ":" + port, e);
    }
  }

  /** A proxy to the host and port of a server URI such as {@code tcp://127.0.0.1:1883}. */
  public static FaultProxy to(String serverUri) {
    URI uri = URI.create(serverUri);
    if (uri.getHost() == null || uri.getPort() < 0) {
      throw new IllegalArgumentException("A URI with host and port is needed, was: " + serverUri);
    }
    return start(uri.getHost(), uri.getPort());
  }

  /** The local port clients connect to. */
  public int port() {
    return listener.getLocalPort();
  }

  /** {@code tcp://127.0.0.1:PORT} of the proxy. */
  public String tcpUri() {
    return uri("tcp", "127.0.0.1");
  }

  /** {@code SCHEME://HOST:PORT} of the proxy, e.g. {@code uri("ssl", "localhost")} for a certificate's name. */
  public String uri(String scheme, String host) {
    return scheme + "://" + host + ":" + port();
  }

  /** Closes every open connection with FIN to both ends; new connections are forwarded as before. */
  public void cut() {
    connections.forEach(c -> c.close(false));
  }

  /** Aborts every open connection with RST to both ends; new connections are forwarded as before. */
  public void reset() {
    connections.forEach(c -> c.close(true));
  }

  /** Holds every byte in both directions, open and new connections alike, until {@link #resume()}. */
  public void stall() {
    setMode(Mode.STALL);
  }

  /** Discards every byte in both directions, open and new connections alike, until {@link #resume()}. */
  public void blackhole() {
    setMode(Mode.BLACKHOLE);
  }

  /** Ends {@link #stall()} (held bytes flow on) or {@link #blackhole()}. */
  public void resume() {
    setMode(Mode.FORWARD);
  }

  /** Delays every chunk by {@code delay} in each direction (zero: none). */
  public void latency(Duration delay) {
    latencyNanos = delay.toNanos();
  }

  /** Limits each direction of each connection to {@code perSecond} bytes per second (0: unlimited). */
  public void bandwidth(long perSecond) {
    if (perSecond < 0) {
      throw new IllegalArgumentException("bytes per second must be >= 0, was " + perSecond);
    }
    bytesPerSecond = perSecond;
  }

  /** While true, new connections are reset as soon as they are accepted; open ones are left alone. */
  public void refuse(boolean refuse) {
    refusing = refuse;
  }

  /** Every fault off: forwarding, no latency, no bandwidth limit, accepting. Open connections stay. */
  public void heal() {
    latency(Duration.ZERO);
    bandwidth(0);
    refuse(false);
    resume();
  }

  /** Connections open right now. */
  public int openConnections() {
    return connections.size();
  }

  /** Connections accepted since start, refused ones included. */
  public long acceptedConnections() {
    return accepted.get();
  }

  /** Bytes forwarded from clients to the upstream server. */
  public long bytesUpstream() {
    return bytesUp.get();
  }

  /** Bytes forwarded from the upstream server to clients. */
  public long bytesDownstream() {
    return bytesDown.get();
  }

  /** Stops listening and resets every connection; never throws. */
  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException e) {
      // closing anyway
    }
    resume();
    reset();
  }

  @Override
  public String toString() {
    return "FaultProxy[127.0.0.1:" + port() + " -> " + upstream + ", " + mode + ", open " + connections.size() + "]";
  }

  private void setMode(Mode next) {
    synchronized (modeLock) {
      mode = next;
      modeLock.notifyAll();
    }
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        if (closed) {
          return;
        }
        continue;
      }
      accepted.incrementAndGet();
      if (refusing) {
        abort(client);
        continue;
      }
      Socket server = new Socket();
      try {
        server.connect(upstream, UPSTREAM_CONNECT_TIMEOUT_MS);
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
      } catch (IOException e) {
        // The server is down: the client sees what it would see without the proxy, a refused connection.
        abort(client);
        abort(server);
        continue;
      }
      Connection connection = new Connection(client, server);
      connections.add(connection);
      connection.start();
    }
  }

  private static void abort(Socket socket) {
    try {
      socket.setSoLinger(true, 0);
    } catch (SocketException e) {
      // not connected: close() below is all there is
    }
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  /** A client socket and its upstream socket, with one reading and one writing thread per direction. */
  private final class Connection {
    private final Socket client;
    private final Socket server;
    private final List<Thread> threads;
    private int directionsDone;
    private boolean ended;

    Connection(Socket client, Socket server) {
      this.client = client;
      this.server = server;
      String name = "fault-proxy-" + port() + "-" + client.getPort();
      BlockingQueue<Chunk> up = new ArrayBlockingQueue<>(QUEUED_CHUNKS);
      BlockingQueue<Chunk> down = new ArrayBlockingQueue<>(QUEUED_CHUNKS);
      threads = List.of(
          thread(name + "-up-read", () -> read(client, up)),
          thread(name + "-up-write", () -> write(up, server, bytesUp)),
          thread(name + "-down-read", () -> read(server, down)),
          thread(name + "-down-write", () -> write(down, client, bytesDown)));
    }

    void start() {
      threads.forEach(Thread::start);
    }

    private Thread thread(String name, Runnable body) {
      Thread t = new Thread(body, name);
      t.setDaemon(true);
      return t;
    }

    /** Queues what arrives, stamped with its arrival time, until EOF, which it queues as an empty chunk. */
    private void read(Socket from, BlockingQueue<Chunk> queue) {
      byte[] buffer = new byte[CHUNK];
      try {
        InputStream in = from.getInputStream();
        for (int n; (n = in.read(buffer)) >= 0; ) {
          queue.put(new Chunk(System.nanoTime(), Arrays.copyOf(buffer, n)));
        }
        queue.put(new Chunk(System.nanoTime(), new byte[0]));
      } catch (IOException e) {
        close(true);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close(true);
      }
    }

    private void write(BlockingQueue<Chunk> queue, Socket to, AtomicLong counter) {
      try {
        OutputStream out = to.getOutputStream();
        while (true) {
          Chunk chunk = queue.take();
          long due = chunk.arrived() + latencyNanos;
          for (long wait; (wait = due - System.nanoTime()) > 0 && !ended; ) {
            LockSupport.parkNanos(wait);
          }
          awaitForwarding();
          if (chunk.isEnd()) {
            to.shutdownOutput();
            directionDone();
            return;
          }
          if (mode == Mode.BLACKHOLE) {
            continue;
          }
          out.write(chunk.bytes());
          out.flush();
          counter.addAndGet(chunk.bytes().length);
          long rate = bytesPerSecond;
          if (rate > 0) {
            // Paces the link: the next chunk leaves once this one has had its share of a second.
            LockSupport.parkNanos(chunk.bytes().length * 1_000_000_000L / rate);
          }
        }
      } catch (IOException e) {
        close(true);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close(true);
      }
    }

    private void awaitForwarding() throws InterruptedException {
      synchronized (modeLock) {
        while (mode == Mode.STALL && !ended) {
          modeLock.wait(100);
        }
      }
    }

    private synchronized void directionDone() {
      if (++directionsDone == 2) {
        close(false);
      }
    }

    synchronized void close(boolean abort) {
      if (ended) {
        return;
      }
      ended = true;
      connections.remove(this);
      if (abort) {
        abort(client);
        abort(server);
      } else {
        closeQuietly(client);
        closeQuietly(server);
      }
      threads.forEach(t -> {
        if (t != Thread.currentThread()) {
          t.interrupt();
        }
      });
    }

    private void closeQuietly(Socket socket) {
      try {
        socket.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }

  /** Bytes read at {@code arrived} (nanoTime); no bytes mark the end of the stream. */
  private record Chunk(long arrived, byte[] bytes) {
    boolean isEnd() {
      return bytes.length == 0;
    }
  }

}
