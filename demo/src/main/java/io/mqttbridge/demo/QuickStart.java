package io.mqttbridge.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The demo: the whole {@link Pipeline} on embedded defaults, fed by simulated ESP32 sensors.
 *
 * <p>Arguments: the config directory, and optionally a number of readings per sensor. Without it (or with 0) the
 * sensors publish one reading each per {@code demo.interval.ms}, every {@value #CHANGE_EVERY_S} s one sensor gets a
 * desired change (its LED through its AWS shadow, or its interval through its Azure twin, in turn), and one progress
 * line (rates at each hop from the connectors' JMX metrics, rows in PostgreSQL, pending acknowledgements, dead
 * letters, reconnects) is rewritten every second until Ctrl-C, which stops everything in order.
 * With N &gt; 0 the run is headless: each sensor gets a desired change from both clouds, publishes N readings, and
 * the run checks that every reading reached PostgreSQL and both clouds' reported state and every command reached its
 * device; the exit code tells. Settings: {@link DemoSettings}.
 */
public final class QuickStart {
    static final int CHANGE_EVERY_S = 15;
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(120);

    private QuickStart() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: QuickStart CONFIG_DIR [READINGS_PER_SENSOR (0: until Ctrl-C)]");
            System.exit(2);
        }
        DemoSettings settings;
        int perSensor;
        try {
            settings = DemoSettings.fromSystemProperties(Path.of(args[0]));
            perSensor = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        } catch (IllegalArgumentException e) {
            System.err.println("[demo] " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            if (perSensor > 0) {
                Outcome outcome = run(settings, perSensor, QuickStart::say);
                System.exit(outcome.ok() ? 0 : 1);
            } else {
                runUntilStopped(settings);
            }
        } catch (DemoSettings.PortInUseException e) {
            System.err.println("[demo] " + e.getMessage().replace("\n", "\n[demo] "));
            System.exit(2);
        }
    }

    /** Runs until the JVM is asked to stop (Ctrl-C), then stops everything in order. */
    static void runUntilStopped(DemoSettings settings) throws Exception {
        Pipeline pipeline = Pipeline.start(settings, QuickStart::say, Pipeline.DEFAULT_ROLES);
        ScheduledExecutorService ticks = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "demo-ticks");
            t.setDaemon(true);
            return t;
        });
        CountDownLatch stopRequested = new CountDownLatch(1);
        // Ctrl-C (and SIGTERM) are taken here rather than in a shutdown hook: the fixtures' and Kafka's own hooks
        // (killing Mosquitto, deleting Kafka's log directories) would otherwise run at the same time as the stop, in
        // no order. The pipeline stops first, in order; those hooks then find nothing left to do.
        for (String signal : List.of("INT", "TERM")) {
            sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> stopRequested.countDown());
        }
        say("running; Ctrl-C stops. Connect REST: " + pipeline.worker().restUrl() + "connectors, MQTT: "
            + pipeline.brokerUri() + ", telemetry rows: " + DemoDatabase.DATABASE + "." + settings.tableName());
        ticks.scheduleAtFixedRate(() -> publish(pipeline), 0, settings.interval().toMillis(), TimeUnit.MILLISECONDS);
        AtomicInteger change = new AtomicInteger();
        ticks.scheduleAtFixedRate(() -> changeDesired(pipeline, change.getAndIncrement()), CHANGE_EVERY_S,
            CHANGE_EVERY_S, TimeUnit.SECONDS);
        ProgressLine progress = new ProgressLine(pipeline);
        ticks.scheduleAtFixedRate(() -> System.out.print("\r" + LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + " "
            + progress.next() + "   "), 1, 1, TimeUnit.SECONDS);
        stopRequested.await();
        ticks.shutdownNow();
        ticks.awaitTermination(10, TimeUnit.SECONDS);
        System.out.println();
        say("stopping: sensors, connectors and the worker, Kafka, the emulators, PostgreSQL, the MQTT broker");
        long start = System.nanoTime();
        pipeline.close();
        say(String.format(Locale.ROOT, "stopped in %.1f s", (System.nanoTime() - start) / 1e9));
        System.exit(0);
    }

    private static void publish(Pipeline pipeline) {
        try {
            pipeline.sensors().publishReadings();
        } catch (Exception e) {
            System.out.println();
            say("a reading was not published: " + e.getMessage());
        }
    }

    /**
     * Takes the sensors in turn, alternating the clouds: the LED toggled through the AWS shadow's desired state, the
     * reporting interval changed through the Azure twin's desired properties.
     */
    private static void changeDesired(Pipeline pipeline, int n) {
        List<String> ids = pipeline.sensors().ids();
        String sensor = ids.get(n / 2 % ids.size());
        try {
            if (n % 2 == 0) {
                String led = "off".equals(pipeline.sensors().applied(sensor, SensorFleet.LED)) ? "on" : "off";
                pipeline.aws().updateDesired(sensor, null, "{\"" + SensorFleet.LED + "\":\"" + led + "\"}");
            } else if (pipeline.azure().deviceIds().contains(sensor)) {
                pipeline.azure().updateDesired(sensor, "{\"" + SensorFleet.INTERVAL + "\":" + (1 + n / 2 % 5) + "}");
            }
        } catch (RuntimeException e) {
            System.out.println();
            say("the desired change of " + sensor + " failed: " + e.getMessage());
        }
    }

    /**
     * The headless run: starts the whole pipeline, makes a desired change per sensor in each cloud and waits until
     * every device applied both, publishes {@code perSensor} readings per sensor, waits until every reading is in
     * PostgreSQL and in both clouds' reported state, checks that the twin sink and the twin source shared each
     * device's hub connection rather than taking it from each other, and stops everything.
     *
     * @return what arrived where; {@link Outcome#ok()} when nothing is missing
     */
    static Outcome run(DemoSettings settings, int perSensor, Consumer<String> say) throws Exception {
        try (Pipeline pipeline = Pipeline.start(settings, say, Pipeline.DEFAULT_ROLES)) {
            List<String> ids = pipeline.sensors().ids();
            List<String> problems = new ArrayList<>();

            // IoT Hub knows a device once it connected (the group key registers it, as DPS would)
            if (!await("the twin source's devices connected", () -> pipeline.azure().deviceIds().containsAll(ids))) {
                problems.add("the twin source did not connect every device: " + pipeline.azure().deviceIds());
            }
            say.accept("desired changes in the clouds: AWS shadow led=off, Azure twin interval_s=10+i, per sensor");
            for (int i = 0; i < ids.size(); i++) {
                pipeline.aws().updateDesired(ids.get(i), null, "{\"led\":\"off\"}");
                if (pipeline.azure().deviceIds().contains(ids.get(i))) {
                    pipeline.azure().updateDesired(ids.get(i), "{\"interval_s\":" + (10 + i) + "}");
                }
            }
            for (int i = 0; i < ids.size(); i++) {
                String id = ids.get(i);
                String interval = Integer.toString(10 + i);
                boolean applied = await("device " + id + " applied both cloud commands", () ->
                    "off".equals(pipeline.sensors().applied(id, SensorFleet.LED))
                        && interval.equals(pipeline.sensors().applied(id, SensorFleet.INTERVAL)));
                say.accept("device " + id + " received " + pipeline.sensors().commandsReceived(id));
                if (!applied) {
                    problems.add("device " + id + " did not get both commands; it got "
                        + pipeline.sensors().commandsReceived(id));
                }
            }

            say.accept("publishing " + perSensor + " JSON readings per sensor at QoS 1 from " + ids);
            for (int n = 0; n < perSensor; n++) {
                pipeline.sensors().publishReadings();
            }
            ProgressLine progress = new ProgressLine(pipeline);
            long last = perSensor - 1;
            for (String id : ids) {
                boolean inPostgres = await("every reading of " + id + " in PostgreSQL", () ->
                    pipeline.database().distinctReadingsPerSensor(settings.tableName()).getOrDefault(id, 0L)
                        == perSensor);
                boolean inAws = await("the AWS shadow of " + id + " reported the last reading with led=off", () ->
                    pipeline.aws().updatesAccepted(id) >= perSensor
                        && awsReported(pipeline, id).path("seq").asLong(-1) == last
                        && "off".equals(awsReported(pipeline, id).path("led").asText()));
                boolean inAzure = await("the Azure twin of " + id + " reported every reading", () ->
                    pipeline.azure().deviceIds().contains(id)
                        && pipeline.azure().reportedPatches(id).size() >= perSensor
                        && pipeline.azure().reported(id).path("seq").asLong(-1) == last);
                say.accept(id + ": PostgreSQL " + pipeline.database().distinctReadingsPerSensor(settings.tableName())
                    .getOrDefault(id, 0L) + " of " + perSensor + " readings; AWS reported " + awsReported(pipeline, id)
                    + "; Azure reported " + (pipeline.azure().deviceIds().contains(id) ? pipeline.azure().reported(id)
                    : "nothing"));
                if (!inPostgres) {
                    problems.add(id + ": readings missing in PostgreSQL");
                }
                if (!inAws) {
                    problems.add(id + ": the AWS shadow did not report every reading with the applied command");
                }
                if (!inAzure) {
                    problems.add(id + ": the Azure twin did not report every reading");
                }
            }
            // One connection per device, shared by the twin sink and source; a few more for reconnects are fine, a
            // connector taking the connection from the other over and over is not.
            long hubConnections = pipeline.azure().acceptedConnectionCount();
            say.accept("IoT Hub connections accepted: " + hubConnections + " for " + ids.size() + " devices");
            if (hubConnections > 2L * ids.size() + 2) {
                problems.add("the twin connectors opened " + hubConnections + " hub connections for " + ids.size()
                    + " devices: they took each other's connection instead of sharing it");
            }
            String line = progress.next();
            say.accept("progress: " + line);
            ConnectorMetrics metrics = ConnectorMetrics.read();
            Map<String, String> connectors = new LinkedHashMap<>();
            for (String role : List.of(Pipeline.MQTT_SOURCE, Pipeline.JDBC_SINK, Pipeline.AWS_SINK, Pipeline.AZURE_SINK,
                Pipeline.MQTT_SINK, Pipeline.AWS_SOURCE, Pipeline.AZURE_SOURCE)) {
                connectors.put(role, pipeline.connectorName(role));
            }
            Outcome outcome = new Outcome(perSensor * ids.size(), pipeline.rows(), metrics, Map.copyOf(connectors),
                List.copyOf(problems));
            say.accept(outcome.ok() ? "pipeline OK: every reading in PostgreSQL and both clouds, every command on its "
                + "device" : "pipeline FAILED: " + problems);
            return outcome;
        }
    }

    private static JsonNode awsReported(Pipeline pipeline, String id) {
        return pipeline.aws().shadow(id).map(d -> d.path("state").path("reported"))
            .orElse(MissingNode.getInstance());
    }

    private static boolean await(String what, Callable<Boolean> condition) {
        try {
            Awaitility.await(what).atMost(DELIVERY_TIMEOUT).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(condition);
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    private static void say(String line) {
        System.out.println("[demo] " + line);
    }

    /**
     * What a headless run found.
     *
     * @param readings   readings published, all sensors
     * @param rows       rows in the telemetry table at the end
     * @param metrics    the connectors' JMX metrics at the end
     * @param connectors connector names by role (mqtt-source, jdbc-sink, aws-sink, ...)
     * @param problems   what was missing, empty when everything arrived
     */
    record Outcome(long readings, long rows, ConnectorMetrics metrics, Map<String, String> connectors,
                          List<String> problems) {
        boolean ok() {
            return problems.isEmpty();
        }
    }
}
