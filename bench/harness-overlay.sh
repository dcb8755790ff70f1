#!/usr/bin/env bash
# Makes OUT a copy of the harness's runner whose POST script is sinergi's (bench/wrk/post_member.lua:
# bodies of sinergi's contract), the harness's other scripts unchanged.
#
#   bench/harness-overlay.sh HARNESS OUT
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
harness=$1 overlay=$2
rm -rf "$overlay"
mkdir -p "$overlay/wrk"
cp "$harness/run_http_bench.sh" "$overlay/"
cp "$harness"/wrk/*.lua "$overlay/wrk/"
cp "$here/wrk/post_member.lua" "$overlay/wrk/"
