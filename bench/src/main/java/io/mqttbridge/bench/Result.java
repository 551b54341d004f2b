package io.mqttbridge.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One measured figure: a rate (or, for latency and memory, the headline number of the run) beside the ceiling it is
 * compared with, and the target where there is one.
 *
 * @param scenario e.g. {@code source}
 * @param variant what distinguishes runs of one scenario, e.g. {@code MQTT 5 QoS 1}
 * @param value the headline figure
 * @param unit its unit, e.g. {@code msg/s} or {@code ms p99}
 * @param ratio {@code value} divided by the ceiling's, or null when there is no ceiling
 * @param ratioTo what the ratio is to, e.g. {@code raw MQTT 5 QoS 1}
 * @param target the target, e.g. {@code >= 0.80x raw}, or null
 * @param pass whether the target was met, null without a target
 * @param complete whether every message arrived (a QoS 0 loss or a time-out makes it false)
 * @param details everything else measured: counts, percentiles, memory, the load average before the run
 */
public record Result(String scenario, String variant, double value, String unit, Double ratio, String ratioTo,
                     String target, Boolean pass, boolean complete, Map<String, Object> details) {

    /** A figure without ceiling or target. */
    public static Result of(String scenario, String variant, double value, String unit, boolean complete,
                            Map<String, Object> details) {
        return new Result(scenario, variant, value, unit, null, null, null, null, complete,
            new LinkedHashMap<>(details));
    }

    /** This figure compared with {@code ceiling} (same unit), no target. */
    public Result against(Result ceiling) {
        Double r = ceiling == null || ceiling.value() <= 0 ? null : value / ceiling.value();
        return new Result(scenario, variant, value, unit, r,
            ceiling == null ? null : ceiling.scenario() + " " + ceiling.variant(), target, pass, complete, details);
    }

    /** With a target on the ratio: passes when the ratio is at least {@code minRatio} and every message arrived. */
    public Result targetRatio(double minRatio, String what) {
        boolean ok = complete && ratio != null && ratio >= minRatio;
        return new Result(scenario, variant, value, unit, ratio, ratioTo,
            String.format(java.util.Locale.ROOT, ">= %.2fx %s", minRatio, what), ok, complete, details);
    }

    /** With a target on the value: passes when the value is at most {@code max} and every message arrived. */
    public Result targetAtMost(double max, String description) {
        return new Result(scenario, variant, value, unit, ratio, ratioTo, description, complete && value <= max,
            complete, details);
    }

    /** With a verdict decided by the scenario (e.g. memory stayed bounded). */
    public Result verdict(String description, boolean ok) {
        return new Result(scenario, variant, value, unit, ratio, ratioTo, description, ok && complete, complete,
            details);
    }
}
