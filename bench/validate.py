#!/usr/bin/env python3
"""Times POST /v1/members/validate with 10,000 items against a running sinergi.

    bench/validate.py BASE_URL KEY [ROUNDS]

The items are real: 10,000 NIKs read from GET /v1/members (an officer key sees them whole),
each with its name, every second one with a changed name so half the items carry a
mismatch. Prints each round's wall time as the client saw it (request sent to answer read).
"""
import json
import statistics
import sys
import time
import urllib.request


def call(base, key, method, path, body=None):
    request = urllib.request.Request(base + path, method=method, data=body, headers={
        "Authorization": "Bearer " + key, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status, response.read()


def main():
    base, key = sys.argv[1].rstrip("/"), sys.argv[2]
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    items, cursor = [], None
    while len(items) < 10_000:
        status, body = call(base, key, "GET", "/v1/members?limit=500" + (f"&cursor={cursor}" if cursor else ""))
        page = json.loads(body)
        for member in page["data"]:
            name = member["full_name"] if len(items) % 2 == 0 else member["full_name"] + " bin Fulan"
            items.append({"nik": member["nik"], "full_name": name, "birth_date": member["birth_date"]})
        cursor = page["next_cursor"]
        if cursor is None:
            break
    items = items[:10_000]
    payload = json.dumps({"items": items}).encode()
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        status, body = call(base, key, "POST", "/v1/members/validate", payload)
        times.append(time.perf_counter() - started)
        summary = json.loads(body)["summary"]
        assert status == 200 and summary["items"] == len(items), (status, summary)
    print(f"validate {len(items)} items ({len(payload) / 1024:.0f} KiB): "
          f"median {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms, "
          f"each {' / '.join(f'{t * 1000:.0f}' for t in times)} ms; registered {summary['registered']}")


if __name__ == "__main__":
    main()
