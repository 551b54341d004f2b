package io.mqttbridge.azure;

import io.mqttbridge.core.ssl.TlsSocketFactory;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import java.security.SecureRandom;
import java.util.List;

/**
 * An initialised {@link SSLContext} whose client sockets set TCP_NODELAY, offer only TLS 1.2 and 1.3 and verify the
 * host name. The device SDK takes an {@code SSLContext} (not a socket factory) and hands Paho its
 * {@code getSocketFactory()}; Paho leaves Nagle's algorithm on, which costs about 40 ms per twin round trip.
 */
final class NoDelaySslContext extends SSLContext {

    private NoDelaySslContext(SSLContext delegate, SSLSocketFactory factory) {
        super(new Spi(delegate, factory), delegate.getProvider(), delegate.getProtocol());
    }

    /** Wraps an initialised context. */
    static SSLContext wrap(SSLContext delegate) {
        return new NoDelaySslContext(delegate, new TlsSocketFactory(delegate.getSocketFactory(),
            List.of("TLSv1.3", "TLSv1.2"), "HTTPS"));
    }

    private static final class Spi extends SSLContextSpi {
        private final SSLContext delegate;
        private final SSLSocketFactory factory;

        Spi(SSLContext delegate, SSLSocketFactory factory) {
            this.delegate = delegate;
            this.factory = factory;
        }

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) {
            throw new IllegalStateException("This SSLContext is initialised already");
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return factory;
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return delegate.getServerSocketFactory();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            return delegate.createSSLEngine();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            return delegate.createSSLEngine(host, port);
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return delegate.getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return delegate.getClientSessionContext();
        }

        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            return delegate.getDefaultSSLParameters();
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            return delegate.getSupportedSSLParameters();
        }
    }
}
