#!/usr/bin/env bash
# The contract check: docs/openapi.yaml against a running Sinergi.
#
#   .ci/contract.sh                  build, start the server on 127.0.0.1 (free port, temporary
#                                    SQLite database, or SINERGI_DATABASE when set, such as a
#                                    postgres:// URL), check it, stop it by its PID
#   API_KEY=snrg_… .ci/contract.sh BASE_URL
#                                    check a server you started yourself, with an admin key
#
# Installs pinned schemathesis and openapi-spec-validator from PyPI into .venv (not in git).
# Every schemathesis check runs; a finding fails the script. Knobs: MAX_EXAMPLES (default 40).
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
SPEC_VALIDATOR_VERSION=0.9.0
VENV=${VENV:-.venv}
MAX_EXAMPLES=${MAX_EXAMPLES:-40}

if ! "$VENV/bin/schemathesis" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION" \
   || [[ ! -x "$VENV/bin/openapi-spec-validator" ]]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet "schemathesis==$SCHEMATHESIS_VERSION" "openapi-spec-validator==$SPEC_VALIDATOR_VERSION"
fi

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid"
    wait "$server_pid" || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

if [[ -n "${1:-}" ]]; then
  base=${1%/}
else
  swift build --product sinergi >/dev/null
  bin=$(swift build --show-bin-path)/sinergi
  export SINERGI_DATABASE=${SINERGI_DATABASE:-$work/contract.db}
  export SINERGI_DATA_KEY=${SINERGI_DATA_KEY:-$(openssl rand -base64 32)}
  # The run needs many requests a second from one key; the limit itself is tested in Swift.
  export SINERGI_RATE_LIMIT=1000000 SINERGI_RATE_LIMIT_BURST=1000000
  API_KEY=$("$bin" keys create --role admin --name contract-check 2>/dev/null)
  SINERGI_PORT=0 "$bin" serve --host 127.0.0.1 2> "$work/server.log" &
  server_pid=$!
  port=""
  for _ in $(seq 1 100); do
    port=$(grep -o '"port":[0-9]*' "$work/server.log" 2>/dev/null | head -1 | cut -d: -f2 || true)
    [[ -n "$port" ]] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
    sleep 0.1
  done
  [[ -n "$port" ]] || { echo "server did not report its port" >&2; cat "$work/server.log" >&2; exit 1; }
  base=http://127.0.0.1:$port
fi

curl -fsS "$base/openapi.json" -o "$work/openapi.json"
"$VENV/bin/openapi-spec-validator" "$work/openapi.json"

# DELETE /v1/api-keys/{id} is left out: it would revoke the key this run authenticates with,
# and every later request would get 401. Its behaviour is covered by the Swift tests.
"$VENV/bin/schemathesis" --config-file .ci/schemathesis.toml run "$base/openapi.json" \
  --url "$base" \
  --header "Authorization: Bearer ${API_KEY:?set API_KEY to an admin key when checking your own server}" \
  --exclude-operation-id revokeAPIKey \
  --checks all \
  --max-examples "$MAX_EXAMPLES" \
  --seed 20261125 \
  --no-color
