"""One Tornado instance for the spread scenario (gatehouse-bench/scripts/spread-bench.sh).

GET / answers "instance <port>" after --work-ms of CPU work done on the IOLoop, as a plain
synchronous Tornado handler does. Usage: tornado_instance.py --port P [--work-ms 1].
"""
import argparse
import time

import tornado.ioloop
import tornado.web


class Hello(tornado.web.RequestHandler):
    def initialize(self, port, work_s):
        self.port = port
        self.work_s = work_s

    def get(self):
        end = time.perf_counter() + self.work_s
        while time.perf_counter() < end:
            pass
        self.set_header("Content-Type", "text/plain")
        self.write("instance %d" % self.port)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--work-ms", type=float, default=1.0)
    args = parser.parse_args()
    app = tornado.web.Application([(r"/", Hello, dict(port=args.port, work_s=args.work_ms / 1000.0))])
    app.listen(args.port, address="127.0.0.1")
    tornado.ioloop.IOLoop.current().start()


if __name__ == "__main__":
    main()
