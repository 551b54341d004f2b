package io.mqttbridge.testkit.net;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.awaitility.Awaitility;

/**
 * Faults of a {@link FaultProxy} fired one after another while a stream runs, each once the stream's progress
 * (records seen at the far end, as a {@link LongSupplier}) reaches its threshold. Faults that last until the client
 * reacts (a stall until the client gives up the connection and dials again) wait on that condition, not on a clock.
 * {@link #fired()} tells at what progress each fault began and ended, so a test can show the faults hit the stream
 * mid-way and not after it was through.
 * <pre>{@code
 * FaultSchedule faults = FaultSchedule.gauntlet(proxy, total).start(() -> recordsInKafka());
 * ... await every record ...
 * faults.awaitDone(Duration.ofMinutes(1));
 * assertTrue(faults.allFiredBefore(total), faults.report());
 * }</pre>
 */
public final class FaultSchedule {

  private static final Duration POLL = Duration.ofMillis(20);

  /** One fault: what it does to the proxy, returning once it is over. */
  @FunctionalInterface
  public interface Fault {
    /** Injects the fault and returns once it is over (the proxy forwards again). */
    void inject(Context context);
  }

  /** What a fault works with: the proxy, the stream's progress, and waits that note the progress they ended at. */
  public static final class Context {
    private final FaultProxy proxy;
    private final LongSupplier progress;
    private final Duration timeout;
    private long progressAfterWait = -1;

    Context(FaultProxy proxy, LongSupplier progress, Duration timeout) {
      this.proxy = proxy;
      this.progress = progress;
      this.timeout = timeout;
    }

    /** The proxy to break. */
    public FaultProxy proxy() {
      return proxy;
    }

    /** The stream's progress now. */
    public long progress() {
      return progress.getAsLong();
    }

    /** Waits until {@code condition} holds (at most the schedule's step timeout) and notes the progress then. */
    public void await(String what, Callable<Boolean> condition) {
      awaitCondition(what, timeout, condition);
      progressAfterWait = progress();
    }
  }

  /**
   * A fault that ran: its name, the stream's progress when it began, when its condition was met (while still
   * faulted; -1 for instant faults) and when it was over, and how long it lasted.
   */
  public record Fired(String name, long progressAtStart, long progressWhileFaulted, long progressAtEnd,
      Duration took) {
    @Override
    public String toString() {
      return name + ": began at " + progressAtStart
          + (progressWhileFaulted < 0 ? "" : ", still faulted at " + progressWhileFaulted)
          + ", over at " + progressAtEnd + " after " + took.toMillis() + " ms";
    }
  }

  private record Step(long at, String name, Fault fault) {
  }

  private final FaultProxy proxy;
  private final List<Step> steps;
  private final Duration stepTimeout;
  private final List<Fired> fired = new ArrayList<>();
  private CompletableFuture<Void> running;

  private FaultSchedule(FaultProxy proxy, List<Step> steps, Duration stepTimeout) {
    this.proxy = proxy;
    this.steps = List.copyOf(steps);
    this.stepTimeout = stepTimeout;
  }

  /** An empty schedule for {@code proxy}; each step waits at most {@code stepTimeout} for its condition. */
  public static Builder builder(FaultProxy proxy, Duration stepTimeout) {
    return new Builder(proxy, stepTimeout);
  }

  /**
   * Every kind of fault once, spread over the first 80 % of a stream of {@code total} records: RST, FIN, a stall
   * and a blackhole each lasting until the client reconnects (its keep-alive must notice), the server unreachable
   * for two connection attempts, and a slow link (50 ms latency, 16 KiB/s) for 2.5 % of the stream.
   */
  public static FaultSchedule gauntlet(FaultProxy proxy, long total) {
    return builder(proxy, Duration.ofSeconds(60))
        .at(total * 5 / 100, "reset (RST)", reset())
        .at(total * 15 / 100, "cut (FIN)", cut())
        .at(total * 25 / 100, "stall until the client reconnects", stallUntilReconnect())
        .at(total * 40 / 100, "blackhole until the client reconnects", blackholeUntilReconnect())
        .at(total * 55 / 100, "unreachable for two connection attempts", unreachable(2))
        .at(total * 70 / 100, "slow link for 2.5 % of the stream", slow(Duration.ofMillis(50), 16 * 1024,
            Math.max(1, total / 40)))
        .build();
  }

  /** Resets every open connection. */
  public static Fault reset() {
    return context -> context.proxy().reset();
  }

  /** Closes every open connection with FIN. */
  public static Fault cut() {
    return context -> context.proxy().cut();
  }

  /** Holds all bytes until the client opened a new connection (its keep-alive gave the old one up). */
  public static Fault stallUntilReconnect() {
    return context -> {
      FaultProxy proxy = context.proxy();
      long before = proxy.acceptedConnections();
      proxy.stall();
      try {
        context.await("a new connection after the stall", () -> proxy.acceptedConnections() > before);
      } finally {
        proxy.resume();
      }
    };
  }

  /** Drops all bytes until the client opened a new connection (its keep-alive gave the old one up). */
  public static Fault blackholeUntilReconnect() {
    return context -> {
      FaultProxy proxy = context.proxy();
      long before = proxy.acceptedConnections();
      proxy.blackhole();
      try {
        context.await("a new connection after the blackhole", () -> proxy.acceptedConnections() > before);
      } finally {
        proxy.resume();
      }
    };
  }

  /** Resets open connections and refuses new ones until the client tried {@code attempts} times. */
  public static Fault unreachable(int attempts) {
    return context -> {
      FaultProxy proxy = context.proxy();
      long before = proxy.acceptedConnections();
      proxy.refuse(true);
      proxy.reset();
      try {
        context.await(attempts + " refused connection attempts", () -> proxy.acceptedConnections() >= before + attempts);
      } finally {
        proxy.refuse(false);
      }
    };
  }

  /** Adds {@code latency} and a bandwidth limit until the stream advanced by {@code records}. */
  public static Fault slow(Duration latency, long bytesPerSecond, long records) {
    return context -> {
      FaultProxy proxy = context.proxy();
      long start = context.progress();
      proxy.latency(latency);
      proxy.bandwidth(bytesPerSecond);
      try {
        context.await(records + " records over the slow link", () -> context.progress() >= start + records);
      } finally {
        proxy.latency(Duration.ZERO);
        proxy.bandwidth(0);
      }
    };
  }

  /** Runs the steps on a background thread against {@code progress}; returns at once. */
  public synchronized FaultSchedule start(LongSupplier progress) {
    if (running != null) {
      throw new IllegalStateException("Already started");
    }
    running = CompletableFuture.runAsync(() -> run(progress), runnable -> {
      Thread t = new Thread(runnable, "fault-schedule-" + proxy.port());
      t.setDaemon(true);
      t.start();
    });
    return this;
  }

  /** Waits until every step ran; rethrows what a step threw (a condition that never came, for one). */
  public void awaitDone(Duration timeout) {
    try {
      running.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("Fault schedule failed after " + fired() + ": " + e.getCause().getMessage(),
          e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("Fault schedule not done within " + timeout + "; fired so far: " + fired());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("Interrupted", e);
    }
  }

  /** The faults that ran so far, in order. */
  public synchronized List<Fired> fired() {
    return List.copyOf(fired);
  }

  /** Whether every step ran and began before the stream reached {@code total}: the faults hit it mid-stream. */
  public synchronized boolean allFiredBefore(long total) {
    return fired.size() == steps.size() && fired.stream().allMatch(f -> f.progressAtStart() < total);
  }

  /** One line per fault that ran. */
  public synchronized String report() {
    StringBuilder b = new StringBuilder(fired.size() + " of " + steps.size() + " faults:");
    fired.forEach(f -> b.append("\n  ").append(f));
    return b.toString();
  }

  private void run(LongSupplier progress) {
    for (Step step : steps) {
      awaitCondition("progress " + step.at() + " before " + step.name(), stepTimeout,
          () -> progress.getAsLong() >= step.at());
      long start = System.nanoTime();
      long at = progress.getAsLong();
      Context context = new Context(proxy, progress, stepTimeout);
      step.fault().inject(context);
      synchronized (this) {
        fired.add(new Fired(step.name(), at, context.progressAfterWait, progress.getAsLong(),
            Duration.ofNanos(System.nanoTime() - start)));
      }
    }
  }

  private static void awaitCondition(String what, Duration timeout, Callable<Boolean> condition) {
    Awaitility.await(what).atMost(timeout).pollInterval(POLL).pollDelay(Duration.ZERO).until(condition);
  }

  /** Builder of {@link FaultSchedule}. */
  public static final class Builder {
    private final FaultProxy proxy;
    private final Duration stepTimeout;
    private final List<Step> steps = new ArrayList<>();

    private Builder(FaultProxy proxy, Duration stepTimeout) {
      this.proxy = proxy;
      this.stepTimeout = stepTimeout;
    }

    /** Adds {@code fault}, fired once progress reaches {@code progress} and the step before it is over. */
    public Builder at(long progress, String name, Fault fault) {
      steps.add(new Step(progress, name, fault));
      return this;
    }

    /** The schedule, not yet started. */
    public FaultSchedule build() {
      return new FaultSchedule(proxy, steps, stepTimeout);
    }
  }
}
