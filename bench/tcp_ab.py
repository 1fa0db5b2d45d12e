#!/usr/bin/env python3
"""Interleaved A/B comparison of two broker-node builds over loopback TCP
(e.g. before and after a change), plain TCP and TLS: small-message
throughput and ping-pong round trips. Round r runs every (build, transport)
pair once before round r+1 starts, so a slow phase of a shared machine hits
both builds alike; medians and ratios come from the same run.

Usage: tcp_ab.py <node A> <node B> [--rounds N] [--small N] [--rtt N]
"""

import argparse
import statistics

import tcp

TRANSPORTS = {"plain": ["--broker.disable_ssl=true"], "tls": []}


def one_round(nodes, args, results):
    for label, node in nodes.items():
        for transport, settings in TRANSPORTS.items():
            tcp.SETTINGS[:] = settings
            rate, _ = tcp.throughput(node, args.small, 0)
            p50, _ = tcp.round_trips(node, args.rtt)
            results[(label, transport, "msgs/s")].append(rate)
            results[(label, transport, "p50 us")].append(p50)
            print(f"  {label} {transport}: {rate / 1e6:.2f} M msgs/s, "
                  f"round trip p50 {p50:.1f} us", flush=True)


def summary(results):
    print("median over rounds (B/A: >1 is faster for msgs/s, <1 for p50):")
    for transport in TRANSPORTS:
        for metric in ("msgs/s", "p50 us"):
            a = statistics.median(results[("A", transport, metric)])
            b = statistics.median(results[("B", transport, metric)])
            scale = 1e6 if metric == "msgs/s" else 1
            unit = "M msgs/s" if metric == "msgs/s" else "us"
            print(f"  {transport:5} {metric:6}: A {a / scale:.2f} {unit}, "
                  f"B {b / scale:.2f} {unit}, B/A {b / a:.2f}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("node_a")
    ap.add_argument("node_b")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--small", type=int, default=2_000_000)
    ap.add_argument("--rtt", type=int, default=10_000)
    args = ap.parse_args()
    nodes = {"A": args.node_a, "B": args.node_b}
    results = {(l, t, m): [] for l in nodes for t in TRANSPORTS
               for m in ("msgs/s", "p50 us")}
    for r in range(args.rounds):
        print(f"round {r + 1}:", flush=True)
        one_round(nodes, args, results)
    summary(results)
    with open("/proc/loadavg") as f:
        print(f"load average at the end: {f.read().split()[0]}")


if __name__ == "__main__":
    main()
