#!/usr/bin/env python3
"""Python publish -> receive throughput between two endpoints peered over
TCP loopback (one process: a publishing thread and the receiving main
thread).

The publisher keeps at most WINDOW messages in flight, so no buffer on the
way overflows: every message is delivered and counted (a lost one would
stall the run, and the script then fails).

Usage:
  PYTHONPATH=build/python /usr/bin/python3 bench/python_throughput.py \\
      [--messages N] [--mode publish|batch|publisher] [--repeat R]
"""

import argparse
import threading
import time

import broker

WINDOW = 20000      # well below the 65536-message subscriber buffer
BATCH = 100         # messages per publish_batch() call in batch mode
READ_BATCH = 1000   # messages per get() call of the receiver


class Flow:
    """Counts what arrived and lets the publisher wait for room."""

    def __init__(self):
        self.received = 0
        self.cond = threading.Condition()

    def add(self, n):
        with self.cond:
            self.received += n
            self.cond.notify()

    def wait_for_room(self, sent):
        with self.cond:
            while sent - self.received >= WINDOW:
                self.cond.wait(1.0)


def publish_all(ep, mode, total, flow):
    value = (1, "payload", 2.5)
    if mode == "publisher":
        pub = ep.make_publisher("/bench/x")
    sent = 0
    while sent < total:
        flow.wait_for_room(sent)
        n = min(BATCH, total - sent)
        if mode == "publish":
            for _ in range(n):
                ep.publish("/bench/x", value)
        elif mode == "batch":
            ep.publish_batch(*[("/bench/x", value)] * n)
        else:
            for _ in range(n):
                pub.publish(value)
        sent += n
    if mode == "publisher":
        pub.reset()


def run(mode, total):
    with broker.Endpoint() as receiver, broker.Endpoint() as sender, \
            receiver.make_subscriber("/bench") as sub, \
            sender.make_status_subscriber(True) as ss:
        port = receiver.listen("127.0.0.1", 0)
        if not sender.peer("127.0.0.1", port, 1.0):
            raise SystemExit("peering failed")
        st = ss.get(10.0)
        assert st is not None and st.code() == broker.SC.PeerAdded, st
        flow = Flow()
        start = time.perf_counter()
        worker = threading.Thread(target=publish_all,
                                  args=(sender, mode, total, flow))
        worker.start()
        got = 0
        while got < total:
            msgs = sub.get(min(READ_BATCH, total - got), 10.0)
            if not msgs:
                raise SystemExit("stalled after {} of {}".format(got, total))
            got += len(msgs)
            flow.add(len(msgs))
        elapsed = time.perf_counter() - start
        worker.join()
        return total / elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200000)
    parser.add_argument("--mode", choices=["publish", "batch", "publisher",
                                           "all"], default="all")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    modes = ["publish", "batch", "publisher"] if args.mode == "all" \
        else [args.mode]
    for mode in modes:
        rates = [run(mode, args.messages) for _ in range(args.repeat)]
        print("{:<9} {:>7} msgs: {} msgs/s".format(
            mode, args.messages,
            ", ".join("{:,.0f}".format(r) for r in sorted(rates))))


if __name__ == "__main__":
    main()
