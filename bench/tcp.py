#!/usr/bin/env python3
"""TCP benchmark between two broker-node processes over loopback.

- throughput: a generator publishes n messages to a sink (paced by the
  sink's acknowledgements, at most --max-in-flight ahead, so nothing is
  dropped); small messages vector{count, string of 10, real} and 1 KiB
  strings. The rate runs from the first publish to the last ack.
- round trips: ping/pong, one message in flight, percentiles in us.
- peak RSS (VmHWM) of both processes, printed by each before it exits.

Usage: tcp.py <broker-node> [--repeat N] [--small N] [--large N] [--rtt N]
"""

import argparse
import re
import statistics
import subprocess
import sys

TOPIC = "/bench"
TIMEOUT = 300


def varint_size(n):
    size = 1
    while n >= 0x80:
        n >>= 7
        size += 1
    return size


def frame_bytes(i, payload_size):
    """Bytes of data frame i on the wire (docs/protocol.md 4 and 5.3)."""
    fixed = 6 + 20 + 8 + 2 + 1 + varint_size(len(TOPIC)) + len(TOPIC)
    if payload_size == 0:
        # vector tag+count, count tag+varint, string tag+len+10, real tag+8
        value = 2 + 1 + varint_size(i) + 12 + 9
    else:
        value = 1 + varint_size(payload_size) + payload_size
    return fixed + value


def total_frame_bytes(n, payload_size):
    if payload_size:
        return n * frame_bytes(0, payload_size)
    total, lo, width = 0, 0, 1
    # Group the counts by varint width instead of summing n terms.
    while lo < n:
        hi = min(n, 1 << (7 * width))
        total += (hi - lo) * frame_bytes(lo, 0)
        lo, width = hi, width + 1
    return total


def start(node, *args):
    return subprocess.Popen([node, *args], stdout=subprocess.PIPE,
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


def rss(text):
    return int(re.search(r"^peak_rss_kib (\d+)$", text, re.M).group(1))


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


def throughput(node, n, payload_size):
    size = ["-n", str(n), "-s", str(payload_size)]
    sink_out, gen_out = pair(node, ["-m", "sink", *size],
                             ["-m", "generate", *size])
    stats = fields(gen_out, "generate_stats")
    rate = stats["msgs_per_s"]
    wire_mb = total_frame_bytes(n, payload_size) / stats["secs"] / 1e6
    payload_mb = rate * payload_size / 1e6
    return rate, wire_mb, payload_mb, rss(gen_out), rss(sink_out)


def round_trips(node, n):
    pong_out, ping_out = pair(node, ["-m", "pong"],
                              ["-m", "ping", "-n", str(n), "--warmup", "100"])
    return fields(ping_out, "ping_stats"), rss(ping_out), rss(pong_out)


def report_throughput(node, label, n, payload_size, repeat):
    runs = [throughput(node, n, payload_size) for _ in range(repeat)]
    med = runs[sorted(range(repeat), key=lambda i: runs[i][0])[repeat // 2]]
    rates = ", ".join(f"{r[0] / 1e6:.2f}" for r in runs)
    payload = f", {med[2]:.0f} MB/s payload" if payload_size else ""
    print(f"tcp: {label}: {med[0] / 1e6:.2f} M msgs/s median of [{rates}]; "
          f"{med[1]:.0f} MB/s on the wire{payload}; "
          f"peak RSS generator {med[3] / 1024:.1f} MiB, "
          f"sink {med[4] / 1024:.1f} MiB ({n} messages)")


def report_rtt(node, n, repeat):
    runs = [round_trips(node, n) for _ in range(repeat)]
    med = sorted(runs, key=lambda r: r[0]["p50_us"])[repeat // 2]
    p50s = ", ".join(f"{r[0]['p50_us']:.0f}" for r in runs)
    s = med[0]
    print(f"tcp: ping-pong RTT ({n} round trips after 100 warm-up): "
          f"p50 {s['p50_us']:.1f} us, p90 {s['p90_us']:.1f} us, "
          f"p99 {s['p99_us']:.1f} us, mean {s['mean_us']:.1f} us, "
          f"max {s['max_us']:.0f} us (median run; p50 of runs [{p50s}]); "
          f"peak RSS ping {med[1] / 1024:.1f} MiB, pong {med[2] / 1024:.1f} MiB")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("node")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--small", type=int, default=2_000_000)
    ap.add_argument("--large", type=int, default=500_000)
    ap.add_argument("--rtt", type=int, default=10_000)
    args = ap.parse_args()
    report_throughput(args.node, "small messages", args.small, 0, args.repeat)
    report_throughput(args.node, "1 KiB strings", args.large, 1024,
                      args.repeat)
    report_rtt(args.node, args.rtt, args.repeat)


if __name__ == "__main__":
    sys.exit(main())
