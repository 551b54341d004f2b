package io.mqttbridge.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mqttbridge.core.Version;
import io.mqttbridge.core.codec.PayloadEncoder;
import io.mqttbridge.core.codec.PayloadEncoders;
import io.mqttbridge.core.codec.PayloadEncodingException;
import io.mqttbridge.core.codec.PayloadFormat;
import io.mqttbridge.core.metrics.TaskMetrics;
import io.mqttbridge.core.sink.ConsumptionPause;
import io.mqttbridge.core.sink.RecordTemplate;
import io.mqttbridge.core.sink.RecordTemplateException;
import io.mqttbridge.core.sink.SinkOffsetTracker;
import io.mqttbridge.core.transport.ReconnectBackoff;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Updates device shadows from records and lets Connect commit an offset only after {@code update/accepted} for
 * every record before it.
 *
 * <p>Each record becomes {@code {"state":{"reported":VALUE},"clientToken":T}} (or {@code desired}) on
 * {@code $aws/things/THING/shadow[/name/NAME]/update}. Updates of one shadow go out one after another, in offset
 * order, so a retried update never overtakes a later one; different shadows are updated in parallel, up to
 * {@code shadow.max.inflight}. Rejections are handled by their meaning: 400 and 413 (and other 4xx) go to the
 * errant record reporter with the service's message; 409 (version conflict, with optimistic locking) reads the
 * shadow again and retries with its version; 429, 5xx, timeouts and lost connections retry with backoff.
 */
public class ShadowSinkTask extends SinkTask {
    private static final Logger log = LoggerFactory.getLogger(ShadowSinkTask.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final long PUT_WAIT_MS = 1_000;
    static final long PAUSED_POLL_MS = 100;
    private static final long COMPLETION_WAIT_MS = 50;
    private static final Duration RETRY_BACKOFF_MAX = Duration.ofSeconds(30);

    /** Connects the client; replaceable in tests. */
    @FunctionalInterface
    interface ClientFactory {
        ShadowClient connect(AwsIotSettings settings, List<String> subscriptions, ShadowClient.Listener listener)
            throws ShadowClientException;
    }

    /** A shadow: thing plus shadow name ({@code ""} for the classic one). */
    private record ShadowKey(String thing, String shadowName) {
        ShadowTopic topic(String suffix) {
            return new ShadowTopic(thing, shadowName, suffix);
        }

        @Override
        public String toString() {
            return shadowName.isEmpty() ? thing : thing + "/" + shadowName;
        }
    }

    /** One record's update; fields touched on the task thread only. */
    private static final class Update {
        final SinkRecord record;
        final SinkOffsetTracker.Entry entry;
        final ShadowKey shadow;
        final JsonNode state;
        int attempts;
        long firstFailureNanos;
        long notBeforeNanos;
        long sentNanos;
        boolean reread;
        boolean awaitingReply;
        String lastError;

        Update(SinkRecord record, SinkOffsetTracker.Entry entry, ShadowKey shadow, JsonNode state) {
            this.record = record;
            this.entry = entry;
            this.shadow = shadow;
            this.state = state;
        }
    }

    /** A reply (or failure) to the request of the update at the head of a shadow's queue. */
    private record Outcome(Update update, boolean get, ShadowClient.Reply reply, Throwable error, long nanos) {
    }

    private final ClientFactory clientFactory;
    private final LongSupplier nanoTime;
    private final long putWaitMs;
    private final SinkOffsetTracker tracker = new SinkOffsetTracker();
    /** Per shadow, its updates in offset order; the head is in flight or waiting for its retry. */
    private final Map<ShadowKey, ArrayDeque<Update>> queues = new HashMap<>();
    /** Shadows whose head may be sent (not in flight). */
    private final Set<ShadowKey> ready = new LinkedHashSet<>();
    private final LinkedBlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();
    private final Map<ShadowKey, Long> knownVersions = new HashMap<>();
    private final TaskMetrics.Counter sent = new TaskMetrics.Counter();
    private final TaskMetrics.Counter accepted = new TaskMetrics.Counter();
    private final TaskMetrics.Counter retried = new TaskMetrics.Counter();
    private final TaskMetrics.Counter conflicts = new TaskMetrics.Counter();
    private final TaskMetrics.Counter deadLettered = new TaskMetrics.Counter();
    private TaskMetrics.Latency latency = TaskMetrics.Latency.NONE;
    private TaskMetrics metrics = TaskMetrics.unregistered();

    private ShadowSinkConfig config;
    private ShadowClient client;
    private RecordTemplate thingName;
    private RecordTemplate shadowName;
    private PayloadEncoder encoder;
    private ReconnectBackoff backoff;
    private ErrantRecordReporter reporter;
    private long requestTimeoutMs;
    private int inFlight;
    private int queued;
    private final ConsumptionPause pause = new ConsumptionPause(PAUSED_POLL_MS);

    public ShadowSinkTask() {
        this(ShadowClient::connect, System::nanoTime, PUT_WAIT_MS);
    }

    ShadowSinkTask(ClientFactory clientFactory, LongSupplier nanoTime, long putWaitMs) {
        this.clientFactory = clientFactory;
        this.nanoTime = nanoTime;
        this.putWaitMs = putWaitMs;
    }

    @Override
    public String version() {
        return Version.get();
    }

    /** The reply topics of updates and gets of every thing this identity may see, classic and named. */
    static List<String> replySubscriptions() {
        return List.of("$aws/things/+/shadow/update/accepted", "$aws/things/+/shadow/update/rejected",
            "$aws/things/+/shadow/get/accepted", "$aws/things/+/shadow/get/rejected",
            "$aws/things/+/shadow/name/+/update/accepted", "$aws/things/+/shadow/name/+/update/rejected",
            "$aws/things/+/shadow/name/+/get/accepted", "$aws/things/+/shadow/name/+/get/rejected");
    }

    @Override
    public void start(Map<String, String> props) {
        try {
            config = new ShadowSinkConfig(props);
        } catch (ConfigException e) {
            throw new ConnectException("Invalid shadow sink configuration: " + e.getMessage(), e);
        }
        thingName = config.thingNameTemplate();
        shadowName = config.shadowNameTemplate();
        encoder = PayloadEncoders.create(PayloadFormat.JSON, null);
        backoff = new ReconnectBackoff(Duration.ofMillis(config.retryBackoffMs()),
            Duration.ofMillis(Math.max(config.retryBackoffMs(), RETRY_BACKOFF_MAX.toMillis())));
        try {
            reporter = context.errantRecordReporter();
        } catch (NoSuchMethodError | NoClassDefFoundError e) {
            reporter = null;
        }
        registerMetrics();
        AwsIotSettings settings = config.connectionSettings();
        requestTimeoutMs = settings.requestTimeout().toMillis();
        try {
            client = clientFactory.connect(settings, replySubscriptions(), new Listener());
        } catch (ShadowClientException e) {
            throw new ConnectException("Shadow sink task " + config.taskId() + " cannot start: " + e.getMessage(), e);
        }
        log.info("Shadow sink task {} started: client '{}' updates the {} state of {}{}", config.taskId(),
            settings.clientId(), config.stateSection(), thingName.template(),
            shadowName == null ? " (classic shadows)" : " shadows " + shadowName.template());
    }

    private void registerMetrics() {
        metrics = context == null ? TaskMetrics.unregistered() : TaskMetrics.register(context::pluginMetrics);
        metrics.gauge("shadow-update-total", "Shadow updates sent, retries included", sent::get);
        metrics.gauge("shadow-update-accepted-total", "Shadow updates accepted by the service", accepted::get);
        metrics.gauge("shadow-update-retry-total", "Updates sent again after 429, 5xx, timeouts or lost connections",
            retried::get);
        metrics.gauge("shadow-update-conflict-total", "Version conflicts (409) resolved by reading the shadow again",
            conflicts::get);
        metrics.gauge("dead-lettered-total", "Records sent to the errant record reporter", deadLettered::get);
        metrics.gauge("shadow-update-pending", "Records put and not yet accepted", () -> tracker.size());
        metrics.gauge("aws-iot-reconnect-total", "Reconnects of the AWS IoT client",
            () -> client == null ? 0 : client.reconnectCount());
        metrics.gauge("aws-iot-connected", "1 while connected to AWS IoT, else 0",
            () -> client != null && client.isConnected() ? 1 : 0);
        latency = metrics.latency("shadow-update-latency-ms", "time from an update to its accepted reply, ms");
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        for (SinkRecord record : records) {
            SinkOffsetTracker.Entry entry = tracker.register(
                new TopicPartition(record.originalTopic(), record.originalKafkaPartition()),
                record.originalKafkaOffset());
            if (record.value() == null) {
                entry.done(); // a tombstone says nothing about the state to report
                continue;
            }
            Update update;
            try {
                update = toUpdate(record, entry);
            } catch (UnusableRecordException e) {
                deadLetter(record, entry, e.getMessage(), e);
                continue;
            }
            ArrayDeque<Update> queue = queues.computeIfAbsent(update.shadow, k -> new ArrayDeque<>());
            queue.addLast(update);
            queued++;
            if (queue.size() == 1) {
                ready.add(update.shadow);
            }
        }
        pump(nanoTime.getAsLong() + TimeUnit.MILLISECONDS.toNanos(putWaitMs));
        pause.afterPut(context, queued > inFlight);
    }

    private Update toUpdate(SinkRecord record, SinkOffsetTracker.Entry entry) throws UnusableRecordException {
        String thing;
        String shadow;
        try {
            thing = thingName.render(record);
            shadow = shadowName == null ? "" : shadowName.render(record);
        } catch (RecordTemplateException e) {
            throw new UnusableRecordException(e.getMessage());
        }
        String problem = ShadowTopic.thingNameProblem(thing);
        if (problem == null) {
            problem = ShadowTopic.shadowNameProblem(shadow);
        }
        if (problem != null) {
            throw new UnusableRecordException(problem);
        }
        JsonNode state;
        try {
            state = JSON.readTree(encoder.encode(record.valueSchema(), record.value()));
        } catch (PayloadEncodingException | IOException e) {
            throw new UnusableRecordException("the value cannot be written as JSON: " + e.getMessage());
        }
        if (!state.isObject()) {
            throw new UnusableRecordException("the value must be a Struct or Map (a JSON object) to become the "
                + config.stateSection() + " state, was JSON " + state.getNodeType().toString().toLowerCase(java.util.Locale.ROOT));
        }
        return new Update(record, entry, new ShadowKey(thing, shadow), state);
    }

    private void pump(long deadlineNanos) {
        while (true) {
            handleOutcomes();
            sendWhatFits();
            if (queued == 0) {
                return;
            }
            checkRetryTimeout();
            long remaining = deadlineNanos - nanoTime.getAsLong();
            if (remaining <= 0) {
                return;
            }
            Outcome outcome;
            try {
                outcome = outcomes.poll(Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(COMPLETION_WAIT_MS)),
                    TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (outcome != null) {
                handle(outcome);
            }
        }
    }

    private void sendWhatFits() {
        if (!client.isConnected()) {
            return;
        }
        long now = nanoTime.getAsLong();
        Iterator<ShadowKey> it = ready.iterator();
        while (it.hasNext() && inFlight < config.maxInflight()) {
            ShadowKey key = it.next();
            ArrayDeque<Update> queue = queues.get(key);
            Update head = queue == null ? null : queue.peekFirst();
            if (head == null) {
                it.remove();
                continue;
            }
            if (head.notBeforeNanos - now > 0) {
                continue;
            }
            it.remove();
            send(head);
        }
    }

    private void send(Update update) {
        inFlight++;
        update.awaitingReply = true;
        update.sentNanos = nanoTime.getAsLong();
        boolean get = update.reread;
        ObjectNode body = JSON.createObjectNode();
        ShadowTopic topic;
        if (get) {
            topic = update.shadow.topic("get");
        } else {
            topic = update.shadow.topic("update");
            body.putObject("state").set(config.stateSection(), update.state);
            Long version = knownVersions.get(update.shadow);
            if (config.optimisticLocking() && version != null) {
                body.put("version", version);
            }
            sent.increment();
        }
        client.request(topic, body).orTimeout(requestTimeoutMs, TimeUnit.MILLISECONDS)
            .whenComplete((reply, error) -> outcomes.add(new Outcome(update, get, reply, error, nanoTime.getAsLong())));
    }

    private void handleOutcomes() {
        Outcome outcome;
        while ((outcome = outcomes.poll()) != null) {
            handle(outcome);
        }
    }

    private void handle(Outcome outcome) {
        inFlight--;
        Update update = outcome.update();
        update.awaitingReply = false;
        if (update.entry.isForgotten()) {
            finish(update);
            return;
        }
        if (outcome.error() != null) {
            retry(update, outcome, describe(outcome.error()));
            return;
        }
        ShadowClient.Reply reply = outcome.reply();
        if (outcome.get()) {
            update.reread = false;
            if (reply.accepted()) {
                knownVersions.put(update.shadow, reply.version());
            } else {
                knownVersions.remove(update.shadow); // 404: no shadow yet, so no version to send
            }
            ready.add(update.shadow);
            return;
        }
        if (reply.accepted()) {
            accepted.increment();
            latency.record((outcome.nanos() - update.sentNanos) / 1_000_000.0);
            if (reply.version() >= 0) {
                knownVersions.put(update.shadow, reply.version());
            }
            update.entry.done();
            finish(update);
            return;
        }
        int code = reply.code();
        String why = "AWS IoT rejected the " + config.stateSection() + " update of shadow " + update.shadow
            + " with code " + code + ": " + reply.message();
        if (code == 409) {
            conflicts.increment();
            log.debug("{}; reading the shadow again", why);
            update.reread = true;
            update.attempts++;
            ready.add(update.shadow);
        } else if (code == 429 || code >= 500) {
            retry(update, outcome, why);
        } else {
            deadLetter(update.record, update.entry, why, null);
            finish(update);
        }
    }

    private void retry(Update update, Outcome outcome, String why) {
        retried.increment();
        update.attempts++;
        update.lastError = why;
        if (update.firstFailureNanos == 0) {
            update.firstFailureNanos = outcome.nanos();
        }
        update.notBeforeNanos = outcome.nanos() + backoff.delay(update.attempts).toNanos();
        log.debug("Update of shadow {} failed (attempt {}): {}; sending it again", update.shadow, update.attempts, why);
        ready.add(update.shadow);
    }

    /** Removes a finished head and makes the shadow's next update ready. */
    private void finish(Update update) {
        ArrayDeque<Update> queue = queues.get(update.shadow);
        if (queue != null && queue.peekFirst() == update) {
            queue.pollFirst();
            queued--;
            if (queue.isEmpty()) {
                queues.remove(update.shadow);
                ready.remove(update.shadow);
            } else {
                ready.add(update.shadow);
            }
        }
    }

    private void deadLetter(SinkRecord record, SinkOffsetTracker.Entry entry, String why, Throwable cause) {
        String where = record.topic() + "-" + record.kafkaPartition() + "@" + record.kafkaOffset();
        UnusableRecordException error = new UnusableRecordException(why);
        if (cause != null) {
            error.initCause(cause);
        }
        if (reporter == null) {
            throw new ConnectException("Record " + where + " cannot update a shadow and this worker has no errant "
                + "record reporter: " + why, error);
        }
        log.warn("Record {} cannot update a shadow; reporting it to the dead-letter queue: {}", where, why);
        reporter.report(record, error);
        deadLettered.increment();
        entry.done();
    }

    private void checkRetryTimeout() {
        long timeoutMs = config.retryTimeoutMs();
        if (timeoutMs < 0) {
            return;
        }
        long now = nanoTime.getAsLong();
        for (ArrayDeque<Update> queue : queues.values()) {
            Update head = queue.peekFirst();
            if (head != null && head.firstFailureNanos != 0
                && now - head.firstFailureNanos > TimeUnit.MILLISECONDS.toNanos(timeoutMs)) {
                throw new ConnectException("The update of shadow " + head.shadow + " kept failing for more than "
                    + timeoutMs + " ms (" + ShadowSinkConfig.RETRY_TIMEOUT_MS_CONFIG + "); last error: "
                    + head.lastError + ". " + queued + " records are unaccepted and their offsets were not committed.");
            }
        }
    }

    private static String describe(Throwable error) {
        Throwable e = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
            ? error.getCause() : error;
        return e instanceof java.util.concurrent.TimeoutException ? "no reply within the request timeout"
            : e.getMessage();
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        handleOutcomes();
        sendWhatFits();
        return tracker.committable(currentOffsets);
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        tracker.forget(partitions);
        for (Iterator<Map.Entry<ShadowKey, ArrayDeque<Update>>> it = queues.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<ShadowKey, ArrayDeque<Update>> e = it.next();
            ArrayDeque<Update> queue = e.getValue();
            // A head awaiting its reply stays until the reply arrives, which then finds it forgotten.
            int before = queue.size();
            queue.removeIf(u -> u.entry.isForgotten() && !u.awaitingReply);
            queued -= before - queue.size();
            if (queue.isEmpty()) {
                it.remove();
                ready.remove(e.getKey());
            } else if (!queue.peekFirst().awaitingReply) {
                ready.add(e.getKey());
            }
        }
    }

    @Override
    public void stop() {
        if (client != null) {
            client.close();
        }
        metrics.close();
    }

    /** A record that cannot become a shadow update. */
    static final class UnusableRecordException extends Exception {
        private static final long serialVersionUID = 1L;

        UnusableRecordException(String message) {
            super(message);
        }
    }

    private final class Listener implements ShadowClient.Listener {
        @Override
        public void message(ShadowTopic topic, JsonNode payload) {
            // Replies to other clients' requests: nothing to do.
        }

        @Override
        public void connected(ShadowClient connectedClient) {
            // Waiting heads are sent by the task thread once it sees the connection.
        }

        @Override
        public void disconnected(String reason) {
            // Requests in flight fail on their own and are retried.
        }
    }
}
