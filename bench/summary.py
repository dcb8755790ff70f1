#!/usr/bin/env python3
"""The results table of a bench run: medians and each round per scenario and server, from its
results.tsv (the harness's run_http_bench.sh lines, and bench/postgresql.sh's pgbench lines).

    bench/summary.py results.tsv > summary.md
"""
import csv, statistics, sys
rows = list(csv.reader(open(sys.argv[1]), delimiter="\t"))
groups = {}
for ts, label, sc, conns, rps, p50, p99, non2xx, sockerr, rss in rows:
    groups.setdefault((sc, label, conns), []).append((float(rps), float(p50), float(p99), int(non2xx), int(sockerr), rss))
print("| scenario | server | conns | req/s (median) | req/s (each round) | p50 ms | p99 ms | errors (non2xx+sock) | peak RSS MiB |")
print("|---|---|---:|---:|---|---:|---:|---:|---:|")
for (sc, label, conns), v in sorted(groups.items(), key=lambda kv: ("healthz get post".split().index(kv[0][0]), kv[0][1])):
    med = lambda i: statistics.median(x[i] for x in v)
    rss = max((float(x[5]) for x in v if x[5] not in ("-", "")), default=float("nan"))
    print(f"| {sc} | {label} | {conns} | {med(0):,.0f} | {' / '.join(f'{x[0]:,.0f}' for x in v)} | {med(1):.2f} | {med(2):.2f} | {sum(x[3]+x[4] for x in v)} | {rss:.1f} |")
