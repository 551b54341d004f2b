package io.mqttbridge.core.ssl;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.List;

/**
 * An {@link SSLSocketFactory} that configures every socket it makes: only the enabled protocols, the endpoint
 * identification algorithm (host name verification) and TCP_NODELAY. Paho sets neither TCP_NODELAY nor, when the
 * socket factory is the caller's, always the endpoint identification, so both are enforced here.
 */
public final class TlsSocketFactory extends SSLSocketFactory {
    private final SSLSocketFactory delegate;
    private final String[] protocols;
    private final String endpointIdentificationAlgorithm;

    /**
     * @param endpointIdentificationAlgorithm {@code HTTPS} to verify the host name, or null not to
     */
    public TlsSocketFactory(SSLSocketFactory delegate, List<String> protocols, String endpointIdentificationAlgorithm) {
        this.delegate = delegate;
        this.protocols = protocols.toArray(new String[0]);
        this.endpointIdentificationAlgorithm = endpointIdentificationAlgorithm;
    }

    /** Whether sockets from this factory verify the server's host name. */
    public boolean verifiesHostname() {
        return endpointIdentificationAlgorithm != null;
    }

    private Socket configure(Socket socket) throws IOException {
        socket.setTcpNoDelay(true);
        if (socket instanceof SSLSocket ssl) {
            SSLParameters params = ssl.getSSLParameters();
            params.setProtocols(protocols);
            if (endpointIdentificationAlgorithm != null) {
                params.setEndpointIdentificationAlgorithm(endpointIdentificationAlgorithm);
            }
            ssl.setSSLParameters(params);
        }
        return socket;
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return delegate.getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket() throws IOException {
        return configure(delegate.createSocket());
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
        return configure(delegate.createSocket(s, host, port, autoClose));
    }

    @Override
    public Socket createSocket(Socket s, InputStream consumed, boolean autoClose) throws IOException {
        return configure(delegate.createSocket(s, consumed, autoClose));
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return configure(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return configure(delegate.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return configure(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return configure(delegate.createSocket(address, port, localAddress, localPort));
    }
}
