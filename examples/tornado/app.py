#!/usr/bin/python3
"""A Tornado app behind Gatehouse: sessions in Redis, a WebSocket, and one blocking handler.

    REDIS_URL=redis://127.0.0.1:6379/0 COOKIE_SECRET=... \
        /usr/bin/python3 app.py --port 8001 --version v1

One process serves one port; Gatehouse's supervisor runs several and deploys new versions of them.
Every HTTP response names the version (X-App-Version) and the port, so a client sees a deploy.

    POST /login       name=alice (form): a new session in Redis, its id in a signed cookie "sid"
    GET  /me          the session: {"user", "visits", "version", "port"}; visits counts the calls.
                      401 without a valid session
    POST /logout      ends the session
    GET  /ws          a WebSocket for a logged-in user (401 otherwise): greets with
                      {"hello": user, "version": ...}, then answers each text message with
                      {"user": ..., "echo": message, "version": ...}
    GET  /report?ms=N a *blocking* handler (a plain def, time.sleep: a slow query through a sync
                      driver, a PDF render); it stops the whole process for N ms (at most 2000)
    GET  /health      200 when Redis answers, else 503
    GET  /            hello from <version> on port <port>

Sessions live in Redis, not in the process: any instance of any version reads them, so a deploy or
a restart logs nobody out. The cookie is signed with COOKIE_SECRET, which every version shares.

On SIGTERM or SIGINT (the supervisor stopping an old version) the app stops accepting, closes its
WebSockets with 1001 (going away), gives the clients a moment to answer and exits.

Needs Tornado 6 and redis-py 4 (Debian's python3-tornado and python3-redis), hence /usr/bin/python3
rather than whatever python3 comes first on PATH.
"""
import argparse
import json
import os
import secrets
import signal
import time

import redis.asyncio
import tornado.httpserver
import tornado.ioloop
import tornado.web
import tornado.websocket

SESSION_TTL_SECONDS = 3600
SESSION_PREFIX = "gatehouse-example:session:"
# The longest the blocking handler may block: long enough to show the queue, short enough that the
# pool's health checks (1 s apart, 3 failures to take an instance out, in gatehouse.yaml) pass.
MAX_REPORT_MS = 2000
CLOSE_GRACE_SECONDS = 2.0


class Sessions:
    """Sessions as Redis hashes that expire after an hour without a visit."""

    def __init__(self, url):
        self.redis = redis.asyncio.Redis.from_url(url, socket_timeout=2, decode_responses=True)

    async def create(self, user):
        sid = secrets.token_urlsafe(24)
        key = SESSION_PREFIX + sid
        await self.redis.hset(key, mapping={"user": user, "visits": 0, "created": int(time.time())})
        await self.redis.expire(key, SESSION_TTL_SECONDS)
        return sid

    async def get(self, sid):
        """The session's fields, or None when there is none (expired, ended, never made)."""
        if not sid:
            return None
        fields = await self.redis.hgetall(SESSION_PREFIX + sid)
        return fields or None

    async def visit(self, sid):
        key = SESSION_PREFIX + sid
        visits = await self.redis.hincrby(key, "visits", 1)
        await self.redis.expire(key, SESSION_TTL_SECONDS)
        return visits

    async def delete(self, sid):
        await self.redis.delete(SESSION_PREFIX + sid)

    async def ping(self):
        return await self.redis.ping()


class BaseHandler(tornado.web.RequestHandler):
    def set_default_headers(self):
        self.set_header("X-App-Version", self.settings["app_version"])

    def session_id(self):
        sid = self.get_secure_cookie("sid", max_age_days=1)
        return sid.decode("ascii", "replace") if sid else None

    def write_json(self, value, status=200):
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(value) + "\n")


class RootHandler(BaseHandler):
    def get(self):
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.write("hello from %s on port %d\n" % (self.settings["app_version"], self.settings["app_port"]))


class LoginHandler(BaseHandler):
    async def post(self):
        user = self.get_body_argument("name", "").strip()
        if not user or len(user) > 64 or not user.isprintable():
            self.write_json({"error": "name: 1 to 64 printable characters"}, 400)
            return
        sid = await self.settings["sessions"].create(user)
        self.set_secure_cookie("sid", sid, expires_days=None, httponly=True, samesite="Lax")
        self.write_json({"user": user, "version": self.settings["app_version"]})


class MeHandler(BaseHandler):
    async def get(self):
        sessions = self.settings["sessions"]
        sid = self.session_id()
        session = await sessions.get(sid)
        if session is None:
            self.write_json({"error": "no session: POST /login first"}, 401)
            return
        visits = await sessions.visit(sid)
        self.write_json({"user": session["user"], "visits": visits, "version": self.settings["app_version"],
                         "port": self.settings["app_port"]})


class LogoutHandler(BaseHandler):
    async def post(self):
        sid = self.session_id()
        if sid:
            await self.settings["sessions"].delete(sid)
        self.clear_cookie("sid")
        self.write_json({"ended": True})


class ReportHandler(BaseHandler):
    """Blocking on purpose: while it runs, this process answers nothing else (requests, WebSocket
    messages, health checks). Gatehouse's per-backend limit (backend_concurrency: 1 in
    gatehouse.yaml) keeps other requests from queueing in this process's socket behind it."""

    def get(self):
        try:
            ms = int(self.get_query_argument("ms", "200"))
        except ValueError:
            ms = -1
        if not 0 <= ms <= MAX_REPORT_MS:
            self.write_json({"error": "ms: an integer from 0 to %d" % MAX_REPORT_MS}, 400)
            return
        started = time.time()
        time.sleep(ms / 1000.0)  # the blocking call
        self.write_json({"ms": ms, "started": started, "ended": time.time(),
                         "version": self.settings["app_version"], "port": self.settings["app_port"]})


class HealthHandler(BaseHandler):
    async def get(self):
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        try:
            await self.settings["sessions"].ping()
        except Exception as e:  # any Redis failure means: do not send users here
            self.set_status(503)
            self.finish("redis: %s\n" % e)
            return
        self.finish("ok\n")


class ChatSocket(tornado.websocket.WebSocketHandler):
    """A logged-in user's WebSocket; the session is checked before the handshake."""

    open_sockets = set()

    def set_default_headers(self):
        self.set_header("X-App-Version", self.settings["app_version"])  # also on the 101

    async def prepare(self):
        sid = self.get_secure_cookie("sid", max_age_days=1)
        self.session = await self.settings["sessions"].get(sid.decode("ascii", "replace") if sid else None)
        if self.session is None:
            raise tornado.web.HTTPError(401, reason="Login First")

    def check_origin(self, origin):
        return True  # the example has no pages of its own to protect from other origins

    def open(self):
        ChatSocket.open_sockets.add(self)
        self.write_message(json.dumps({"hello": self.session["user"], "version": self.settings["app_version"]}))

    def on_message(self, message):
        if isinstance(message, bytes):
            self.close(1003, "text only")
            return
        self.write_message(json.dumps({"user": self.session["user"], "echo": message,
                                       "version": self.settings["app_version"]}))

    def on_close(self):
        ChatSocket.open_sockets.discard(self)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--version", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    secret = os.environ.get("COOKIE_SECRET", "")
    if len(secret) < 16:
        parser.error("COOKIE_SECRET must be set, at least 16 characters, the same for every version")

    app = tornado.web.Application(
        [(r"/", RootHandler), (r"/login", LoginHandler), (r"/me", MeHandler), (r"/logout", LogoutHandler),
         (r"/report", ReportHandler), (r"/health", HealthHandler), (r"/ws", ChatSocket)],
        app_version=args.version,
        app_port=args.port,
        cookie_secret=secret,
        sessions=Sessions(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")),
        websocket_max_message_size=1024 * 1024,
    )
    server = tornado.httpserver.HTTPServer(app, xheaders=False)
    server.listen(args.port, address=args.host)
    loop = tornado.ioloop.IOLoop.current()

    def shut_down():
        server.stop()
        for socket in list(ChatSocket.open_sockets):
            socket.close(1001, "going away")
        deadline = time.monotonic() + CLOSE_GRACE_SECONDS

        def stop_when_closed():
            if ChatSocket.open_sockets and time.monotonic() < deadline:
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
