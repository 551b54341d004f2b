#!/usr/bin/env bash
# Makes demo TLS material in config/tls: a CA, a server certificate for the compose services and localhost, and a
# client certificate for the connectors (mutual TLS). Demo material only: never use these keys in production.
# Usage: config/make-tls.sh [output directory, default config/tls]
set -euo pipefail
dir="${1:-$(cd "$(dirname "$0")" && pwd)/tls}"
mkdir -p "$dir"
cd "$dir"
days=825
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca-key.pem -out ca-cert.pem -days "$days" \
  -subj "/CN=mqtt-cloud-bridge demo CA"
openssl req -newkey rsa:2048 -nodes -keyout server-key.pem -out server.csr -subj "/CN=localhost"
printf 'subjectAltName=DNS:localhost,DNS:mosquitto,DNS:aws-iot-emulator,DNS:azure-iot-hub.local,IP:127.0.0.1\n' \
  > server.ext
openssl x509 -req -in server.csr -CA ca-cert.pem -CAkey ca-key.pem -CAcreateserial -out server-cert.pem \
  -days "$days" -extfile server.ext
openssl req -newkey rsa:2048 -nodes -keyout client-key.pem -out client.csr -subj "/CN=mqtt-cloud-bridge"
openssl x509 -req -in client.csr -CA ca-cert.pem -CAkey ca-key.pem -CAcreateserial -out client-cert.pem \
  -days "$days"
# The MQTT connectors take a PEM key store as one file: certificate chain, then key (mqtt.ssl.keystore.type=PEM).
cat client-cert.pem client-key.pem > client-keystore.pem
rm -f server.csr client.csr server.ext ca-cert.srl
chmod 644 ./*.pem
echo "TLS material in $dir"
