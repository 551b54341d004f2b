/** Task metrics exported through Connect's plugin metrics. */
package io.mqttbridge.core.metrics;
