package io.mqttbridge.azure;

import io.mqttbridge.testkit.tls.TlsMaterial;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeviceCredentialsTest {
    private static final String KEY = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());

    private static IotHubSettings settings(AuthMode mode, String connectionStrings, String deviceKeys, String groupKey,
                                           String x509Location, String gateway) {
        return new IotHubSettings("hub.azure-devices.net", gateway, mode, connectionStrings, deviceKeys, groupKey,
            x509Location, "PKCS12", null, null, 3_600_000L, "", "PEM", null, 230_000L, 60_000L, 500L, 30_000L);
    }

    /** The example of the DPS documentation ("Derive a device key"). */
    @Test
    void derivesGroupKeysAsDpsDocuments() {
        assertEquals("Jsm0lyGpjaVYVP2g3FnmnmG9dI/9qU24wNoykUmermc=", DeviceCredentials.deriveKey(
            "8isrFI1sGsIlvvFSSFRiMfCNzv21fjbE/+ah/lSh3lF8e2YG1Te7w1KpZhJFFXJrqYKi9yegxkqIChbqOS9Egw==",
            "sn-007-888-abc-mac-a1-b2-c3-d4-e5-f6"));
    }

    @Test
    void buildsConnectionStringsPerModeWithTheGateway() {
        DeviceCredentials keys = new DeviceCredentials(settings(AuthMode.DEVICE_KEY, null, "d1=" + KEY, null, "",
            "127.0.0.9"));
        assertEquals("HostName=hub.azure-devices.net;DeviceId=d1;SharedAccessKey=" + KEY + ";GatewayHostName=127.0.0.9",
            keys.connection("d1").connectionString());
        assertTrue(assertThrows(DeviceCredentialsException.class, () -> keys.connection("d2")).getMessage()
            .contains("device 'd2' has no key in iothub.device.keys"));

        DeviceCredentials group = new DeviceCredentials(settings(AuthMode.GROUP_KEY, null, null, KEY, "", ""));
        assertEquals("HostName=hub.azure-devices.net;DeviceId=any-7;SharedAccessKey="
            + DeviceCredentials.deriveKey(KEY, "any-7"), group.connection("any-7").connectionString());
        assertTrue(assertThrows(DeviceCredentialsException.class, () -> group.connection("bad/id")).getMessage()
            .contains("not a valid IoT Hub device id"));
    }

    @Test
    void connectionStringsAreParsedPerDeviceAndTheirGatewayWins() {
        String token = "SharedAccessSignature sr=hub.azure-devices.net%2Fdevices%2Fd2&sig=abc%3D&se=1700000000";
        DeviceCredentials credentials = new DeviceCredentials(settings(AuthMode.CONNECTION_STRING,
            "HostName=hub.azure-devices.net;DeviceId=d1;SharedAccessKey=" + KEY + ", HostName=other.azure-devices.net;"
                + "DeviceId=d2;SharedAccessSignature=" + token + ";GatewayHostName=edge.local", null, null, "",
            "gw.local"));
        assertEquals("HostName=hub.azure-devices.net;DeviceId=d1;SharedAccessKey=" + KEY + ";GatewayHostName=gw.local",
            credentials.connection("d1").connectionString());
        assertEquals("HostName=other.azure-devices.net;DeviceId=d2;SharedAccessSignature=" + token
            + ";GatewayHostName=edge.local", credentials.connection("d2").connectionString());
    }

    @Test
    void malformedSecretsAreNamedWithoutTheirValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> DeviceCredentials.parseConnectionStrings("HostName=h.net;DeviceId=d1;SharedAccessKey=" + KEY
                + ";SharedAccessSignature=SharedAccessSignature sr=a&sig=b&se=1"));
        assertTrue(e.getMessage().contains("exactly one of SharedAccessKey or SharedAccessSignature"), e.getMessage());
        assertFalse(e.getMessage().contains(KEY));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DeviceCredentials.parseConnectionStrings(
            "HostName=nodot;DeviceId=d1;SharedAccessKey=" + KEY)).getMessage().contains("HostName with a dot"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DeviceCredentials.parseConnectionStrings(
            "HostName=h.net;DeviceId=d1;ModuleId=m;SharedAccessKey=" + KEY)).getMessage().contains("module"));
        e = assertThrows(IllegalArgumentException.class, () -> DeviceCredentials.parseDeviceKeys("d1=" + KEY
            + ",d2=not base64!"));
        assertEquals("the key of device 'd2' is not a base64 symmetric key", e.getMessage());
        assertEquals(Map.of("d1", KEY), DeviceCredentials.parseDeviceKeys(" d1 = " + KEY + " ,"));
        assertTrue(DeviceCredentials.keyProblem("c2hvcnQ=").startsWith("is too short"));
        assertNull(DeviceCredentials.keyProblem(KEY));
    }

    @Test
    void refusalsAreExplainedByMode() {
        long past = Instant.now().minusSeconds(60).getEpochSecond();
        DeviceCredentials expired = new DeviceCredentials(settings(AuthMode.CONNECTION_STRING,
            "HostName=hub.azure-devices.net;DeviceId=d1;SharedAccessSignature=SharedAccessSignature sr=x&sig=y&se="
                + past, null, null, "", ""));
        String why = expired.refusalExplanation("d1");
        assertTrue(why.contains("expired at " + Instant.ofEpochSecond(past)), why);
        assertFalse(why.contains("sig=y"));
        DeviceCredentials group = new DeviceCredentials(settings(AuthMode.GROUP_KEY, null, null, KEY, "", ""));
        assertTrue(group.refusalExplanation("d1").contains("derived from iothub.group.key"));
    }

    @Test
    void x509DevicesGetTheirOwnKeyStore(@TempDir Path dir) {
        TlsMaterial tls = TlsMaterial.generate(dir.resolve("tls"));
        Path store = tls.clientKeystore("PKCS12");
        String template = store.toString().replace("client-keystore", "${device.id}");
        IotHubSettings base = settings(AuthMode.X509, null, null, null, template, "");
        IotHubSettings withPassword = new IotHubSettings(base.hostName(), base.gatewayHostName(), base.authMode(), null,
            null, null, template, "PKCS12", tls.password().toCharArray(), null, 3_600_000L, "", "PEM", null,
            230_000L, 60_000L, 500L, 30_000L);
        DeviceCredentials credentials = new DeviceCredentials(withPassword);
        DeviceCredentials.DeviceConnection connection = credentials.connection("client-keystore");
        assertEquals("HostName=hub.azure-devices.net;DeviceId=client-keystore;x509=true",
            connection.connectionString());
        assertTrue(connection.sslContext() instanceof NoDelaySslContext);
        assertTrue(assertThrows(DeviceCredentialsException.class, () -> credentials.connection("other")).getMessage()
            .contains("has no readable key store at"));
    }
}
