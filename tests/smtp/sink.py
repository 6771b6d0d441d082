"""A real SMTP server for the tests (aiosmtpd), with the faults the tests need.

usage: sink.py PORT OUT_DIR [--fail-first N] [--reject] [--delay SECONDS]
Each accepted message is written to OUT_DIR as NNNNN.eml; every DATA command (accepted or
not) is counted in OUT_DIR/attempts. Prints "ready" once listening on 127.0.0.1:PORT.
"""
import argparse
import asyncio
import os
import sys
import time

from aiosmtpd.controller import Controller


class Handler:
    def __init__(self, out, fail_first, reject, delay):
        self.out, self.fail_first, self.reject, self.delay = out, fail_first, reject, delay
        self.attempts = 0
        self.stored = 0

    async def handle_DATA(self, server, session, envelope):
        self.attempts += 1
        with open(os.path.join(self.out, "attempts"), "w") as f:
            f.write(str(self.attempts))
        if self.reject:
            return "550 5.1.1 User unknown"
        if self.attempts <= self.fail_first:
            return "451 4.3.0 Try again later"
        if self.delay:
            await asyncio.sleep(self.delay)
        self.stored += 1
        path = os.path.join(self.out, "%05d.eml" % self.stored)
        with open(path + ".part", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        os.rename(path + ".part", path)
        return "250 2.0.0 OK"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("out")
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--reject", action="store_true")
    parser.add_argument("--delay", type=float, default=0.0)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    controller = Controller(Handler(args.out, args.fail_first, args.reject, args.delay), hostname="127.0.0.1", port=args.port)
    controller.start()
    print("ready", flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


if __name__ == "__main__":
    sys.exit(main())
