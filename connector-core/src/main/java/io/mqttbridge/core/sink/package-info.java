/** Building blocks of sink tasks: record templates and the offsets a task may commit. */
package io.mqttbridge.core.sink;
