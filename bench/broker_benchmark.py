#!/usr/bin/env python3
"""Zeek events between two broker-benchmark processes over loopback
(tools/benchmark/README.md), with broker-node's small-message throughput as
the baseline of the same run.

For each repetition, one after the other: the baseline (broker-node
generate -> sink, paced by the sink's acknowledgements), then event types
1, 2 and 3 (broker-benchmark --server <- sender at batch rate 0, batches of
--batch, at most --window events unconfirmed, receiver reports every
--stats-interval). Reported per run: the receiver's events/s and payload
MB/s (first to last event), and the CPU time per event of both processes
(from wait4). Then the median run of each.

Usage: broker_benchmark.py <build-dir> [--repeat N] [--count1 N]
           [--count2 N] [--count3 N] [--batch N] [--window N]
           [--stats-interval S] [--set broker.KEY=VALUE ...]
"""

import argparse
import os
import re
import subprocess
import sys

TIMEOUT = 600
SETTINGS = []


class Run:
    """A process whose stdout is read to its end; CPU time from wait4."""

    def __init__(self, *args):
        self.args = [str(a) for a in args] + SETTINGS
        self.proc = subprocess.Popen(self.args, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        self.lines = []

    def line(self, pattern):
        """Reads stdout up to the first line matching pattern."""
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))
            m = re.search(pattern, line)
            if m:
                return m
        raise RuntimeError(f"{self.args}: exited before {pattern!r}\n"
                           + self.proc.stderr.read())

    def finish(self):
        """(stdout lines, CPU seconds); fails on a non-zero exit."""
        self.lines += [l.rstrip("\n") for l in self.proc.stdout]
        err = self.proc.stderr.read()
        _, status, usage = os.wait4(self.proc.pid, 0)
        self.proc.returncode = os.waitstatus_to_exitcode(status)
        if self.proc.returncode != 0:
            raise RuntimeError(f"{self.args} failed ({self.proc.returncode})"
                               f":\n" + "\n".join(self.lines) + "\n" + err)
        return self.lines, usage.ru_utime + usage.ru_stime


def fields(lines, tag):
    for line in lines:
        if line.startswith(tag + " "):
            return dict(f.split("=", 1) for f in line.split()[1:])
    raise RuntimeError(f"no {tag} line in {lines}")


def describe(rate, mb, n, cpu_a, cpu_b, names):
    return (f"{rate / 1e3:.0f} k/s, {mb:.1f} MB/s payload; CPU "
            f"{cpu_a * 1e6 / n:.2f} us/msg {names[0]}, "
            f"{cpu_b * 1e6 / n:.2f} us/msg {names[1]}")


def baseline(build, n):
    node = os.path.join(build, "tools", "node", "broker-node")
    sink = Run(node, "-t", "/bench", "-l", "0", "-m", "sink", "-n", n)
    port = sink.line(r"^listening (\d+)$").group(1)
    gen = Run(node, "-t", "/bench", "-p", f"127.0.0.1:{port}",
              "-m", "generate", "-n", n)
    gen_lines, gen_cpu = gen.finish()
    _, sink_cpu = sink.finish()
    stats = fields(gen_lines, "generate_stats")
    rate = float(stats["msgs_per_s"])
    # vector{count, string(10), real}: 32 bytes in the data encoding.
    return rate, describe(rate, rate * 32 / 1e6, n, gen_cpu, sink_cpu,
                          ("generator", "sink"))


def events(build, args, event_type, n):
    tool = os.path.join(build, "tools", "benchmark", "broker-benchmark")
    recv = Run(tool, "--server", "127.0.0.1:0", "--stats-interval",
               args.stats_interval)
    port = recv.line(r"^listening (\d+)$").group(1)
    send = Run(tool, "-t", event_type, "-r", "0", "-s", args.batch,
               "-f", args.window, "-n", n, f"127.0.0.1:{port}")
    _, send_cpu = send.finish()
    recv_lines, recv_cpu = recv.finish()
    r = fields(recv_lines, "receiver")
    if int(r["events"]) != n or r["dropped"] != "0":
        raise RuntimeError(f"receiver: {r}")
    rate = float(r["events_per_s"])
    return rate, describe(rate, float(r["bytes_per_s"]) / 1e6, n, send_cpu,
                          recv_cpu, ("sender", "receiver"))


def report(label, runs):
    print(f"broker-benchmark: {label}:")
    for i, (_, text) in enumerate(runs):
        print(f"  run {i + 1}: {text}")
    med = sorted(runs, key=lambda r: r[0])[len(runs) // 2]
    print(f"  median: {med[1]}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--count1", type=int, default=1_000_000)
    ap.add_argument("--count2", type=int, default=500_000)
    ap.add_argument("--count3", type=int, default=100_000)
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--window", type=int, default=30_000)
    ap.add_argument("--stats-interval", type=float, default=0.02)
    ap.add_argument("--set", action="append", default=[],
                    metavar="broker.KEY=VALUE")
    args = ap.parse_args()
    SETTINGS.extend(f"--{kv}" for kv in args.set)
    counts = {1: args.count1, 2: args.count2, 3: args.count3}
    results = {k: [] for k in ("baseline", 1, 2, 3)}
    # Interleaved, so that a change in the machine's load hits every kind.
    for _ in range(args.repeat):
        results["baseline"].append(baseline(args.build, args.count1))
        for t in (1, 2, 3):
            results[t].append(events(args.build, args, t, counts[t]))
    report(f"baseline: broker-node small messages ({args.count1})",
           results["baseline"])
    names = {1: "event_1(int, string)", 2: "event_2 (conn.log record)",
             3: "event_3(time, table of sets)"}
    for t in (1, 2, 3):
        report(f"type {t}, {names[t]} ({counts[t]})", results[t])
    with open("/proc/loadavg") as f:
        print(f"broker-benchmark: load average at the end: "
              f"{f.read().split()[0]}")


if __name__ == "__main__":
    sys.exit(main())
