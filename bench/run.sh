#!/usr/bin/env bash
# Benchmarks sinergi against the peers of ../shared/bench in one run: servers one after another
# in each round, rounds interleaved, each server on a fresh copy of its database.
#
#   bench/run.sh [ROUNDS]        (default 3)
#
# Env: HARNESS=dir     a writable copy of ../shared/bench with its peers built (made and built
#                      here when missing: 5-10 minutes)
#      PEERS           default "nginx hb-grdb vapor-sqlite"
#      SCENARIOS       default "healthz get post" (the harness's three; nginx runs healthz only)
#      MEMBERS         default 1000000: sinergi's database, built once by `sinergi seed`
#                      (through the project's own repository: sealed NIKs, blind indexes)
#      BASELINE_BIN    a release `sinergi` of an earlier commit: it runs as "sinergi-before" next to
#                      sinergi in each round (first in odd rounds, second in even ones), on a copy
#                      of the same database (which it seeds). It
#                      reads this checkout's migrations, spec and regions (the working directory
#                      comes first), so only its code differs; run from the repository's root.
#                      Its settings file is its own checkout's (BASELINE_CONFIG), as new settings
#                      are unknown to it
#      EXPORT          default 1: after each sinergi round, export every member as CSV
#                      (Accept: text/csv) and record the time, the bytes and the server's peak RSS
#      plus what the harness's run_http_bench.sh reads (DURATION, WARMUP, CONN_*, ...)
#
# The peers serve the harness's schema with `Bearer bench-token`; sinergi serves its own API,
# so it gets a real officer key (full NIKs decrypted, every read audited) and, for POST, the
# same load with bodies of its contract (bench/wrk/post_member.lua). GET is the harness's
# script unchanged: a random id in 1..MEMBERS.
#
# Also times POST /v1/members/validate with 10,000 real NIKs (bench/validate.py) in each round.
# Prints the table; copy it into bench/RESULTS.md with the date and the ratios.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
rounds=${1:-3}
harness=${HARNESS:-$here/.harness}
peers=${PEERS-"nginx hb-grdb vapor-sqlite"}
baseline=${BASELINE_BIN:-}
baseline_config=${BASELINE_CONFIG:-${baseline:+$(cd "$(dirname "$baseline")/../.." && pwd)/config/sinergi.json}}
export_csv=${EXPORT:-1}
scenarios=${SCENARIOS:-"healthz get post"}
members=${MEMBERS:-1000000}
data=$here/data
out=$data/results/$(date +%Y%m%d-%H%M%S)
mkdir -p "$data/run" "$out"

command -v wrk >/dev/null && command -v nginx >/dev/null || apt-get install -y -qq wrk nginx
if [[ ! -d $harness ]]; then
  cp -r "$root/../shared/bench" "$harness"
  chmod -R u+w "$harness"
fi
for peer in $peers; do
  [[ $peer == nginx ]] && continue
  if [[ ! -d $harness/peers/$peer/.build/release ]]; then
    (cd "$harness/peers/$peer" && swift build -c release)
  fi
done
[[ -z $peers || -f $harness/data/members.db ]] || python3 "$harness/gen_members_db.py" "$members" "$harness/data/members.db"
mkdir -p "$harness/data/run" "$harness/nginx/logs" "$harness/nginx/tmp"
(cd "$root" && swift build -c release --product sinergi)
bin=$root/.build/release/sinergi

# sinergi's database: built once per size and data key, kept in bench/data (not in git).
db=$data/sinergi-$members${baseline:+-baseline}.db
key_file=$data/officer-$members${baseline:+-baseline}.key
seeder=${baseline:-$bin}
export SINERGI_DATA_KEY
[[ -f $data/data.key ]] || head -c 32 /dev/urandom | base64 > "$data/data.key"
SINERGI_DATA_KEY=$(cat "$data/data.key")
if [[ ! -f $db || ! -f $key_file ]]; then
  rm -f "$db" "$db-wal" "$db-shm"
  SINERGI_DATABASE=$db "$seeder" seed --members "$members" 2>> "$out/seed.log"
  SINERGI_DATABASE=$db "$seeder" keys create --role officer --name bench 2>> "$out/seed.log" > "$key_file"
fi

# run_http_bench.sh with sinergi's POST script in place of the harness's.
overlay=$data/harness-overlay
"$here/harness-overlay.sh" "$harness" "$overlay"

tsv=$out/results.tsv
: > "$tsv"
pid=""
stop() {
  [[ -n $pid ]] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pid=""
}
trap stop EXIT INT TERM

for round in $(seq 1 "$rounds"); do
  # The two builds swap places every round: this machine's speed drifts during a run (seen
  # here: 15 % slower from one round to the next), and a fixed order would give the drift to
  # whichever runs second.
  order="${baseline:+sinergi-before} sinergi"
  (( round % 2 == 0 )) && order="sinergi ${baseline:+sinergi-before}"
  for server in $peers $order; do
    runner=$harness/run_http_bench.sh
    token=bench-token
    server_scenarios=$scenarios
    case $server in
      nginx)
        port=8090; server_scenarios=healthz
        nginx -p "$harness/nginx" -c nginx.conf -e logs/error.log >> "$out/nginx.log" 2>&1 &
        ;;
      hb-grdb|vapor-sqlite)
        port=$([[ $server == hb-grdb ]] && echo 8081 || echo 8083)
        rundb=$harness/data/run/$server.db
        rm -f "$rundb" "$rundb-wal" "$rundb-shm"; cp "$harness/data/members.db" "$rundb"; cat "$rundb" > /dev/null
        bin_peer=$([[ $server == hb-grdb ]] && echo "$harness/peers/hb-grdb/.build/release/HBGRDB" || echo "$harness/peers/vapor-sqlite/.build/release/VaporSQLite")
        PORT=$port DB_PATH=$rundb "$bin_peer" >> "$out/$server.log" 2>&1 &
        ;;
      sinergi|sinergi-before)
        port=8080; runner=$overlay/run_http_bench.sh; token=$(cat "$key_file")
        rundb=$data/run/sinergi.db
        rm -f "$rundb" "$rundb-wal" "$rundb-shm"; cp "$db" "$rundb"; cat "$rundb" > /dev/null
        server_bin=$bin config=$root/config/sinergi.json
        [[ $server == sinergi-before ]] && server_bin=$baseline config=$baseline_config
        # One key drives the whole load; its rate limit would otherwise be what is measured.
        SINERGI_CONFIG=$config SINERGI_PORT=$port SINERGI_DATABASE=$rundb SINERGI_RATE_LIMIT=1000000 \
          SINERGI_RATE_LIMIT_BURST=1000000 "$server_bin" serve --host 127.0.0.1 >> "$out/$server.log" 2>&1 &
        ;;
    esac
    pid=$!
    for _ in $(seq 1 150); do
      curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$port/healthz" 2>/dev/null && break
      sleep 0.2
    done
    echo "# round $round: $server (pid $pid)"
    SERVER_PID=$pid SCENARIOS=$server_scenarios RESULTS_TSV=$tsv RAW_DIR=$out/raw BENCH_TOKEN=$token \
      MEMBER_MAX_ID=$members "$runner" "http://127.0.0.1:$port" "$server" || echo "bench failed for $server" >&2
    if [[ $server == sinergi* ]]; then
      echo "# $server" >> "$out/validate.txt"
      python3 "$here/validate.py" "http://127.0.0.1:$port" "$token" 3 | tee -a "$out/validate.txt"
    fi
    if [[ $server == sinergi && $export_csv == 1 ]]; then
      # Every member (POST added some) as CSV, then the server's peak RSS over its whole run.
      curl -sS -H "Authorization: Bearer $token" -H 'Accept: text/csv' -o "$data/run/members.csv" \
        -w "round $round: %{size_download} bytes in %{time_total} s, " "http://127.0.0.1:$port/v1/members" >> "$out/export.txt"
      rows=$(($(wc -l < "$data/run/members.csv") - 1))
      echo "$rows rows, server peak RSS $(awk '/VmHWM/ {printf "%.1f MiB", $2 / 1024}' "/proc/$pid/status")" >> "$out/export.txt"
      rm -f "$data/run/members.csv"
    fi
    stop
  done
done

python3 "$here/summary.py" "$tsv" > "$out/summary.md"
cat "$out/summary.md"
echo
cat "$out/validate.txt"
[[ -f $out/export.txt ]] && { echo; echo "CSV export of every member:"; cat "$out/export.txt"; }
echo "results: $out"
