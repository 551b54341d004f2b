package io.mqttbridge.core.transport;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;

/**
 * A Mosquitto process on a free port, for this module's ITs until the testkit's {@code MqttBrokers} fixture is
 * published; then these tests should move to it. Queues and in-flight windows are unlimited so tests see our
 * behaviour, not the broker's drops.
 */
final class LocalMosquitto implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final List<String> extraConfig;
    private Process process;

    LocalMosquitto(Path dir, List<String> extraConfig) throws IOException {
        this.dir = dir;
        this.extraConfig = extraConfig;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        start();
    }

    String tcpUri() {
        return "tcp://127.0.0.1:" + port;
    }

    int port() {
        return port;
    }

    void start() throws IOException {
        Path conf = dir.resolve("mosquitto.conf");
        StringBuilder sb = new StringBuilder();
        sb.append("user root\nlistener ").append(port).append(" 127.0.0.1\n")
            .append("max_inflight_messages 0\nmax_queued_messages 0\n");
        extraConfig.forEach(line -> sb.append(line).append('\n'));
        if (extraConfig.stream().noneMatch(l -> l.startsWith("allow_anonymous") || l.startsWith("password_file"))) {
            sb.append("allow_anonymous true\n");
        }
        Files.writeString(conf, sb.toString());
        process = new ProcessBuilder("/usr/sbin/mosquitto", "-c", conf.toString())
            .redirectErrorStream(true).redirectOutput(dir.resolve("mosquitto.log").toFile()).start();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return true;
            }
        });
    }

    /** SIGTERM: Mosquitto saves its persistence database and exits. */
    void stopGracefully() {
        process.destroy();
        await().atMost(Duration.ofSeconds(10)).until(() -> !process.isAlive());
    }

    /** SIGKILL: no clean shutdown. */
    void kill() {
        process.destroyForcibly();
        await().atMost(Duration.ofSeconds(10)).until(() -> !process.isAlive());
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            kill();
        }
    }
}
