#!/usr/bin/env python3
"""A small Python web app for trying Gatehouse deploys: one process serves one port.

Every response names the app's version (X-App-Version and the body), so that a deploy's switch is
visible from the client side. /health answers 200 once the app is ready; --startup-ms delays
readiness, like an app that loads code or warms caches. Standard library only.

    python3 app.py --port 8001 --version v41 [--startup-ms 500] [--delay-ms 5]
"""
import argparse
import http.server
import threading
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--version", required=True)
    parser.add_argument("--startup-ms", type=int, default=0, help="not ready (503 on /health) for this long")
    parser.add_argument("--delay-ms", type=int, default=5, help="time each request takes")
    args = parser.parse_args()
    ready_at = time.monotonic() + args.startup_ms / 1000.0

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            if self.path == "/health":
                ready = time.monotonic() >= ready_at
                self.answer(200 if ready else 503, b"ok\n" if ready else b"starting\n")
                return
            time.sleep(args.delay_ms / 1000.0)
            self.answer(200, ("hello from %s on port %d\n" % (args.version, args.port)).encode())

        def answer(self, status, body):
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-App-Version", args.version)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, fmt, *a):
            pass  # the node's access log says enough

    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print("app %s listening on 127.0.0.1:%d" % (args.version, args.port), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
