#!/usr/bin/env python3
"""Sends requests through a node continuously and tells what a deploy looked like from outside.

Each of --clients threads keeps one keep-alive connection and sends GET / in a loop for --seconds;
every response's X-App-Version is recorded with the time it arrived. At the end: requests, failures,
and, per version, the first and last response; "late" counts responses of a version received after
the first response of a later one (mixed versions as users see them). Standard library only.

    python3 examples/python-app/watch.py --port 8080 --seconds 20 [--clients 8] [--mark FILE]

With --mark, the time written in FILE (seconds since the epoch, e.g. from `date +%s.%N` just before
`gatehouse deploy`) is taken as the command's start, and times are shown relative to it.
"""
import argparse
import http.client
import threading
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--mark", help="a file holding the command's start time")
    args = parser.parse_args()
    results = []
    failures = []
    lock = threading.Lock()
    end = time.time() + args.seconds

    def client():
        conn = None
        while time.time() < end:
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=10)
                conn.request("GET", "/")
                r = conn.getresponse()
                r.read()
                now = time.time()
                with lock:
                    if r.status == 200:
                        results.append((now, r.getheader("X-App-Version")))
                    else:
                        failures.append((now, "status %d" % r.status))
            except Exception as e:  # a failed request is what this counts
                with lock:
                    failures.append((time.time(), repr(e)))
                conn = None

    threads = [threading.Thread(target=client, daemon=True) for _ in range(args.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    zero = 0.0
    if args.mark:
        with open(args.mark) as f:
            zero = float(f.read().strip())
    results.sort()
    print("requests: %d, failed: %d" % (len(results) + len(failures), len(failures)))
    for when, why in failures[:10]:
        print("  failed at %+.3f s: %s" % (when - zero, why))
    versions = []
    for _, v in results:
        if v not in versions:
            versions.append(v)
    for i, v in enumerate(versions):
        times = [t for t, x in results if x == v]
        later_first = min((t for t, x in results if x in versions[i + 1:]), default=None)
        late = 0 if later_first is None else sum(1 for t in times if t > later_first)
        print("version %s: %d responses, first at %+.3f s, last at %+.3f s, late (after a later version's first): %d"
              % (v, len(times), times[0] - zero, times[-1] - zero, late))


if __name__ == "__main__":
    main()
