#!/usr/bin/env bash
# HTTPS: sinergi against nginx with the same ECDSA P-256 certificate, through the shared
# harness's tls_compare.sh (keep-alive requests/s and full handshakes/s), then 1,000 idle TLS
# connections held while wrk loads the server (RSS and whether they all still answer).
#
#   bench/tls.sh [ROUNDS]      (default 3)      Env: HARNESS as for bench/run.sh
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$here/..
rounds=${1:-3}
harness=${HARNESS:-$here/.harness}
if [[ ! -d $harness ]]; then
  cp -r "$root/../shared/bench" "$harness"
  chmod -R u+w "$harness"
fi
(cd "$root" && swift build -c release --product sinergi)
CUSTOM_CMD="$here/serve-for-harness.sh" CUSTOM_LABEL=sinergi "$harness/tls_compare.sh" "$rounds"

# Idle TLS connections, with the harness's certificate.
tls=$harness/data/tls
data=$(mktemp -d)
SINERGI_PORT=8443 SINERGI_DATABASE=$data/bench.db SINERGI_TLS_CERT=$tls/cert.pem SINERGI_TLS_KEY=$tls/key.pem \
  "$root/.build/release/sinergi" serve 2> "$data/server.log" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do
  curl -fsS -o /dev/null --cacert "$tls/cert.pem" https://127.0.0.1:8443/healthz 2>/dev/null && break
  sleep 0.1
done
python3 "$here/idle_connections.py" "$pid" 8443 1000 10 "$tls/cert.pem"
