#!/usr/bin/env python3
"""Holds WebSocket connections through a node and tells what a deploy or a restart did to them.

Each of --connections threads opens a WebSocket to ws://HOST:PORT/PATH, sends a text message every
--interval seconds and checks that the same text comes back. When the connection ends it prints
how (a Close frame and its code, or a TCP close without one), and reconnects. The version each
connection talks to is taken from the X-App-Version header of the 101, or else from GET /version on
the same address. At the end: echoes, failures, close codes seen, reconnects, and the versions in
the order they answered. Standard library only (no pip): the WebSocket protocol is done by hand,
with client frames masked as RFC 6455 requires.

    python3 examples/tornado-app/ws_watch.py --port 8080 [--connections 4] [--seconds 60] [--path /ws]

--seconds 0 runs until Ctrl-C.
"""
import argparse
import base64
import collections
import hashlib
import http.client
import os
import socket
import struct
import threading
import time

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455, 1.3
OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA
NO_STATUS, ABNORMAL = 1005, 1006


class Closed(Exception):
    """The connection ended; code is the peer's Close code, ABNORMAL when it sent no Close."""

    def __init__(self, code, reason=""):
        super().__init__("close %d %s" % (code, reason))
        self.code = code
        self.reason = reason


class WebSocket:
    """One client connection: the opening handshake, masked frames out, whole messages in."""

    def __init__(self, host, port, path, timeout):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.buf = b""
        key = base64.b64encode(os.urandom(16)).decode()
        request = ("GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n" % (path, host, port, key))
        self.sock.sendall(request.encode())
        head = self._read_until(b"\r\n\r\n").decode("latin-1")
        lines = head.split("\r\n")
        status = int(lines[0].split(" ")[1])
        self.headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                self.headers[name.strip().lower()] = value.strip()
        if status != 101:
            self.sock.close()
            raise ConnectionError("handshake answered with status %d" % status)
        expected = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
        if self.headers.get("sec-websocket-accept") != expected:
            self.sock.close()
            raise ConnectionError("handshake: wrong Sec-WebSocket-Accept")

    def _read_exact(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise Closed(ABNORMAL, "TCP closed without a Close frame")
            self.buf += chunk
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def _read_until(self, marker):
        while marker not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("connection closed during the handshake")
            self.buf += chunk
        head, self.buf = self.buf.split(marker, 1)
        return head

    def send(self, opcode, payload=b""):
        mask = os.urandom(4)
        n = len(payload)
        if n < 126:
            header = struct.pack("!BB", 0x80 | opcode, 0x80 | n)
        elif n < 65536:
            header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, n)
        else:
            header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, n)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def close(self, code=1000, reason=""):
        try:
            self.send(OP_CLOSE, struct.pack("!H", code) + reason.encode())
        except OSError:
            pass

    def receive(self):
        """Returns the next whole text or binary message as (opcode, bytes); raises Closed at the end."""
        message, message_op = b"", None
        while True:
            b1, b2 = self._read_exact(2)
            fin, opcode, n = b1 & 0x80, b1 & 0x0F, b2 & 0x7F
            if n == 126:
                n = struct.unpack("!H", self._read_exact(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self._read_exact(8))[0]
            mask = self._read_exact(4) if b2 & 0x80 else None
            payload = self._read_exact(n)
            if mask:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            if opcode == OP_PING:
                self.send(OP_PONG, payload)
            elif opcode == OP_PONG:
                continue
            elif opcode == OP_CLOSE:
                code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else NO_STATUS
                reason = payload[2:].decode("utf-8", "replace")
                self.close(code if code != NO_STATUS else 1000)  # answer, as RFC 6455 asks
                raise Closed(code, reason)
            else:
                if opcode != OP_CONT:
                    message_op = opcode
                message += payload
                if fin:
                    return message_op, message

    def shutdown(self):
        try:
            self.sock.close()
        except OSError:
            pass


def http_version(host, port):
    try:
        conn = http.client.HTTPConnection(host, port, timeout=3)
        conn.request("GET", "/version")
        response = conn.getresponse()
        body = response.read().decode(errors="replace").strip()
        return response.getheader("X-App-Version") or (body if response.status == 200 else None)
    except OSError:
        return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--path", default="/ws")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=60, help="0: until Ctrl-C")
    parser.add_argument("--interval", type=float, default=1.0)
    args = parser.parse_args()

    lock = threading.Lock()
    stop = threading.Event()
    stats = collections.Counter()
    close_codes = collections.Counter()
    versions = []  # (time, connection, version) each time a connection (re)opens
    start = time.time()

    def say(i, text):
        with lock:
            print("%7.1fs conn %d: %s" % (time.time() - start, i, text), flush=True)

    def hold(i):
        opened_before = False
        while not stop.is_set():
            try:
                ws = WebSocket(args.host, args.port, args.path, timeout=10)
            except (OSError, ConnectionError) as e:
                stats["connect failures"] += 1
                say(i, "connect failed: %s" % e)
                stop.wait(0.5)
                continue
            version = ws.headers.get("x-app-version") or http_version(args.host, args.port) or "?"
            with lock:
                stats["reconnects" if opened_before else "connections"] += 1
                versions.append((time.time() - start, i, version))
            say(i, "%s, version %s" % ("reconnected" if opened_before else "open", version))
            opened_before = True
            n = 0
            try:
                while not stop.is_set():
                    n += 1
                    text = "conn %d message %d" % (i, n)
                    ws.send(OP_TEXT, text.encode())
                    opcode, data = ws.receive()
                    if opcode == OP_TEXT and data.decode() == text:
                        stats["echoes"] += 1
                    else:
                        stats["wrong echoes"] += 1
                        say(i, "wrong echo: %r" % data[:80])
                    stop.wait(args.interval)
                ws.close(1000, "watch done")
            except Closed as c:
                close_codes[c.code] += 1
                say(i, "closed by peer with %d%s" % (c.code, " (%s)" % c.reason if c.reason else ""))
            except (OSError, ValueError) as e:
                close_codes[ABNORMAL] += 1
                say(i, "connection failed: %s" % e)
            finally:
                ws.shutdown()

    threads = [threading.Thread(target=hold, args=(i,), daemon=True) for i in range(1, args.connections + 1)]
    for t in threads:
        t.start()
    try:
        if args.seconds > 0:
            stop.wait(args.seconds)
        else:
            while not stop.is_set():
                stop.wait(1)
    except KeyboardInterrupt:
        pass
    stop.set()
    for t in threads:
        t.join(timeout=15)

    print()
    print("echoes: %d, wrong echoes: %d, connect failures: %d" % (stats["echoes"], stats["wrong echoes"],
                                                                  stats["connect failures"]))
    print("connections opened: %d, reconnects: %d" % (stats["connections"], stats["reconnects"]))
    print("close codes from the peer: %s" % (", ".join("%d x%d" % kv for kv in sorted(close_codes.items()))
                                             or "none"))
    order = []
    for _, _, version in sorted(versions):
        if not order or order[-1] != version:
            order.append(version)
    print("versions in the order they answered: %s" % (" -> ".join(order) or "none"))


if __name__ == "__main__":
    main()
