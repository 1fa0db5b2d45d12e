#!/usr/bin/env python3
"""TCP benchmark between two broker-node processes over loopback.

- throughput: a generator publishes n messages to a sink (paced by the
  sink's acknowledgements, at most --max-in-flight ahead, so nothing is
  dropped); small messages vector{count, string of 10, real} and 1 KiB
  strings. The rate runs from the first publish to the last ack.
- round trips: ping/pong, one message in flight, percentiles in us.
- peak RSS (VmHWM) and CPU time per message of both processes, printed by
  each before it exits (CPU time says more than wall time on a busy
  machine).

Usage: tcp.py <broker-node> [--repeat N] [--small N] [--large N] [--rtt N]
              [--set broker.KEY=VALUE ...]   (a library setting for both nodes)
"""

import argparse
import re
import statistics
import subprocess
import sys

TOPIC = "/bench"
TIMEOUT = 300
# Library settings for both nodes (--set), as broker-node flags.
SETTINGS = []


def varbyte_size(n):
    size = 1
    while n >= 0x80:
        n >>= 7
        size += 1
    return size


def frame_bytes(payload_size):
    """Bytes of one data message on the wire between two of our endpoints
    (docs/protocol.md 4, 6.1 and 7.2): length prefix, envelope, topic, the
    origin and sequence number of the extended form, the value."""
    fixed = 4 + 37 + len(TOPIC) + 24
    if payload_size == 0:
        # vector tag+count, count tag+8, string tag+len+10, real tag+8
        value = 2 + 9 + 12 + 9
    else:
        value = 1 + varbyte_size(payload_size) + payload_size
    return fixed + value


def total_frame_bytes(n, payload_size):
    # Counts are fixed-width in the data encoding: every frame is alike.
    return n * frame_bytes(payload_size)


def start(node, *args):
    return subprocess.Popen([node, *args, *SETTINGS], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def wait_line(proc, pattern):
    for line in proc.stdout:
        m = re.search(pattern, line)
        if m:
            return m
    raise RuntimeError(f"{proc.args}: exited before {pattern!r}")


def finish(proc):
    """Rest of the output as one string; fails on a non-zero exit."""
    out, _ = proc.communicate(timeout=TIMEOUT)
    if proc.returncode != 0:
        raise RuntimeError(f"{proc.args} failed:\n{out}")
    return out


def fields(text, tag):
    m = re.search(rf"^{tag} (.*)$", text, re.M)
    return {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", m.group(1))}


def usage(text, n):
    """(peak RSS in MiB, CPU microseconds per message) of one process."""
    rss = int(re.search(r"^peak_rss_kib (\d+)$", text, re.M).group(1))
    cpu = fields(text, "cpu_seconds")
    return rss / 1024, (cpu["user"] + cpu["sys"]) * 1e6 / n


def pair(node, server_args, client_args):
    """Runs a listening node and a node that dials it; their outputs."""
    server = start(node, "-t", TOPIC, "-l", "0", *server_args)
    try:
        port = wait_line(server, r"^listening (\d+)$").group(1)
        client = start(node, "-t", TOPIC, "-p", f"127.0.0.1:{port}",
                       *client_args)
        client_out = finish(client)
        return finish(server), client_out
    finally:
        server.kill()


def describe(side, out, n):
    rss, cpu = usage(out, n)
    return f"{side} {rss:.1f} MiB peak RSS, {cpu:.2f} us CPU/msg"


def throughput(node, n, payload_size):
    """(msgs/s, description) of one run."""
    size = ["-n", str(n), "-s", str(payload_size)]
    sink_out, gen_out = pair(node, ["-m", "sink", *size],
                             ["-m", "generate", *size])
    stats = fields(gen_out, "generate_stats")
    rate = stats["msgs_per_s"]
    wire_mb = total_frame_bytes(n, payload_size) / stats["secs"] / 1e6
    text = f"{rate / 1e6:.2f} M msgs/s, {wire_mb:.0f} MB/s on the wire"
    if payload_size:
        text += f" ({rate * payload_size / 1e6:.0f} MB/s payload)"
    text += (f"; {describe('generator', gen_out, n)}; "
             f"{describe('sink', sink_out, n)}")
    return rate, text


def round_trips(node, n):
    """(p50 in us, description) of one run."""
    pong_out, ping_out = pair(node, ["-m", "pong"],
                              ["-m", "ping", "-n", str(n), "--warmup", "100"])
    s = fields(ping_out, "ping_stats")
    total = n + 100
    text = (f"p50 {s['p50_us']:.1f} us, p90 {s['p90_us']:.1f} us, "
            f"p99 {s['p99_us']:.1f} us, mean {s['mean_us']:.1f} us, "
            f"max {s['max_us']:.0f} us; {describe('ping', ping_out, total)}; "
            f"{describe('pong', pong_out, total)}")
    return s["p50_us"], text


def report(label, runs):
    """Every run, then the median run by its key."""
    print(f"tcp: {label}:")
    for i, (_, text) in enumerate(runs):
        print(f"  run {i + 1}: {text}")
    med = sorted(runs, key=lambda r: r[0])[len(runs) // 2]
    print(f"  median: {med[1]}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("node")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--small", type=int, default=2_000_000)
    ap.add_argument("--large", type=int, default=500_000)
    ap.add_argument("--rtt", type=int, default=10_000)
    ap.add_argument("--set", action="append", default=[],
                    metavar="broker.KEY=VALUE")
    args = ap.parse_args()
    SETTINGS.extend(f"--{kv}" for kv in args.set)
    if SETTINGS:
        print(f"tcp: settings {' '.join(SETTINGS)}")
    reps = range(args.repeat)
    report(f"small messages ({args.small})",
           [throughput(args.node, args.small, 0) for _ in reps])
    report(f"1 KiB strings ({args.large})",
           [throughput(args.node, args.large, 1024) for _ in reps])
    report(f"ping-pong, {args.rtt} round trips after 100 warm-up",
           [round_trips(args.node, args.rtt) for _ in reps])
    with open("/proc/loadavg") as f:
        print(f"tcp: load average at the end: {f.read().split()[0]}")


if __name__ == "__main__":
    sys.exit(main())
