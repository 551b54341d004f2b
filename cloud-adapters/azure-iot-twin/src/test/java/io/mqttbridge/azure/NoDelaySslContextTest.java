package io.mqttbridge.azure;

import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.net.Socket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NoDelaySslContextTest {

    @Test
    void socketsSetTcpNoDelayAndVerifyTheHostName() throws Exception {
        SSLContext delegate = SSLContext.getInstance("TLS");
        delegate.init(null, null, null);
        SSLContext context = NoDelaySslContext.wrap(delegate);
        try (Socket socket = context.getSocketFactory().createSocket()) {
            assertTrue(socket.getTcpNoDelay(), "Paho's sockets must not wait for Nagle's algorithm");
            SSLSocket ssl = (SSLSocket) socket;
            assertEquals("HTTPS", ssl.getSSLParameters().getEndpointIdentificationAlgorithm());
            assertArrayEquals(new String[] {"TLSv1.3", "TLSv1.2"}, ssl.getSSLParameters().getProtocols());
        }
        assertEquals(delegate.getProtocol(), context.getProtocol());
        assertThrows(IllegalStateException.class, () -> context.init(null, null, null));
    }
}
