#!/usr/bin/python3
"""A small Tornado app for trying WebSocket tunnels and deploys through Gatehouse: one process serves one port.

    /usr/bin/python3 app.py --port 8001 --version v1 [--startup-ms 300]

/ws is a WebSocket that echoes every message back with its type (text or binary) and sends nothing
else, so a client can check each echo; its 101 response names the version in X-App-Version. Plain
HTTP: / answers "hello from <version> on port <port>", /version the version alone, /health 200 once
the app is ready (503 during --startup-ms, like an app that loads code or warms caches). Every HTTP
response carries X-App-Version.

On SIGTERM or SIGINT (a supervisor stopping an old version) the app stops accepting, sends every
open WebSocket a Close with 1001 (going away), waits a moment for the clients' answers and exits.

Needs Tornado 6: Debian's python3-tornado, hence /usr/bin/python3 rather than whatever python3 is
first on PATH.
"""
import argparse
import signal
import time

import tornado.httpserver
import tornado.ioloop
import tornado.web
import tornado.websocket

# Large enough for the 16 MiB messages of the tunnel tests; Tornado's default is 10 MiB.
MAX_MESSAGE_BYTES = 64 * 1024 * 1024
# How long a shutdown waits for clients to answer the Close before the process exits anyway.
CLOSE_GRACE_SECONDS = 2.0


class VersionedHandler(tornado.web.RequestHandler):
    """Names the version in every response."""

    def set_default_headers(self):
        self.set_header("X-App-Version", self.settings["app_version"])
        self.set_header("Content-Type", "text/plain; charset=utf-8")


class RootHandler(VersionedHandler):
    def get(self):
        self.write("hello from %s on port %d\n" % (self.settings["app_version"], self.settings["app_port"]))


class VersionHandler(VersionedHandler):
    def get(self):
        self.write(self.settings["app_version"] + "\n")


class HealthHandler(VersionedHandler):
    def get(self):
        if time.monotonic() >= self.settings["ready_at"]:
            self.write("ok\n")
        else:
            self.set_status(503)
            self.write("starting\n")


class EchoHandler(tornado.websocket.WebSocketHandler):
    """Echoes each whole message; Tornado joins fragments and answers pings itself."""

    open_sockets = set()

    def set_default_headers(self):
        # Also sent with the 101, so a client learns which version it is talking to.
        self.set_header("X-App-Version", self.settings["app_version"])

    def check_origin(self, origin):
        return True  # the example accepts browsers from any page: it has nothing to protect

    def open(self):
        EchoHandler.open_sockets.add(self)

    def on_message(self, message):
        self.write_message(message, binary=isinstance(message, bytes))

    def on_close(self):
        EchoHandler.open_sockets.discard(self)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--version", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--startup-ms", type=int, default=0, help="not ready (503 on /health) for this long")
    args = parser.parse_args()

    app = tornado.web.Application(
        [(r"/", RootHandler), (r"/version", VersionHandler), (r"/health", HealthHandler), (r"/ws", EchoHandler)],
        app_version=args.version,
        app_port=args.port,
        ready_at=time.monotonic() + args.startup_ms / 1000.0,
        websocket_max_message_size=MAX_MESSAGE_BYTES,
    )
    server = tornado.httpserver.HTTPServer(app, max_body_size=MAX_MESSAGE_BYTES)
    server.listen(args.port, address=args.host)
    loop = tornado.ioloop.IOLoop.current()

    def shut_down():
        server.stop()
        for socket in list(EchoHandler.open_sockets):
            socket.close(1001, "going away")
        deadline = time.monotonic() + CLOSE_GRACE_SECONDS

        def stop_when_closed():
            if EchoHandler.open_sockets and time.monotonic() < deadline:
                loop.call_later(0.05, stop_when_closed)
            else:
                loop.stop()

        stop_when_closed()

    def on_signal(signum, frame):
        loop.add_callback_from_signal(shut_down)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    print("app %s listening on %s:%d" % (args.version, args.host, args.port), flush=True)
    loop.start()


if __name__ == "__main__":
    main()
