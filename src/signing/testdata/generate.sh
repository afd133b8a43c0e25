#!/usr/bin/env bash
# Regenerates the test keys and certificates in this folder (test material only, never real keys).
# Needs openssl 3. Run from anywhere: bash src/signing/testdata/generate.sh
# Certificates are valid for 100 years from the day they were made, except expired-int-ca.pem,
# which expired in 2001 on purpose.
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
days=36500

ec() { openssl genpkey -algorithm EC -pkeyopt "ec_paramgen_curve:$1" -out "$2" 2>/dev/null; openssl pkey -in "$2" -pubout -out "${2%.pem}.pub.pem"; }
ec P-256 p256.pem
ec P-384 p384.pem
ec P-521 p521.pem
ec P-256 other-p256.pem
ec secp256k1 k256.pem
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.pem 2>/dev/null
openssl pkey -in rsa.pem -pubout -out rsa.pub.pem

cat > "$tmp/ext.cnf" <<'CNF'
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[leaf_eku]
basicConstraints = critical, CA:FALSE
keyUsage = critical, keyAgreement
extendedKeyUsage = codeSigning
authorityKeyIdentifier = keyid
[leaf_nosign]
basicConstraints = critical, CA:FALSE
keyUsage = critical, keyAgreement
extendedKeyUsage = serverAuth
authorityKeyIdentifier = keyid
[notca]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyCertSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF

# name key issuer-cert issuer-key section
issue() {
  openssl req -new -key "$2" -subj "/CN=$1" -out "$tmp/$1.csr"
  openssl x509 -req -in "$tmp/$1.csr" -CA "$3" -CAkey "$4" -CAcreateserial -days $days -extfile "$tmp/ext.cnf" -extensions "$5" -out "$1.pem" 2>/dev/null
}

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out root-ca.key 2>/dev/null
openssl req -new -x509 -key root-ca.key -subj "/CN=modelvet test root CA" -days $days -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -addext "subjectKeyIdentifier=hash" -out root-ca.pem 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out int-ca.key 2>/dev/null
issue "modelvet test intermediate CA" int-ca.key root-ca.pem root-ca.key ca && mv "modelvet test intermediate CA.pem" int-ca.pem
issue "model signer" p256.pem int-ca.pem int-ca.key leaf && mv "model signer.pem" signer.pem
issue "model signer eku" p384.pem int-ca.pem int-ca.key leaf_eku && mv "model signer eku.pem" signer-eku.pem
issue "not a signer" p256.pem int-ca.pem int-ca.key leaf_nosign && mv "not a signer.pem" signer-nosign.pem
issue "not a CA" other-p256.pem int-ca.pem int-ca.key notca && mv "not a CA.pem" notca.pem
issue "model signer under non-CA" p521.pem notca.pem other-p256.pem leaf && mv "model signer under non-CA.pem" signer-under-notca.pem

# An untrusted root of the same name shape.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out other-root-ca.key 2>/dev/null
openssl req -new -x509 -key other-root-ca.key -subj "/CN=modelvet other root CA" -days $days -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" -out other-root-ca.pem 2>/dev/null

# An intermediate that expired in 2001, and a signer it issued today: invalid at signing time.
mkdir -p "$tmp/ca/newcerts" && : > "$tmp/ca/index.txt" && echo 1000 > "$tmp/ca/serial"
cat > "$tmp/ca.cnf" <<CNF
[ca]
default_ca = test
[test]
dir = $tmp/ca
database = \$dir/index.txt
new_certs_dir = \$dir/newcerts
serial = \$dir/serial
default_md = sha256
policy = any
copy_extensions = none
[any]
commonName = supplied
CNF
openssl req -new -key int-ca.key -subj "/CN=modelvet expired intermediate CA" -out "$tmp/expired.csr"
openssl ca -batch -notext -config "$tmp/ca.cnf" -cert root-ca.pem -keyfile root-ca.key -startdate 20000101000000Z -enddate 20010101000000Z -extfile "$tmp/ext.cnf" -extensions ca -in "$tmp/expired.csr" -out expired-int-ca.pem 2>/dev/null
issue "signer under expired CA" p256.pem expired-int-ca.pem int-ca.key leaf && mv "signer under expired CA.pem" signer-under-expired.pem

rm -f ./*.srl
echo "generated in $(pwd)"
