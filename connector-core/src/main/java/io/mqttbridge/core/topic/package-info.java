/**
 * MQTT topic filters (with shared subscriptions and wildcard captures), topic name checks, {@code ${NAME}}
 * templates, and legal Kafka topic names. Pure logic, no I/O.
 */
package io.mqttbridge.core.topic;
