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

WINDOW = 20000      # messages in flight, and the subscriber queue size
BATCH = 100         # messages per publish_batch() call in batch mode


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
    if mode == "publisher" and hasattr(pub, "reset"):
        pub.reset()


def run(mode, total):
    # No `with`: upstream's 1.4 bindings (bench/compare.py runs this script
    # against them too) have no context managers; shutdown() ends both.
    receiver, sender = broker.Endpoint(), broker.Endpoint()
    try:
        # Room for the whole window: with the default of 20, upstream's
        # subscriber throttles the stream to a crawl.
        sub = receiver.make_subscriber("/bench", WINDOW)
        port = receiver.listen("127.0.0.1", 0)
        if not sender.peer("127.0.0.1", port, 1.0):
            raise SystemExit("peering failed")
        # Upstream's peer() returns before the receiver's subscription is
        # known: wait for it, or the first messages go nowhere.
        deadline = time.time() + 10
        while "/bench" not in [str(t) for t in sender.peer_subscriptions()]:
            if time.time() > deadline:
                raise SystemExit("no subscription from the receiver")
            time.sleep(0.01)
        flow = Flow()
        start = time.perf_counter()
        worker = threading.Thread(target=publish_all,
                                  args=(sender, mode, total, flow))
        worker.start()
        got = 0
        while got < total:
            # One blocking get, then whatever else is there: upstream's
            # get(n, timeout) waits for all n, which stalls a stream.
            first = sub.get(1, 10.0)
            msgs = (first or []) + sub.poll()
            if not msgs:
                raise SystemExit("stalled after {} of {}".format(got, total))
            got += len(msgs)
            flow.add(len(msgs))
        elapsed = time.perf_counter() - start
        worker.join()
        return total / elapsed
    finally:
        sender.shutdown()
        receiver.shutdown()


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
        print("result mode={} msgs_per_s={:.0f}".format(
            mode, sorted(rates)[len(rates) // 2]))
        print("{:<9} {:>7} msgs: {} msgs/s".format(
            mode, args.messages,
            ", ".join("{:,.0f}".format(r) for r in sorted(rates))))


if __name__ == "__main__":
    main()
