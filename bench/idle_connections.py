#!/usr/bin/env python3
"""Holds N idle connections to a server while wrk loads it, then checks every idle connection
still answers, and reports the server's RSS before, during and after.

    bench/idle_connections.py PID PORT [N=1000] [SECONDS=10] [CA_FILE]

With CA_FILE the server speaks HTTPS: every idle connection completes a TLS handshake first
and wrk loads https://.

Traffic goes to 127.0.0.1 only. Exits non-zero when an idle connection was dropped or wrk saw
errors.
"""
import re
import socket
import ssl
import subprocess
import sys


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main():
    pid, port = int(sys.argv[1]), int(sys.argv[2])
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    seconds = int(sys.argv[4]) if len(sys.argv) > 4 else 10
    ca_file = sys.argv[5] if len(sys.argv) > 5 else None
    context = ssl.create_default_context(cafile=ca_file) if ca_file else None
    scheme = "https" if context else "http"
    idle_rss = rss_mib(pid)
    sockets = []
    for _ in range(count):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        if context:
            s = context.wrap_socket(s, server_hostname="127.0.0.1")
        sockets.append(s)
    held_rss = rss_mib(pid)
    wrk = subprocess.run(
        ["wrk", "-t2", "-c64", f"-d{seconds}s", "--latency", f"{scheme}://127.0.0.1:{port}/healthz"],
        capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", wrk).group(1))
    p99 = re.search(r"99%\s+(\S+)", wrk).group(1)
    errors = re.search(r"Socket errors: (.*)", wrk)
    loaded_rss = rss_mib(pid)
    answered = 0
    for s in sockets:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: b\r\n\r\n")
        if s.recv(4096).startswith(b"HTTP/1.1 200"):
            answered += 1
        s.close()
    print(f"idle connections held: {count}, still answering afterwards: {answered}")
    print(f"wrk /healthz c=64 while they were held: {rps:,.0f} req/s, p99 {p99}, "
          f"socket errors: {errors.group(1) if errors else 'none'}")
    print(f"server RSS MiB: idle {idle_rss:.1f}, holding {count} {held_rss:.1f}, under load {loaded_rss:.1f}")
    sys.exit(0 if answered == count and not errors else 1)


if __name__ == "__main__":
    main()
