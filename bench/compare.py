#!/usr/bin/env python3
"""`make bench`: our Broker against upstream Broker 1.4, ZeroMQ and a raw
TCP echo, in one interleaved run, as one table of ratios.

Round r runs every row (scenario x system) once before round r+1 starts, so
a slow phase of a shared machine hits every row alike; the table shows
medians over the rounds and the ratios between them. "x upstream" and
"x zmq" are speed-ups: ours/theirs for rates, theirs/ours for latencies and
times, so above 1 always means ours is better. Rows marked * compare our TLS
figure with ZeroMQ's and raw TCP's plain one (they run without TLS here).

Usage: compare.py [--build DIR] [--rounds N] [--smoke] [--only KEY,...]
                  [--no-upstream] [--json FILE] [--plot FILE]
                  [--check FLOORS.json]
--smoke uses small counts; --check fails (exit 1) when a speed-up listed in
FLOORS.json falls below its floor, and only then: never on absolute times.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

import vs_procs
import vs_rows
from vs_procs import Failed

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

FULL = dict(inproc=1_000_000, up_inproc=300_000, small=1_000_000,
            up_small=300_000, large=200_000, up_large=50_000, fanout=300_000,
            up_fanout=100_000, rtt=10_000, up_rtt=1_000,
            store_memory=200_000, up_store_memory=20_000, store_sqlite=50_000,
            up_store_sqlite=300, clone=100_000, python=200_000,
            up_python=20_000)
SMOKE = dict(inproc=100_000, up_inproc=50_000, small=100_000, up_small=30_000,
             large=20_000, up_large=5_000, fanout=30_000, up_fanout=10_000,
             rtt=1_000, up_rtt=100, store_memory=20_000, up_store_memory=2_000,
             store_sqlite=5_000, up_store_sqlite=30, clone=20_000,
             python=20_000, up_python=3_000)
SYSTEMS = ["ours", "upstream", "zmq", "tcp"]


def prepare_upstream(build, updir):
    """Path of the upstream program, or (None, reason)."""
    fetch = subprocess.run(["bash", f"{HERE}/fetch_upstream.sh", updir],
                           capture_output=True, text=True)
    if fetch.returncode != 0:
        return None, "could not fetch Broker 1.4: " + fetch.stderr.strip()
    exe = f"{build}/vs/upstream-bench"
    comp = subprocess.run(["bash", f"{HERE}/vs/build_upstream.sh", updir, exe],
                          capture_output=True, text=True)
    if comp.returncode != 0:
        return None, "could not compile against 1.4: " + comp.stderr[-400:]
    return exe, None


def available(paths, upstream_reason):
    """System -> None if runnable, else why not."""
    why = {"ours": None, "upstream": upstream_reason, "zmq": None, "tcp": None}
    for exe in (paths.node, paths.endpoint, paths.store):
        if not os.access(exe, os.X_OK):
            why["ours"] = f"{exe} missing (build with -DBROKER_ENABLE_BENCH=ON)"
    if not os.access(paths.zmq, os.X_OK):
        why["zmq"] = "vs-zmq not built (libzmq3-dev and cppzmq-dev missing?)"
    if not os.access(paths.echo, os.X_OK):
        why["tcp"] = "vs-tcp-echo not built"
    return why


def run_rounds(rows, rounds, why):
    """{(key, system): [sample, ...]} with sample = {metrics, procs, n}."""
    samples = {}
    failures = []
    for r in range(rounds):
        print(f"round {r + 1} of {rounds}:", flush=True)
        for key, _, _, systems, _ in rows:
            for system, (runner, n) in systems.items():
                if why[system]:
                    continue
                start = time.time()
                try:
                    metrics, procs = runner(n)
                except Failed as e:
                    failures.append((key, system, str(e)))
                    print(f"  {key:16} {system:9} FAILED: {e}", flush=True)
                    continue
                samples.setdefault((key, system), []).append(
                    {"metrics": metrics, "n": n,
                     "procs": [{"role": role, "rss_mib": rss, "cpu_s": cpu}
                               for role, _, rss, cpu in procs]})
                shown = ", ".join(f"{m} {fmt(m, v)}" for m, v in metrics.items())
                print(f"  {key:16} {system:9} {shown} "
                      f"({time.time() - start:.1f} s)", flush=True)
    return samples, failures


def medians(samples):
    out = {}
    for (key, system), runs in samples.items():
        metrics = {m: statistics.median(s["metrics"][m] for s in runs)
                   for m in runs[0]["metrics"]}
        procs = {}
        for i, p in enumerate(runs[0]["procs"]):
            procs[p["role"]] = {
                "rss_mib": statistics.median(s["procs"][i]["rss_mib"] for s in runs),
                "cpu_us_per_msg": statistics.median(
                    s["procs"][i]["cpu_s"] * 1e6 / s["n"] for s in runs)}
        out[f"{key}/{system}"] = {"metrics": metrics, "procs": procs,
                                  "n": runs[0]["n"], "rounds": len(runs)}
    return out


def fmt(metric, v):
    if v is None:
        return "-"
    if metric == "secs":
        return f"{v:.3f} s"
    if metric.endswith("us"):
        return f"{v:.1f}"
    if v >= 1e6:
        return f"{v / 1e6:.2f} M"
    if v >= 1e3:
        return f"{v / 1e3:.1f} k"
    return f"{v:.0f}"


def speedup(metric, ours, theirs):
    if ours is None or theirs is None or ours == 0 or theirs == 0:
        return None
    if metric in vs_rows.LOWER_IS_BETTER:
        return theirs / ours
    return ours / theirs


def table_rows(rows, med):
    """[(title, metric, {system: value}, {system: speed-up}, starred)]."""
    out = []
    for key, title, metrics, _, ref in rows:
        for metric in metrics:
            vals = {}
            for system in SYSTEMS:
                src = key if system in ("ours", "upstream") or not ref else ref
                m = med.get(f"{src}/{system}")
                vals[system] = m["metrics"].get(metric) if m else None
            ups = {s: speedup(metric, vals["ours"], vals[s])
                   for s in SYSTEMS[1:]}
            out.append((key, title, metric, vals, ups, bool(ref)))
    return out


def print_table(trows):
    head = (f"| {'scenario':36} | {'metric':10} | {'ours':>9} | {'upstream':>9} "
            f"| {'zmq':>9} | {'raw tcp':>9} | {'x upstream':>10} | {'x zmq':>7} "
            f"| {'x tcp':>6} |")
    print(head)
    print("|" + "|".join("-" * (len(c)) for c in head.split("|")[1:-1]) + "|")
    for _, title, metric, vals, ups, starred in trows:
        star = "*" if starred else " "
        cells = [fmt(metric, vals[s]) for s in SYSTEMS]
        ratios = [f"{ups[s]:.2f}" if ups[s] is not None else "-"
                  for s in SYSTEMS[1:]]
        print(f"| {title:36} | {metric:10} | {cells[0]:>9} | {cells[1]:>9} "
              f"| {cells[2] + star:>9} | {cells[3] + star:>9} "
              f"| {ratios[0]:>10} | {ratios[1]:>7} | {ratios[2]:>6} |")


def print_resources(med):
    print("\n| row / system | process | peak RSS MiB | CPU us per msg (or op) |")
    print("|---|---|---|---|")
    for name, m in med.items():
        for role, p in m["procs"].items():
            print(f"| {name} | {role} | {p['rss_mib']:.1f} "
                  f"| {p['cpu_us_per_msg']:.2f} |")


def check_floors(path, trows, why):
    """Compares speed-ups with the floors; returns the number of failures."""
    with open(path) as f:
        floors = json.load(f)
    found = {f"{key} {metric} x {s}": ups[s]
             for key, _, metric, _, ups, _ in trows for s in ups}
    bad = skipped = ok = 0
    for name, floor in floors.items():
        if name.startswith("_"):
            continue
        value = found.get(name)
        system = name.rsplit(" x ", 1)[1]
        if value is None:
            skipped += 1
            reason = why.get(system) or "no result"
            print(f"bench-smoke: SKIP {name}: {reason}")
        elif value < floor:
            bad += 1
            print(f"bench-smoke: FAIL {name}: speed-up {value:.2f} < floor {floor}")
        else:
            ok += 1
            print(f"bench-smoke: ok   {name}: {value:.2f} >= {floor}")
    print(f"bench-smoke: {ok} ratios ok, {bad} below their floor, "
          f"{skipped} skipped")
    return bad


def machine():
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/loadavg") as f:
        load = f.read().split()[0]
    return {"nproc": os.cpu_count(), "cpu": model, "kernel": platform.release(),
            "python": platform.python_version(), "load_at_end": load,
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=f"{ROOT}/build-bench")
    ap.add_argument("--upstream-dir", default=f"{ROOT}/build-upstream")
    ap.add_argument("--rounds", type=int)
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--only", help="comma-separated scenario keys")
    ap.add_argument("--no-upstream", action="store_true")
    ap.add_argument("--json")
    ap.add_argument("--plot")
    ap.add_argument("--check")
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    rounds = args.rounds or (1 if args.smoke else 3)
    if args.no_upstream:
        upstream, reason = None, "--no-upstream"
    else:
        upstream, reason = prepare_upstream(build, args.upstream_dir)
    paths = vs_rows.Paths(build, upstream,
                          os.path.abspath(f"{args.upstream_dir}/root"))
    why = available(paths, reason)
    launcher = f"{build}/bench/vs-run"
    if os.access(launcher, os.X_OK):
        vs_procs.LAUNCHER = launcher
    else:
        print("compare: no vs-run; peak RSS includes the driver's")
    for system, text in why.items():
        if text:
            print(f"compare: {system} rows skipped: {text}")
    if why["ours"]:
        return 1
    rows = vs_rows.scenarios(paths, SMOKE if args.smoke else FULL)
    if args.only:
        keys = args.only.split(",")
        rows = [r for r in rows if r[0] in keys]
    samples, failures = run_rounds(rows, rounds, why)
    med = medians(samples)
    trows = table_rows(rows, med)
    info = machine()
    print(f"\nmedians of {rounds} interleaved round(s); {info['nproc']} CPUs "
          f"({info['cpu']}), load average {info['load_at_end']} at the end\n")
    print_table(trows)
    print_resources(med)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": info, "rounds": rounds, "smoke": args.smoke,
                       "skipped": {k: v for k, v in why.items() if v},
                       "failures": failures, "results": med}, f, indent=1)
    if args.plot:
        try:
            import plot
            plot.draw(trows, args.plot, info)
            print(f"compare: plot written to {args.plot}")
        except ImportError as e:
            print(f"compare: no plot ({e}; apt-get install python3-matplotlib)")
    status = 0
    if any(system == "ours" for _, system, _ in failures):
        status = 1
    if args.check and check_floors(args.check, trows, why):
        status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
