package io.mqttbridge.azure;

import io.mqttbridge.core.sink.RecordTemplate;
import io.mqttbridge.core.sink.RecordTemplateException;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * The {@code iothub.device.id} template, rendered per record into a device id. Variables: {@code kafka.topic},
 * {@code kafka.partition}, {@code key}, {@code key.PATH}, {@code header.NAME} and {@code value.PATH}, where PATH is a
 * dot-separated field path into a {@code Struct} or {@code Map}. Immutable and thread-safe.
 */
public final class DeviceIdTemplate {
    private final RecordTemplate template;

    private DeviceIdTemplate(RecordTemplate template) {
        this.template = template;
    }

    /**
     * Parses and checks a template: syntax, known variables, and for a template without variables that it is a
     * valid device id.
     *
     * @throws IllegalArgumentException naming the problem
     */
    public static DeviceIdTemplate parse(String text) {
        RecordTemplate template = RecordTemplate.parse(text);
        if (template.isConstant()) {
            String problem = DeviceCredentials.deviceIdProblem(template.constantText());
            if (problem != null) {
                throw new IllegalArgumentException("the template is not a valid device id: " + problem);
            }
        }
        return new DeviceIdTemplate(template);
    }

    /**
     * The device id of a record.
     *
     * @throws UndeliverableRecordException if a variable has no usable value for this record or the result is not a
     *     valid device id
     */
    public String render(SinkRecord record) throws UndeliverableRecordException {
        String deviceId;
        try {
            deviceId = template.render(record);
        } catch (RecordTemplateException e) {
            throw new UndeliverableRecordException("iothub.device.id " + e.getMessage());
        }
        String problem = DeviceCredentials.deviceIdProblem(deviceId);
        if (problem != null) {
            throw new UndeliverableRecordException("iothub.device.id template '" + template.template()
                + "' gave '" + DeviceCredentials.printable(deviceId) + "', not a valid device id: " + problem);
        }
        return deviceId;
    }

    /** The template text as configured. */
    public String template() {
        return template.template();
    }

    @Override
    public String toString() {
        return template.template();
    }
}
