#!/usr/bin/env bash
# Month close (`sinergi billing close-month MONTH`) over MEMBERS members, on each engine, on a
# copy of the seeded database made ready for it:
#   - every non-PBI member `active`; one ledger row (`contributions`, source participant) for
#     the month before MONTH for each of them, the full premium of their segment and class
#     (from premium_rates; PPU, whose premium depends on a wage the registry does not hold:
#     Rp 200,000), and one for MONTH for four in five of them (id % 5 <> 0). One
#     INSERT … SELECT per period, after `sinergi migrate` has applied the contributions
#     migration to the copy. So the close should turn the fifth that did not pay MONTH
#     (id % 5 = 0, non-PBI) inactive, with a member_history row each.
#   - the close, timed (wall clock; /usr/bin/time -v for sinergi's max RSS), then the same
#     close again: it must change nothing (idempotent), and how long finding that out takes.
#   - checked against the data: the changed count is the number expected, as many members are
#     inactive and as many history rows carry the close's request id.
#
#   bench/close_month.sh
#
# Env: MEMBERS   default 1000000: the seeded databases of bench/postgresql.sh are reused
#                (bench/data/sinergi-MEMBERS.db, and the `sinergi` database of the cluster in
#                bench/data/pg-MEMBERS), seeded here the same way when missing; neither is
#                changed: SQLite runs on a copy of the file, PostgreSQL on a database created
#                from the seeded one (CREATE DATABASE … TEMPLATE), dropped at the end; members
#                of ids over MEMBERS in the seeded PostgreSQL database (registrations of an
#                earlier bench/postgresql.sh) are deleted from that copy
#      MONTH     default 2026-10: the month closed; its due date (the 10th) must have passed
#      SINERGI   the binary, default .build/release/sinergi (not built here:
#                swift build -c release --product sinergi)
#      SKIP_PG   1: SQLite only. Otherwise PostgreSQL runs too, on the cluster of
#                bench/postgresql.sh (started here as that script starts it, and stopped
#                again, unless it is already running; owned by `postgres` when run as root)
#      PG_SYNC   default off: the cluster's synchronous_commit, as bench/postgresql.sh
#      TMPDIR    where the SQLite copy goes (removed at the end)
#
# Both copies are read into memory before the close (the file into the page cache, the
# PostgreSQL database into shared_buffers with pg_prewarm), as a serving node would hold them;
# the PostgreSQL copy is VACUUM ANALYZEd after the preparation (what autovacuum would have done
# in the month before the close). Nothing is sent over the network. Raw outputs go to
# bench/data/results/close-month-<timestamp>/; prints the table (also in summary.md there).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
members=${MEMBERS:-1000000}
month=${MONTH:-2026-10}
bin=${SINERGI:-$root/.build/release/sinergi}
skip_pg=${SKIP_PG:-0}
sync=${PG_SYNC:-off}
data=$here/data
out=$data/results/close-month-$(date +%Y%m%d-%H%M%S)
mkdir -p "$out"
[[ -x $bin ]] || { echo "no sinergi binary at $bin (build it, or set SINERGI)" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "/usr/bin/time is missing (apt-get install time)" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "sqlite3 is missing" >&2; exit 1; }
[[ $month =~ ^[0-9]{4}-[0-9]{2}$ ]] || { echo "MONTH must be YYYY-MM, not $month" >&2; exit 1; }
previous=$(date -u -d "$month-01 -1 month" +%Y-%m)
cd "$root"   # sinergi finds migrations/ and config/sinergi.json from here

[[ -f $data/data.key ]] || head -c 32 /dev/urandom | base64 > "$data/data.key"
export SINERGI_DATA_KEY
SINERGI_DATA_KEY=$(cat "$data/data.key")
export SINERGI_CONFIG=$root/config/sinergi.json
export SINERGI_LOG_LEVEL=notice   # the close logs "month closed" with its own count and seconds

work=$(mktemp -d "${TMPDIR:-/tmp}/sinergi-close-month.XXXXXX")
bindir="" cluster="" started_cluster=0 copy_db="" as_owner=() owner=$(id -un)
finish() {
  if [[ -n $copy_db ]]; then
    "${as_owner[@]}" "$bindir/dropdb" -h "$cluster" -U "$owner" --if-exists "$copy_db" > /dev/null 2>&1 || true
  fi
  if (( started_cluster )); then
    "${as_owner[@]}" "$bindir/pg_ctl" -D "$cluster/data" -m fast stop > /dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap finish EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", b - a}'; }

# The preparation, the same statements on both engines (|| makes text of an integer on both).
prepare_sql() {
  local period
  cat <<SQL
UPDATE members SET status = 'active' WHERE segment NOT IN ('PBI_APBN', 'PBI_APBD');
SQL
  for period in "$previous" "$month"; do
    local which="" paid_on=$period-05
    [[ $period == "$month" ]] && which="AND m.id % 5 <> 0"
    cat <<SQL
INSERT INTO contributions (member_id, period, source, amount_idr, paid_on, reference, role, request_id, created_at)
SELECT m.id, '$period', 'participant', coalesce(r.amount_idr, 200000), '$paid_on', 'bench-' || m.id || '-$period',
       'system', 'bench', '${paid_on}T00:00:00Z'
FROM members m LEFT JOIN premium_rates r ON r.segment = m.segment AND r.class = m.class AND r.effective_from <= '$period-01'
WHERE m.segment NOT IN ('PBI_APBN', 'PBI_APBD') $which;
SQL
  done
}
# What the close must change: the non-PBI members who did not pay MONTH.
expected_sql="SELECT count(*) FROM members WHERE segment NOT IN ('PBI_APBN', 'PBI_APBD') AND id % 5 = 0"
check_sql="SELECT (SELECT count(*) FROM members WHERE status = 'inactive') || ' ' ||
  (SELECT count(*) FROM member_history WHERE request_id = 'close-month-$month')"

tsv=$out/results.tsv
printf 'engine\tprepare_s\tclose_s\tchanged\texpected\trss_mib\tcpu_s\tagain_s\tagain_changed\tagain_rss_mib\tinactive\thistory\n' > "$tsv"

# close LABEL DATABASE RUN: one `sinergi billing close-month`, timed; sets $close_s, $changed, $rss_mib, $cpu_s.
close() {
  local label=$1 database=$2 run=$3 t0 t1 status=0
  t0=$(now)
  SINERGI_DATABASE=$database /usr/bin/time -v -o "$out/$label-$run.time" \
    "$bin" billing close-month "$month" > "$out/$label-$run.out" 2> "$out/$label-$run.log" || status=$?
  t1=$(now)
  if (( status != 0 )); then
    echo "$label: close-month (run $run) exited $status:" >&2
    cat "$out/$label-$run.out" "$out/$label-$run.log" >&2
    return 1
  fi
  close_s=$(elapsed "$t0" "$t1")
  changed=$(sed -n "s/^$month: \([0-9]*\) members became inactive$/\1/p" "$out/$label-$run.out")
  [[ -n $changed ]] || { echo "$label: close-month printed no count:" >&2; cat "$out/$label-$run.out" >&2; return 1; }
  rss_mib=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$out/$label-$run.time")
  cpu_s=$(awk -F': ' '/User time/ {u = $2} /System time/ {s = $2} END {printf "%.2f", u + s}' "$out/$label-$run.time")
  echo "$label: run $run: $(cat "$out/$label-$run.out") in ${close_s}s (sinergi max RSS $rss_mib MiB, CPU ${cpu_s}s)"
}

# measure LABEL DATABASE QUERY PREPARE_S: both closes and the checks (QUERY SQL prints a query's
# result on the engine); appends the table's line.
measure() {
  local label=$1 database=$2 query=$3 prepare_s=$4
  local expected
  expected=$("$query" "$expected_sql")
  close "$label" "$database" 1
  local first_s=$close_s first_changed=$changed first_rss=$rss_mib first_cpu=$cpu_s
  close "$label" "$database" 2
  local inactive history
  read -r inactive history < <("$query" "$check_sql")
  [[ $first_changed == "$expected" ]] || echo "$label: changed $first_changed, expected $expected" >&2
  [[ $changed == 0 ]] || echo "$label: the second close changed $changed, not 0" >&2
  [[ $inactive == "$first_changed" && $history == "$first_changed" ]] \
    || echo "$label: $inactive members inactive and $history history rows after changing $first_changed" >&2
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$prepare_s" "$first_s" "$first_changed" "$expected" \
    "$first_rss" "$first_cpu" "$close_s" "$changed" "$rss_mib" "$inactive" "$history" >> "$tsv"
}

# ---- SQLite: a copy of bench/postgresql.sh's seeded file.
sqlite_src=$data/sinergi-$members.db
if [[ ! -f $sqlite_src ]]; then
  echo "seeding $sqlite_src ($members members, about 75 s a million)"
  SINERGI_DATABASE=$sqlite_src "$bin" seed --members "$members" 2>> "$out/seed.log"
  SINERGI_DATABASE=$sqlite_src "$bin" keys create --role officer --name bench 2>> "$out/seed.log" > "$data/officer-$members.key"
fi
echo "# SQLite: preparing a copy of $sqlite_src"
db=$work/sinergi.db
if [[ -f $sqlite_src-wal ]]; then sqlite3 -readonly "$sqlite_src" ".backup '$db'"; else cp "$sqlite_src" "$db"; fi
SINERGI_DATABASE=$db "$bin" migrate > "$out/sqlite-migrate.out" 2> "$out/sqlite-migrate.log"
sed 's/^/sqlite: /' "$out/sqlite-migrate.out"
t0=$(now)
{ echo "BEGIN;"; prepare_sql; echo "COMMIT;"; echo "PRAGMA wal_checkpoint(TRUNCATE);"; } \
  | sqlite3 -bail "$db" > "$out/sqlite-prepare.out"
t1=$(now)
sqlite_prepare_s=$(elapsed "$t0" "$t1")
sqlite3 "$db" "SELECT period, count(*), sum(amount_idr) FROM contributions GROUP BY period" | sed 's/^/sqlite: contributions /'
echo "sqlite: prepared in ${sqlite_prepare_s}s"
cat "$db" > /dev/null
sqlite_query() { sqlite3 "$db" "$1"; }
echo "# SQLite: close-month $month"
measure sqlite "$db" sqlite_query "$sqlite_prepare_s"
rm -f "$db" "$db-wal" "$db-shm" "$db-keys"

# ---- PostgreSQL: a database made from the seeded one in bench/postgresql.sh's cluster.
pg_version=""
if [[ $skip_pg != 1 ]]; then
  compgen -G '/usr/lib/postgresql/*/bin' > /dev/null || { echo "no PostgreSQL in /usr/lib/postgresql (or set SKIP_PG=1)" >&2; exit 1; }
  bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  pg_version=$("$bindir/postgres" --version | awk '{print $3}')
  if [[ $(id -u) == 0 ]]; then owner=postgres; as_owner=(runuser -u postgres --); fi
  cluster=$data/pg-$members
  if [[ ! -d $cluster/data ]]; then
    mkdir -p "$cluster"
    chown "$owner" "$cluster"
    "${as_owner[@]}" "$bindir/initdb" -D "$cluster/data" --auth=trust --username="$owner" --encoding=UTF8 --locale=C.UTF-8 > "$out/initdb.log"
  fi
  if "${as_owner[@]}" "$bindir/pg_ctl" -D "$cluster/data" status > /dev/null 2>&1; then
    echo "PostgreSQL: the cluster in $cluster is already running; used as it is, left running"
  else
    # As bench/postgresql.sh starts it: fsync on, its own socket only, shared_buffers 2GB.
    "${as_owner[@]}" "$bindir/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -w \
      -o "-c listen_addresses='' -c unix_socket_directories='$cluster' -c shared_buffers=2GB -c synchronous_commit=$sync -c max_connections=200" \
      start > /dev/null
    started_cluster=1
  fi
  psql=("${as_owner[@]}" "$bindir/psql" -h "$cluster" -U "$owner" -q -X -v ON_ERROR_STOP=1)
  "${psql[@]}" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'sinergi'" | grep -q 1 \
    || "${as_owner[@]}" "$bindir/createdb" -h "$cluster" -U "$owner" sinergi
  seed_url="postgresql:///sinergi?host=$cluster&user=$owner"
  if [[ $("${psql[@]}" -d sinergi -tAc "SELECT to_regclass('members') IS NOT NULL") != t ]]; then
    echo "seeding the sinergi database of $cluster ($members members, about 400 s a million)"
    SINERGI_DATABASE=$seed_url "$bin" seed --members "$members" 2>> "$out/seed.log"
    SINERGI_DATABASE=$seed_url "$bin" keys create --role officer --name bench 2>> "$out/seed.log" > "$cluster/officer.key.tmp"
    mv "$cluster/officer.key.tmp" "$cluster/officer.key"
  fi
  read -r seeded seeded_ids < <("${psql[@]}" -d sinergi -tAF' ' -c "SELECT count(*), count(*) FILTER (WHERE id <= $members) FROM members")
  [[ $seeded_ids == "$members" ]] || { echo "the sinergi database of $cluster holds $seeded_ids members of ids 1-$members, not $members" >&2; exit 1; }

  echo "# PostgreSQL $pg_version: preparing a copy of the sinergi database of $cluster"
  copy_db=sinergi_close_month
  "${as_owner[@]}" "$bindir/dropdb" -h "$cluster" -U "$owner" --if-exists "$copy_db"
  "${as_owner[@]}" "$bindir/createdb" -h "$cluster" -U "$owner" -T sinergi "$copy_db"
  url="postgresql:///$copy_db?host=$cluster&user=$owner"
  if (( seeded > members )); then
    # Registrations an earlier bench/postgresql.sh left in the seeded database (before its rounds
    # ran on copies): off the copy, so both engines close the same members; the table rewritten
    # as the seed left it.
    echo "postgresql: deleting the $((seeded - members)) members of ids over $members from the copy (later registrations)"
    "${psql[@]}" -d "$copy_db" -c "DELETE FROM members WHERE id > $members" -c "VACUUM FULL ANALYZE members"
  fi
  SINERGI_DATABASE=$url "$bin" migrate > "$out/pg-migrate.out" 2> "$out/pg-migrate.log"
  sed 's/^/postgresql: /' "$out/pg-migrate.out"
  t0=$(now)
  { echo "BEGIN;"; prepare_sql; echo "COMMIT;"; } | "${psql[@]}" -d "$copy_db" > "$out/pg-prepare.out"
  t1=$(now)
  pg_prepare_s=$(elapsed "$t0" "$t1")
  "${psql[@]}" -d "$copy_db" -c "VACUUM ANALYZE" -c CHECKPOINT
  "${psql[@]}" -d "$copy_db" -tAF' ' -c "SELECT period, count(*), sum(amount_idr) FROM contributions GROUP BY period ORDER BY period" \
    | sed 's/^/postgresql: contributions /'
  echo "postgresql: prepared in ${pg_prepare_s}s (then VACUUM ANALYZE, CHECKPOINT)"
  "${psql[@]}" -d "$copy_db" -c "CREATE EXTENSION IF NOT EXISTS pg_prewarm" \
    -c "SELECT sum(pg_prewarm(oid)) FROM pg_class WHERE relkind IN ('r', 'i') AND relnamespace = 'public'::regnamespace" > /dev/null
  # The server logs the close's statements with their durations.
  "${psql[@]}" -d postgres -c "ALTER DATABASE $copy_db SET log_min_duration_statement = 1000"
  log_lines=$(wc -l < "$cluster/server.log" 2>/dev/null || echo 0)
  pg_query() { "${psql[@]}" -d "$copy_db" -tA -c "$1"; }
  echo "# PostgreSQL $pg_version: close-month $month"
  measure postgresql "$url" pg_query "$pg_prepare_s"
  tail -n +"$((log_lines + 1))" "$cluster/server.log" > "$out/pg-server.log" 2>/dev/null || true
  "${as_owner[@]}" "$bindir/dropdb" -h "$cluster" -U "$owner" "$copy_db"
  copy_db=""
fi

{
  echo "close-month $month over $members members ($previous paid by every non-PBI member, $month by four in five), $(nproc) vCPUs; sinergi $("$bin" --version 2>/dev/null | head -1) ($bin)"
  echo
  echo "| engine | prepare s | close s | members changed | expected | sinergi max RSS MiB | sinergi CPU s | second close s | changed | inactive after | history rows |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  awk -F'\t' -v pg="PostgreSQL $pg_version" 'NR > 1 {
    printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", ($1 == "sqlite" ? "SQLite" : pg), $2, $3, $4, $5, $6, $7, $8, $9, $11, $12 }' "$tsv"
} > "$out/summary.md"
echo
cat "$out/summary.md"
echo
echo "results: $out"
