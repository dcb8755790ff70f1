#!/usr/bin/env bash
# Adapts the shared harness's server contract (PORT, DB_PATH) to sinergi: the harness's members
# database has another schema, so sinergi gets a fresh database of its own in a temp folder.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bin=${SINERGI_BIN:-$here/../.build/release/sinergi}
data=$(mktemp -d)
export SINERGI_PORT=${PORT:?PORT is required} SINERGI_DATABASE=$data/bench.db
# exec keeps the PID the harness measures and signals.
exec "$bin" serve --host 127.0.0.1
