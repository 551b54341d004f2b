package io.mqttbridge.core.sink;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkTaskContext;

/**
 * Backpressure for a sink task whose {@code put} must not block for long: while records wait (the write window
 * is full, or the destination is unreachable), every assigned partition is paused, so the consumer keeps polling
 * and stays in its group without fetching more, and the next poll is shortened, so {@code put} runs again soon to
 * write what waits. Consumption resumes once nothing waits. Used on the task thread only.
 */
public final class ConsumptionPause {
    private final long pausedPollMs;
    private boolean paused;

    /** @param pausedPollMs the poll timeout Connect uses while paused, so {@code put} is called again soon */
    public ConsumptionPause(long pausedPollMs) {
        this.pausedPollMs = pausedPollMs;
    }

    /**
     * Pauses or resumes after a {@code put}.
     *
     * @param backlog whether records still wait to be written
     * @return true if this call paused consumption (it was running before)
     */
    public boolean afterPut(SinkTaskContext context, boolean backlog) {
        if (backlog) {
            boolean pausedNow = !paused;
            if (pausedNow) {
                context.pause(context.assignment().toArray(new TopicPartition[0]));
                paused = true;
            }
            context.timeout(pausedPollMs);
            return pausedNow;
        }
        if (paused) {
            context.resume(context.assignment().toArray(new TopicPartition[0]));
            paused = false;
        }
        return false;
    }
}
