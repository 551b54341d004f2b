package io.mqttbridge.testkit.net;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each fault of the proxy against a real echo server on a loopback socket. */
class FaultProxyTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private ServerSocket echo;
  private FaultProxy proxy;

  @BeforeEach
  void start() throws IOException {
    echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(() -> {
      while (!echo.isClosed()) {
        try {
          Socket s = echo.accept();
          Thread t = new Thread(() -> echo(s), "echo-" + s.getPort());
          t.setDaemon(true);
          t.start();
        } catch (IOException e) {
          return;
        }
      }
    }, "echo-accept");
    acceptor.setDaemon(true);
    acceptor.start();
    proxy = FaultProxy.start("127.0.0.1", echo.getLocalPort());
  }

  @AfterEach
  void stop() throws IOException {
    proxy.close();
    echo.close();
  }

  private static void echo(Socket s) {
    try (s) {
      s.getInputStream().transferTo(s.getOutputStream());
    } catch (IOException e) {
      // the proxy cut or reset it: that is what the tests do
    }
  }

  private Socket client() throws IOException {
    Socket s = new Socket("127.0.0.1", proxy.port());
    s.setSoTimeout((int) WAIT.toMillis());
    return s;
  }

  private static byte[] roundTrip(Socket s, byte[] data) throws IOException {
    s.getOutputStream().write(data);
    s.getOutputStream().flush();
    byte[] back = new byte[data.length];
    new DataInputStream(s.getInputStream()).readFully(back);
    return back;
  }

  @Test
  void forwardsBytesBothWaysInOrder() throws IOException {
    byte[] data = new byte[1_000_000];
    new Random(42).nextBytes(data);
    try (Socket s = client()) {
      Thread writer = new Thread(() -> {
        try {
          s.getOutputStream().write(data);
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      });
      writer.start();
      byte[] back = new byte[data.length];
      new DataInputStream(s.getInputStream()).readFully(back);
      assertArrayEquals(data, back);
    }
    assertEquals(data.length, proxy.bytesUpstream());
    await().atMost(WAIT).until(() -> proxy.bytesDownstream() == data.length);
    assertEquals(1, proxy.acceptedConnections());
  }

  @Test
  void cutClosesOpenConnectionsWithEndOfStreamAndKeepsAccepting() throws IOException {
    try (Socket s = client()) {
      roundTrip(s, bytes("hello"));
      await().atMost(WAIT).until(() -> proxy.openConnections() == 1);
      proxy.cut();
      assertEquals(-1, s.getInputStream().read(), "end of stream");
      assertEquals(0, proxy.openConnections());
    }
    try (Socket again = client()) {
      assertArrayEquals(bytes("again"), roundTrip(again, bytes("again")));
    }
  }

  @Test
  void resetAbortsOpenConnections() throws IOException {
    try (Socket s = client()) {
      roundTrip(s, bytes("hello"));
      proxy.reset();
      SocketException e = assertThrows(SocketException.class, () -> {
        InputStream in = s.getInputStream();
        in.read();
      });
      assertTrue(e.getMessage().contains("reset"), e.getMessage());
    }
  }

  @Test
  void stallHoldsBytesUntilResumed() throws IOException {
    try (Socket s = client()) {
      roundTrip(s, bytes("warm"));
      proxy.stall();
      s.getOutputStream().write(bytes("held"));
      s.setSoTimeout(500);
      assertThrows(SocketTimeoutException.class, () -> s.getInputStream().read(), "nothing while stalled");
      proxy.resume();
      s.setSoTimeout((int) WAIT.toMillis());
      byte[] back = new byte[4];
      new DataInputStream(s.getInputStream()).readFully(back);
      assertArrayEquals(bytes("held"), back, "held bytes flow on after resume");
    }
  }

  @Test
  void blackholeDropsBytesButKeepsTheConnection() throws IOException {
    try (Socket s = client()) {
      roundTrip(s, bytes("warm"));
      proxy.blackhole();
      s.getOutputStream().write(bytes("lost"));
      s.setSoTimeout(500);
      assertThrows(SocketTimeoutException.class, () -> s.getInputStream().read(), "nothing comes back");
      await().atMost(WAIT).until(() -> proxy.bytesUpstream() == 4); // "lost" was read and dropped, not held
      proxy.resume();
      s.setSoTimeout((int) WAIT.toMillis());
      assertArrayEquals(bytes("next"), roundTrip(s, bytes("next")), "the same connection carries new bytes");
    }
  }

  @Test
  void latencyDelaysEachDirection() throws IOException {
    proxy.latency(Duration.ofMillis(150));
    try (Socket s = client()) {
      long start = System.nanoTime();
      roundTrip(s, bytes("slow"));
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(millis >= 300, "two legs of 150 ms: " + millis + " ms");
    }
  }

  @Test
  void bandwidthLimitsThroughput() throws IOException {
    proxy.bandwidth(256 * 1024);
    byte[] data = new byte[128 * 1024];
    try (Socket s = client()) {
      long start = System.nanoTime();
      OutputStream out = s.getOutputStream();
      Thread writer = new Thread(() -> {
        try {
          out.write(data);
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      });
      writer.start();
      new DataInputStream(s.getInputStream()).readFully(new byte[data.length]);
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(millis >= 400, "128 KiB at 256 KiB/s takes about half a second: " + millis + " ms");
    }
  }

  @Test
  void refuseResetsNewConnectionsOnly() throws IOException {
    try (Socket open = client()) {
      roundTrip(open, bytes("open"));
      proxy.refuse(true);
      try (Socket refused = client()) {
        assertThrows(IOException.class, () -> {
          refused.getOutputStream().write(bytes("x"));
          if (refused.getInputStream().read() < 0) {
            throw new IOException("end of stream");
          }
        });
      }
      assertArrayEquals(bytes("still"), roundTrip(open, bytes("still")), "open connections are left alone");
      proxy.heal();
      try (Socket again = client()) {
        assertArrayEquals(bytes("again"), roundTrip(again, bytes("again")));
      }
    }
  }

  @Test
  void aDownServerLooksRefused() throws IOException {
    echo.close();
    try (Socket s = client()) {
      assertThrows(IOException.class, () -> {
        if (s.getInputStream().read() < 0) {
          throw new IOException("end of stream");
        }
      });
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
