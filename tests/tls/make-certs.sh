#!/usr/bin/env bash
# Makes the certificates the TLS tests use, in the directory given: two CAs,
# endpoint certificates signed by each, one with a passphrase-protected key,
# and a self-signed one. EC keys keep this fast.
set -euo pipefail
dir=$1
mkdir -p "$dir"
cd "$dir"

key() { openssl ecparam -name prime256v1 -genkey -noout -out "$1" 2>/dev/null; }

ca() { # name
  key "$1.key"
  openssl req -x509 -new -key "$1.key" -days 2 -subj "/CN=$1" \
    -out "$1.pem" 2>/dev/null
}

signed() { # name ca
  key "$1.key"
  openssl req -new -key "$1.key" -subj "/CN=$1" -out "$1.csr" 2>/dev/null
  openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" \
    -CAcreateserial -days 2 -out "$1.pem" 2>/dev/null
}

ca ca
ca other-ca
signed a ca
signed b ca
signed enc ca
signed stranger other-ca
openssl pkcs8 -topk8 -in enc.key -out enc-protected.key \
  -passout pass:12345 -v2 aes-256-cbc 2>/dev/null
key self.key
openssl req -x509 -new -key self.key -days 2 -subj "/CN=self" \
  -out self.pem 2>/dev/null
echo ok
