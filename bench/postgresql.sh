#!/usr/bin/env bash
# GET and POST /v1/members on MEMBERS members, in one run: sinergi on PostgreSQL, the same build
# on SQLite, and pgbench running the statements sinergi sends PostgreSQL for each request over
# the same number of connections (the engine's own ceiling). Engines alternate every round.
#
#   bench/postgresql.sh [ROUNDS]    (default 3)
#
# Env: MEMBERS   default 1000000; both databases are seeded once by `sinergi seed` and kept in
#                bench/data (the PostgreSQL cluster too, in bench/data/pg-MEMBERS, owned by
#                `postgres` when run as root)
#      POOL      default 16: database_pool_size, and pgbench's connections (-c)
#      PG_SYNC   default off: the cluster's synchronous_commit. SQLite runs synchronous=NORMAL
#                in WAL mode, which makes the same promise (a crash of the process loses no
#                commit; a crash of the machine may lose the last few, never corrupts)
#      plus what ../shared/bench/run_http_bench.sh reads (DURATION, WARMUP, CONN_GET, CONN_POST)
#
# The statements pgbench runs (bench/pgbench/*.sql) are those PostgreSQL logged for one GET and
# one POST (log_statement=all), with random ids and unique NIKs. Prints the table; copy it into
# bench/RESULTS.md with the date and the ratios.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
rounds=${1:-3}
members=${MEMBERS:-1000000}
pool=${POOL:-16}
sync=${PG_SYNC:-off}
scenarios=${SCENARIOS:-"get post"}
harness=$root/../shared/bench
data=$here/data
out=$data/results/pg-$(date +%Y%m%d-%H%M%S)
mkdir -p "$data/run" "$out"
command -v wrk >/dev/null || apt-get install -y -qq wrk

bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_owner=()
owner=$(id -un)
if [[ $(id -u) == 0 ]]; then owner=postgres; as_owner=(runuser -u postgres --); fi
cluster=$data/pg-$members
if [[ ! -d $cluster/data ]]; then
  mkdir -p "$cluster"
  chown "$owner" "$cluster"
  "${as_owner[@]}" "$bindir/initdb" -D "$cluster/data" --auth=trust --username="$owner" --encoding=UTF8 --locale=C.UTF-8 > "$out/initdb.log"
fi
# A production-like cluster (fsync on), listening on its own socket only; shared_buffers holds
# the whole database, as SQLite's page cache and the OS cache hold SQLite's.
"${as_owner[@]}" "$bindir/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -w \
  -o "-c listen_addresses='' -c unix_socket_directories='$cluster' -c shared_buffers=2GB -c synchronous_commit=$sync -c max_connections=200" \
  start > /dev/null
pid=""
stop() {
  if [[ -n $pid ]]; then
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    pid=""
  fi
}
finish() {
  stop
  "${as_owner[@]}" "$bindir/pg_ctl" -D "$cluster/data" -m fast stop > /dev/null 2>&1 || true
}
trap finish EXIT INT TERM
psql=("${as_owner[@]}" "$bindir/psql" -h "$cluster" -U "$owner" -q -X)
"${psql[@]}" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'sinergi'" | grep -q 1 \
  || "${as_owner[@]}" "$bindir/createdb" -h "$cluster" -U "$owner" sinergi
url="postgresql:///sinergi?host=$cluster&user=$owner"
# Each round runs on a fresh copy of the seeded database, as SQLite's rounds do on a copy of
# its file (registrations of earlier rounds would collide with later ones'), read into
# shared_buffers before it is measured.
run_url="postgresql:///sinergi_run?host=$cluster&user=$owner"
fresh_copy() {
  "${as_owner[@]}" "$bindir/dropdb" -h "$cluster" -U "$owner" --if-exists sinergi_run
  "${as_owner[@]}" "$bindir/createdb" -h "$cluster" -U "$owner" -T sinergi sinergi_run
  "${psql[@]}" -d sinergi_run -c "CREATE EXTENSION IF NOT EXISTS pg_prewarm" \
    -c "SELECT sum(pg_prewarm(oid)) FROM pg_class WHERE relkind IN ('r', 'i') AND relnamespace = 'public'::regnamespace" > /dev/null
}

(cd "$root" && swift build -c release --product sinergi)
bin=$root/.build/release/sinergi
[[ -f $data/data.key ]] || head -c 32 /dev/urandom | base64 > "$data/data.key"
export SINERGI_DATA_KEY=$(cat "$data/data.key")
export SINERGI_CONFIG=$root/config/sinergi.json

# The two databases, seeded once by this build's `sinergi seed` (the same rows: same seed).
sqlite_db=$data/sinergi-$members.db
sqlite_key=$data/officer-$members.key
pg_key=$cluster/officer.key
if [[ ! -f $sqlite_db || ! -f $sqlite_key ]]; then
  rm -f "$sqlite_db" "$sqlite_db-wal" "$sqlite_db-shm"
  SINERGI_DATABASE=$sqlite_db "$bin" seed --members "$members" 2>> "$out/seed.log"
  SINERGI_DATABASE=$sqlite_db "$bin" keys create --role officer --name bench 2>> "$out/seed.log" > "$sqlite_key"
fi
if [[ ! -f $pg_key ]]; then
  SINERGI_DATABASE=$url "$bin" seed --members "$members" 2>> "$out/seed.log"
  SINERGI_DATABASE=$url "$bin" keys create --role officer --name bench 2>> "$out/seed.log" > "$pg_key.tmp"
  mv "$pg_key.tmp" "$pg_key"
fi
echo "seeded: $members members on each engine"

# run_http_bench.sh with sinergi's POST script in place of the harness's (as bench/run.sh does).
overlay=$data/harness-overlay
"$here/harness-overlay.sh" "$harness" "$overlay"

# post.sql with four registrations to a transaction, each in a savepoint, as SQLite's group
# commit batches them (up to four): what grouping commits would give on PostgreSQL at best.
# pgbench counts a run of the script as one transaction: registrations/s is four times its tps.
python3 - "$here/pgbench/post.sql" > "$out/post4.sql" <<'PY'
import sys
text = open(sys.argv[1]).read()
head, rest = text.split("BEGIN;\n")
body = rest.split("COMMIT;\n")[0]
key = head[head.index("SELECT id, key_id"):]
print("".join(f"\\set family{n} random(1000000000000000, 9999999999999999)\n" for n in range(1, 5)) + key * 4, end="")
print("BEGIN;")
for n in range(1, 5):
    print("SAVEPOINT registration;\n" + body.replace(":family", f":family{n}") + "RELEASE SAVEPOINT registration;")
print("COMMIT;")
PY

tsv=$out/results.tsv
: > "$tsv"
key_id=$(cut -d_ -f2 "$pg_key")
api_key_id=$("${psql[@]}" -d sinergi -tAc "SELECT id FROM api_keys WHERE key_id = '$key_id'")

# One pgbench scenario as a line of the results table: tps (x per_run), and p50/p99 of its
# transactions' latencies from the per-transaction log.
pgbench_line() {
  local label=$1 scenario=$2 script=$3 per_run=$4
  local logs=$out/pgbench-logs/$label-$scenario-$round
  mkdir -p "$logs"; chown "$owner" "$logs"
  "${as_owner[@]}" "$bindir/pgbench" -h "$cluster" -U "$owner" -n -M prepared -c "$pool" -j 2 -T "${WARMUP_SECONDS:-2}" \
    -D members="$members" -D keyid="$key_id" -D apikeyid="$api_key_id" -f "$script" sinergi_run > /dev/null 2>&1
  local result
  result=$(cd "$logs" && "${as_owner[@]}" "$bindir/pgbench" -h "$cluster" -U "$owner" -n -M prepared -c "$pool" -j 2 \
    -T "${DURATION_SECONDS:-10}" -l -D members="$members" -D keyid="$key_id" -D apikeyid="$api_key_id" \
    -f "$script" sinergi_run 2>&1)
  echo "$result" > "$logs/summary.txt"
  local tps
  tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' <<< "$result")
  # Each log line: client, transaction, latency (µs), script, epoch, µs.
  read -r p50 p99 < <(cat "$logs"/pgbench_log.* | awk '{print $3}' | sort -n | awk '{a[NR]=$1} END {printf "%.2f %.2f\n", a[int(NR*0.5)]/1000, a[int(NR*0.99)]/1000}')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t0\t0\t-\n' "$(date -Is)" "$label" "$scenario" "$pool" \
    "$(awk -v t="$tps" -v n="$per_run" 'BEGIN {printf "%.1f", t * n}')" "$p50" "$p99" >> "$tsv"
  echo "$label $scenario: $(awk -v t="$tps" -v n="$per_run" 'BEGIN {printf "%.0f", t * n}')/s p50 $p50 ms p99 $p99 ms"
}

serve() {  # serve DATABASE: sinergi on port 8080, its PID in $pid
  SINERGI_PORT=8080 SINERGI_DATABASE=$1 SINERGI_DATABASE_POOL_SIZE=$pool SINERGI_RATE_LIMIT=1000000 \
    SINERGI_RATE_LIMIT_BURST=1000000 "$bin" serve --host 127.0.0.1 >> "$out/sinergi.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 150); do
    curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:8080/healthz" 2>/dev/null && return 0
    sleep 0.2
  done
  echo "sinergi did not start on $1" >&2
  return 1
}

for round in $(seq 1 "$rounds"); do
  order="postgresql sqlite pgbench"
  (( round % 2 == 0 )) && order="pgbench sqlite postgresql"
  for engine in $order; do
    echo "# round $round: $engine"
    case $engine in
      postgresql|sqlite)
        if [[ $engine == postgresql ]]; then
          fresh_copy
          serve "$run_url"; token=$(cat "$pg_key")
        else
          rundb=$data/run/sinergi.db
          rm -f "$rundb" "$rundb-wal" "$rundb-shm"; cp "$sqlite_db" "$rundb"; cat "$rundb" > /dev/null
          serve "$rundb"; token=$(cat "$sqlite_key")
        fi
        SERVER_PID=$pid SCENARIOS=$scenarios RESULTS_TSV=$tsv RAW_DIR=$out/raw BENCH_TOKEN=$token MEMBER_MAX_ID=$members \
          "$overlay/run_http_bench.sh" "http://127.0.0.1:8080" "sinergi-$engine" || echo "bench failed for $engine" >&2
        stop
        ;;
      pgbench)
        fresh_copy
        [[ $scenarios == *get* ]] && pgbench_line pgbench get "$here/pgbench/get.sql" 1
        [[ $scenarios == *post* ]] && pgbench_line pgbench post "$here/pgbench/post.sql" 1
        [[ $scenarios == *post* ]] && pgbench_line pgbench-grouped-4 post "$out/post4.sql" 4
        ;;
    esac
  done
done

python3 "$here/summary.py" "$tsv" > "$out/summary.md"
cat "$out/summary.md"
echo "results: $out (PostgreSQL $("$bindir/postgres" --version | awk '{print $3}'), synchronous_commit=$sync, pool $pool)"
