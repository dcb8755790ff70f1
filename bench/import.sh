#!/usr/bin/env bash
# Bulk import (POST /v1/imports) of ROWS members from one CSV, in one run, on each engine:
#   - the engine's own ceiling: `sqlite3 .import` into a fresh file, and `psql \copy` into a
#     fresh database, of the same CSV into a table of its columns with a unique index on nik;
#   - sinergi on a fresh database of that engine: the upload (curl --data-binary), then the
#     background job, polled every 0.2 s until it is done or failed. Import rows/s is ROWS over
#     the time from just before the POST to the first poll that sees the job ended.
#   - while the job runs, wrk reads one member (GET /v1/members/{id}, officer key: NIK decrypted,
#     read audited) over 4 connections: p99 and requests/s during the import. The server's peak
#     RSS (VmHWM) is read just before it is stopped.
#
#   bench/import.sh
#
# Env: ROWS      default 1000000: the CSV, written once by bench/import_csv.py and kept as
#                bench/data/import-ROWS.csv (1,000,000 rows ≈ 105 MB, ~17 s to write)
#      SINERGI   the binary, default .build/release/sinergi (not built here)
#      SKIP_PG   1: SQLite only. Otherwise PostgreSQL runs too when its binaries are in
#                /usr/lib/postgresql/*/bin, on a throw-away cluster (owned by `postgres` when
#                run as root; fsync on, synchronous_commit=off, shared_buffers=1GB) listening on
#                its own socket only
#      TMPDIR    where the fresh databases and the cluster go (removed at the end); must be
#                traversable by `postgres` when run as root
#
# Only 127.0.0.1 is sent traffic. Raw outputs (logs, wrk's summaries, the jobs' JSON, each poll)
# go to bench/data/results/import-<timestamp>/; prints the table (also in summary.md there).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
rows=${ROWS:-1000000}
bin=${SINERGI:-$root/.build/release/sinergi}
skip_pg=${SKIP_PG:-0}
wrk_conn=4
import_timeout=3600   # seconds a job may take before the run gives up on it
data=$here/data
out=$data/results/import-$(date +%Y%m%d-%H%M%S)
mkdir -p "$out"
[[ -x $bin ]] || { echo "no sinergi binary at $bin (build it, or set SINERGI)" >&2; exit 1; }
for tool in wrk sqlite3 curl jq python3 openssl; do
  command -v "$tool" >/dev/null || { echo "$tool is missing" >&2; exit 1; }
done
cd "$root"   # sinergi finds migrations/, docs/openapi.yaml and config/sinergi.json from here

work=$(mktemp -d "${TMPDIR:-/tmp}/sinergi-import.XXXXXX")
server_pid="" log_pid="" wrk_pid=""
pg_cluster="" bindir="" as_owner=() owner=$(id -un)

stop_wrk() {
  if [[ -n $wrk_pid ]]; then
    kill -INT "$wrk_pid" 2>/dev/null || true   # wrk prints its summary on SIGINT
    wait "$wrk_pid" 2>/dev/null || true
    wrk_pid=""
  fi
}
stop_server() {
  if [[ -n $server_pid ]]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
  if [[ -n $log_pid ]]; then   # the log filter ends at the server's EOF; stopped if it did not
    kill -TERM "$log_pid" 2>/dev/null || true
    wait "$log_pid" 2>/dev/null || true
    log_pid=""
  fi
}
finish() {
  stop_wrk
  stop_server
  if [[ -n $pg_cluster ]]; then
    "${as_owner[@]}" "$bindir/pg_ctl" -D "$pg_cluster/data" -m fast stop > /dev/null 2>&1 || true
  fi
  rm -rf "$work" ${pg_cluster:+"$pg_cluster"}
}
trap finish EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", b - a}'; }
per_second() { awk -v n="$1" -v s="$2" 'BEGIN {printf "%.0f", n / s}'; }

# The CSV, once per size.
csv=$data/import-$rows.csv
if [[ ! -f $csv ]]; then
  echo "writing $csv"
  python3 "$here/import_csv.py" "$rows" "$csv.tmp"
  mv "$csv.tmp" "$csv"
fi
cat "$csv" > /dev/null   # in the page cache for every reader alike
lines=$(($(wc -l < "$csv") - 1))
[[ $lines == "$rows" ]] || { echo "$csv holds $lines rows, not $rows" >&2; exit 1; }

# The member the GET probe reads: a NIK (district 01, 10 Oct 1981, male) that is not in the file.
probe_nik=""
for serial in 9999 9998 9997 9996 9995 9994 9993 9992 9991 9990; do
  candidate=357301101081$serial
  if ! grep -q "^$candidate," "$csv"; then probe_nik=$candidate; break; fi
done
[[ -n $probe_nik ]] || { echo "no probe NIK free of $csv" >&2; exit 1; }

export SINERGI_DATA_KEY
SINERGI_DATA_KEY=$(openssl rand -base64 32)
export SINERGI_RATE_LIMIT=1000000 SINERGI_RATE_LIMIT_BURST=1000000
tsv=$out/results.tsv
printf 'engine\tceiling_rows_s\tsinergi_rows_s\tratio\tpeak_rss_mib\tget_p99_ms\tget_rps\tceiling_s\timport_s\tupload_s\tjob_s\taccepted\trejected\tduplicates\twarnings\tstatus\tget_non2xx\n' > "$tsv"

# serve LABEL DATABASE: sinergi on a free port of 127.0.0.1 ($port), its PID in $server_pid.
# Its log (info, for the "listening" line) goes to LABEL-serve.log without the access log's
# one line per request.
serve() {
  local label=$1 database=$2 fifo=$work/$1-log.fifo log=$out/$1-serve.log
  mkfifo "$fifo"
  grep --line-buffered -v '"msg":"request"' < "$fifo" > "$log" &
  log_pid=$!
  SINERGI_DATABASE=$database SINERGI_LOG_LEVEL=info SINERGI_IMPORTS_DIRECTORY=$work/$label-imports \
    "$bin" serve --host 127.0.0.1 --port 0 > "$fifo" 2>&1 &
  server_pid=$!
  port=""
  for _ in $(seq 1 300); do
    port=$(grep -m1 '"msg":"listening"' "$log" 2>/dev/null | grep -o '"port":[0-9]*' | cut -d: -f2 || true)
    [[ -n $port ]] && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "sinergi did not start on $label; its log:" >&2
  tail -20 "$log" >&2
  return 1
}

# A latency of wrk's (1.23us, 4.56ms, 7.89s, 1.5m) in ms.
to_ms() {
  awk -v t="$1" 'BEGIN {
    n = t + 0; u = t; sub(/^[0-9.]+/, "", u)
    f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : (u == "m") ? 60000 : (u == "h") ? 3600000 : -1
    if (f < 0) { print "?"; exit } printf "%.2f", n * f }'
}

# measure LABEL DATABASE CEILING_ROWS_S CEILING_S: sinergi's import on DATABASE (fresh) with wrk
# reading a member meanwhile; appends the line of the results table.
measure() {
  local label=$1 database=$2 ceiling=$3 ceiling_s=$4
  serve "$label" "$database"
  local base=http://127.0.0.1:$port
  local key
  key=$(SINERGI_DATABASE=$database SINERGI_IMPORTS_DIRECTORY=$work/$label-imports "$bin" keys create --role officer --name bench 2>> "$out/$label-keys.log")
  local auth="Authorization: Bearer $key"
  local member
  member=$(curl -sS --fail-with-body -H "$auth" -H 'Content-Type: application/json' \
    -d "{\"nik\":\"$probe_nik\",\"full_name\":\"Agus Santoso\",\"birth_date\":\"1981-10-10\",\"sex\":\"M\",\"family_card_no\":\"3573010101209999\",\"relationship\":\"head\",\"segment\":\"PBPU\",\"class\":3,\"region_code\":\"35.73\"}" \
    "$base/v1/members")
  local member_id
  member_id=$(jq -r .id <<< "$member")
  curl -sS --fail -o /dev/null -H "$auth" "$base/v1/members/$member_id"

  # wrk for longer than any import; stopped by SIGINT once the job has ended.
  wrk -t1 -c"$wrk_conn" -d"${import_timeout}s" --latency -H "$auth" "$base/v1/members/$member_id" \
    > "$out/$label-wrk.txt" 2>&1 &
  wrk_pid=$!
  local start
  start=$(now)
  local upload
  upload=$(curl -sS -o "$out/$label-post.json" -D "$out/$label-post.headers" -w '%{http_code} %{time_total}' \
    -H "$auth" -H 'Content-Type: text/csv' --data-binary @"$csv" "$base/v1/imports")
  local code=${upload% *} upload_s=${upload#* }
  if [[ $code != 202 ]]; then
    echo "$label: POST /v1/imports answered $code:" >&2
    cat "$out/$label-post.json" >&2
    return 1
  fi
  local job_id
  job_id=$(jq -r .id "$out/$label-post.json")
  local polls=$out/$label-polls.tsv status="" job="" end deadline
  deadline=$(awk -v s="$start" -v t="$import_timeout" 'BEGIN {printf "%d", s + t}')
  while :; do
    job=$(curl -sS -H "$auth" "$base/v1/imports/$job_id")
    status=$(jq -r .status <<< "$job")
    printf '%s\t%s\t%s\n' "$(now)" "$status" "$(jq -r .rows_done <<< "$job")" >> "$polls"
    [[ $status == done || $status == failed ]] && break
    if (( $(date +%s) > deadline )); then echo "$label: job $job_id not ended after ${import_timeout}s" >&2; break; fi
    kill -0 "$server_pid" 2>/dev/null || { echo "$label: sinergi exited during the import" >&2; return 1; }
    sleep 0.2
  done
  end=$(now)
  local wrk_ended_early=0
  kill -0 "$wrk_pid" 2>/dev/null || wrk_ended_early=1
  stop_wrk
  echo "$job" > "$out/$label-job.json"
  jq . "$out/$label-job.json" > /dev/null   # the last poll was JSON
  local rss_kib
  rss_kib=$(awk '/^VmHWM:/ {print $2}' "/proc/$server_pid/status")
  stop_server

  local import_s rate
  import_s=$(elapsed "$start" "$end")
  rate=$(per_second "$rows" "$import_s")
  # The job's own time, from the log's "import started" to its "import finished" (ms; the job's
  # started_at and finished_at are whole seconds).
  local job_s
  job_s=$(python3 - "$out/$label-serve.log" <<'PY'
import json, sys
from datetime import datetime
ts = {}
for line in open(sys.argv[1]):
    try: entry = json.loads(line)
    except ValueError: continue
    if entry.get("msg") in ("import started", "import finished"):
        ts.setdefault(entry["msg"], datetime.fromisoformat(entry["ts"].replace("Z", "+00:00")))
print(f"{(ts['import finished'] - ts['import started']).total_seconds():.3f}" if len(ts) == 2 else "-")
PY
)
  local p99 rps non2xx
  p99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$out/$label-wrk.txt")")
  rps=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$out/$label-wrk.txt")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$out/$label-wrk.txt")
  (( wrk_ended_early )) && echo "$label: wrk ended before the import did: its figures cover part of it" >&2
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$ceiling" "$rate" \
    "$(awk -v a="$rate" -v b="$ceiling" 'BEGIN {printf "%.2f", a / b}')" \
    "$(awk -v k="$rss_kib" 'BEGIN {printf "%.0f", k / 1024}')" "$p99" "$rps" "$ceiling_s" "$import_s" "$upload_s" \
    "$job_s" "$(jq -r .accepted <<< "$job")" "$(jq -r .rejected <<< "$job")" "$(jq -r .duplicates <<< "$job")" \
    "$(jq -r .warnings <<< "$job")" "$status" "${non2xx:-0}" >> "$tsv"
  echo "$label: $status in ${import_s}s ($rate rows/s; upload ${upload_s}s), accepted $(jq -r .accepted <<< "$job"), rejected $(jq -r .rejected <<< "$job"), duplicates $(jq -r .duplicates <<< "$job")"
}

columns="nik TEXT NOT NULL UNIQUE, full_name TEXT, birth_date TEXT, sex TEXT, family_card_no TEXT, relationship TEXT, segment TEXT, class INTEGER, region_code TEXT, address TEXT, phone TEXT"

# SQLite: the sqlite3 shell's .import (one transaction, default journal and synchronous), then
# sinergi on a fresh file (WAL, synchronous=NORMAL, as it runs).
echo "# SQLite: sqlite3 .import of $rows rows"
baseline_db=$work/baseline.db
sqlite3 "$baseline_db" "CREATE TABLE members ($columns)"
t0=$(now)
sqlite3 "$baseline_db" -cmd '.mode csv' ".import --skip 1 '$csv' members" > "$out/sqlite-baseline.txt" 2>&1
t1=$(now)
imported=$(sqlite3 "$baseline_db" 'SELECT count(*) FROM members')
[[ $imported == "$rows" ]] || { echo "sqlite3 .import loaded $imported rows, not $rows" >&2; cat "$out/sqlite-baseline.txt" >&2; exit 1; }
sqlite_s=$(elapsed "$t0" "$t1")
echo "sqlite3 .import: ${sqlite_s}s ($(per_second "$rows" "$sqlite_s") rows/s)"
rm -f "$baseline_db"
echo "# SQLite: sinergi"
mkdir -p "$work/sqlite"
measure sqlite "$work/sqlite/sinergi.db" "$(per_second "$rows" "$sqlite_s")" "$sqlite_s"
rm -rf "$work/sqlite"

# PostgreSQL: a throw-away cluster; \copy into one database, sinergi on another.
pg_version=""
if [[ $skip_pg != 1 ]] && compgen -G '/usr/lib/postgresql/*/bin' > /dev/null; then
  bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  pg_version=$("$bindir/postgres" --version | awk '{print $3}')
  if [[ $(id -u) == 0 ]]; then owner=postgres; as_owner=(runuser -u postgres --); fi
  pg_cluster=$(mktemp -d "${TMPDIR:-/tmp}/sinergi-import-pg.XXXXXX")
  chown "$owner" "$pg_cluster"
  "${as_owner[@]}" test -w "$pg_cluster" || { echo "$owner cannot write $pg_cluster (TMPDIR must be traversable)" >&2; exit 1; }
  "${as_owner[@]}" "$bindir/initdb" -D "$pg_cluster/data" --auth=trust --username="$owner" --encoding=UTF8 --locale=C.UTF-8 > "$out/pg-initdb.log"
  "${as_owner[@]}" "$bindir/pg_ctl" -D "$pg_cluster/data" -l "$pg_cluster/server.log" -w \
    -o "-c listen_addresses='' -c unix_socket_directories='$pg_cluster' -c shared_buffers=1GB -c synchronous_commit=off" \
    start > /dev/null
  psql=("${as_owner[@]}" "$bindir/psql" -h "$pg_cluster" -U "$owner" -q -X -v ON_ERROR_STOP=1)
  "${as_owner[@]}" "$bindir/createdb" -h "$pg_cluster" -U "$owner" import_copy
  "${as_owner[@]}" "$bindir/createdb" -h "$pg_cluster" -U "$owner" sinergi

  echo "# PostgreSQL $pg_version: psql \\copy of $rows rows"
  "${psql[@]}" -d import_copy -c "CREATE TABLE members ($columns)"
  t0=$(now)
  # pstdin: psql's own standard input, the file opened here (readable whoever runs psql).
  "${psql[@]}" -d import_copy -c "\\copy members FROM pstdin WITH (FORMAT csv, HEADER true)" < "$csv" > "$out/pg-baseline.txt" 2>&1
  t1=$(now)
  imported=$("${psql[@]}" -d import_copy -tAc 'SELECT count(*) FROM members')
  [[ $imported == "$rows" ]] || { echo "\\copy loaded $imported rows, not $rows" >&2; cat "$out/pg-baseline.txt" >&2; exit 1; }
  pg_s=$(elapsed "$t0" "$t1")
  echo "psql \\copy: ${pg_s}s ($(per_second "$rows" "$pg_s") rows/s)"
  "${as_owner[@]}" "$bindir/dropdb" -h "$pg_cluster" -U "$owner" import_copy
  "${psql[@]}" -d postgres -c CHECKPOINT   # the copy's writes are not left to land during sinergi's run

  echo "# PostgreSQL $pg_version: sinergi"
  measure postgresql "postgresql:///sinergi?host=$pg_cluster&user=$owner" "$(per_second "$rows" "$pg_s")" "$pg_s"
  cp "$pg_cluster/server.log" "$out/pg-server.log"
  "${as_owner[@]}" "$bindir/pg_ctl" -D "$pg_cluster/data" -m fast stop > /dev/null
fi

{
  echo "Import of $rows rows ($(basename "$csv")), $(nproc) vCPUs shared by sinergi, the engine, wrk (-t1 -c$wrk_conn GET /v1/members/{id}) and the poller; sinergi $("$bin" --version 2>/dev/null | head -1) ($bin)"
  echo
  echo "| engine | ceiling (sqlite3 .import / COPY) rows/s | sinergi rows/s | ratio | peak RSS MiB | GET p99 ms during import | GET req/s during import |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  awk -F'\t' -v pg="PostgreSQL $pg_version" 'NR > 1 {
    printf "| %s | %s | %s | %s | %s | %s | %s |\n", ($1 == "sqlite" ? "SQLite" : pg), $2, $3, $4, $5, $6, $7 }' "$tsv"
  echo
  echo "| engine | ceiling s | sinergi s (POST to job seen ended) | upload s | job s (log: import started to finished) | status | accepted | rejected | duplicates | warnings | GET non-2xx |"
  echo "|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|"
  awk -F'\t' -v pg="PostgreSQL $pg_version" 'NR > 1 {
    printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", ($1 == "sqlite" ? "SQLite" : pg), $8, $9, $10, $11, $16, $12, $13, $14, $15, $17 }' "$tsv"
} > "$out/summary.md"
echo
cat "$out/summary.md"
echo
echo "results: $out"
