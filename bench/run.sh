#!/usr/bin/env bash
# Benchmarks sinergi against the peers of ../shared/bench in one run, one server after another.
#
#   bench/run.sh [ROUNDS]        (default 3)
#
# Env: HARNESS=dir     a writable copy of ../shared/bench with its peers built (made and built
#                      here when missing: 5-10 minutes)
#      PEERS           default "nginx hb-grdb vapor-sqlite custom"
#      SCENARIOS       default "healthz" (the members scenarios need the membership issue)
# Prints the harness's table; copy it into bench/RESULTS.md with the date and the ratios.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$here/..
rounds=${1:-3}
harness=${HARNESS:-$here/.harness}

command -v wrk >/dev/null && command -v nginx >/dev/null || apt-get install -y -qq wrk nginx
if [[ ! -d $harness ]]; then
  cp -r "$root/../shared/bench" "$harness"
  chmod -R u+w "$harness"
fi
for peer in hb-grdb vapor-sqlite; do
  if [[ ! -d $harness/peers/$peer/.build/release ]]; then
    (cd "$harness/peers/$peer" && swift build -c release)
  fi
done
(cd "$root" && swift build -c release --product sinergi)

export PEERS=${PEERS:-"nginx hb-grdb vapor-sqlite custom"}
export SCENARIOS=${SCENARIOS:-healthz}
export CUSTOM_CMD="$here/serve-for-harness.sh" CUSTOM_PORT=8080 CUSTOM_LABEL=sinergi
"$harness/compare.sh" "$rounds"
