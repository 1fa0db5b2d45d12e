"""The scenarios of bench/compare.py and how each system runs them.

A scenario has metrics (higher is better for rates, lower for latencies and
times) and, per system, a runner: a function of the message count that runs
the programs once and returns (metrics, processes), processes being
[(role, text, peak RSS MiB, CPU seconds)]. Systems: ours (broker-node,
bench-endpoint, bench-store-api, our Python package), upstream (Broker 1.4:
bench/vs/upstream_bench.cc and python3-broker), zmq (bench/vs/zmq_bench.cc)
and tcp (bench/vs/tcp_echo.cc, round trips only).
"""

import os
import re

from vs_procs import Proc, Failed, fields, run_all, run_one

HERE = os.path.dirname(os.path.abspath(__file__))
PLAIN = ["--broker.disable_ssl=true"]


class Paths:
    def __init__(self, build, upstream_bin, upstream_root):
        self.node = f"{build}/tools/node/broker-node"
        self.endpoint = f"{build}/bench/bench-endpoint"
        self.store = f"{build}/bench/bench-store-api"
        self.zmq = f"{build}/bench/vs-zmq"
        self.echo = f"{build}/bench/vs-tcp-echo"
        self.python = f"{build}/python"
        self.upstream = upstream_bin
        self.up_root = upstream_root


def rate(text, pattern):
    m = re.search(pattern, text, re.M)
    if not m:
        raise Failed(f"no match for {pattern!r} in:\n{text[-500:]}")
    return float(m.group(1))


# --- ours -------------------------------------------------------------------

def ours_inproc(p, subs):
    def run(n):
        procs = run_one("process", [p.endpoint, n, f"--subscribers={subs}"])
        return {"msgs/s": rate(procs[0][1], r"subscriber\(s\): (\d+) msgs/s")}, procs
    return run


def ours_stream(p, payload, tls, sinks=1):
    def run(n):
        extra = [] if tls else PLAIN
        size = ["-n", n, "-s", payload, "-t", "/bench"]
        # Keep the window within broker.peer-buffer-bytes (8 MiB by default,
        # whose `disconnect` policy drops the peer): at most ~4 MiB ahead.
        window = max(2048, min(32768, 4 * 2**20 // max(payload, 64)))
        servers = [Proc(f"sink{i + 1}" if sinks > 1 else "sink",
                        [p.node, "-m", "sink", "-l", "0", *size, *extra])
                   for i in range(sinks)]
        procs = run_all(servers, lambda ports: [Proc(
            "generator", [p.node, "-m", "generate", *size, *extra,
                          "--max-in-flight", window,
                          *[a for port in ports
                            for a in ("-p", f"127.0.0.1:{port}")]])])
        return {"msgs/s": fields(procs[0][1], "generate_stats")["msgs_per_s"]}, procs
    return run


def ours_rtt(p, tls):
    def run(n):
        extra = [] if tls else PLAIN
        procs = run_all(
            [Proc("pong", [p.node, "-m", "pong", "-l", "0", "-t", "/bench", *extra])],
            lambda ports: [Proc("ping", [
                p.node, "-m", "ping", "-n", n, "--warmup", 100, "-t", "/bench",
                "-p", f"127.0.0.1:{ports[0]}", *extra])])
        s = fields(procs[0][1], "ping_stats")
        return {"p50 us": s["p50_us"], "p90 us": s["p90_us"],
                "p99 us": s["p99_us"]}, procs
    return run


STORE_OPS = {"put": "put (applied)", "get": "get (blocking)",
             "proxy get": "get (proxy, pipelined)",
             "put_unique": "put_unique (blocking)"}


def ours_store(p, kind):
    def run(n):
        procs = run_one("process", [p.store, n, f"--only={kind}"])
        return {op: rate(procs[0][1], rf"^{kind}: {re.escape(label)}\s.*?"
                         r"(\d+) ops/s$")
                for op, label in STORE_OPS.items()}, procs
    return run


def ours_clone(p):
    def run(n):
        procs = run_one("process", [p.store, n, "--only=clone"])
        return {"secs": rate(procs[0][1], r"new clone in sync .* ([\d.]+) s$")}, procs
    return run


def python_pubsub(pythonpath, ld_path=None):
    def run(n):
        env = {"PYTHONPATH": pythonpath}
        if ld_path:
            env["LD_LIBRARY_PATH"] = ld_path
        procs = run_one("process", ["/usr/bin/python3",
                                    f"{HERE}/python_throughput.py", "--messages",
                                    n, "--mode", "publish", "--repeat", 1], env)
        return {"msgs/s": fields(procs[0][1], "result")["msgs_per_s"]}, procs
    return run


# --- upstream 1.4, ZeroMQ, raw TCP --------------------------------------------

def up_inproc(p, subs):
    def run(n):
        procs = run_one("process", [p.upstream, "inproc", n, subs])
        return {"msgs/s": fields(procs[0][1], "result")["msgs_per_s"]}, procs
    return run


def up_stream(p, payload, tls, sinks=1):
    def run(n):
        extra = [] if tls else ["--plain"]
        servers = [Proc(f"sink{i + 1}" if sinks > 1 else "sink",
                        [p.upstream, "sink", n, payload, *extra])
                   for i in range(sinks)]
        procs = run_all(servers, lambda ports: [Proc(
            "generator", [p.upstream, "generate", n, payload, *ports, *extra])])
        return {"msgs/s": fields(procs[0][1], "result")["msgs_per_s"]}, procs
    return run


def up_rtt(p, tls):
    def run(n):
        extra = [] if tls else ["--plain"]
        procs = run_all([Proc("pong", [p.upstream, "pong", *extra])],
                        lambda ports: [Proc("ping", [p.upstream, "ping", n,
                                                     ports[0], *extra])])
        s = fields(procs[0][1], "result")
        return {"p50 us": s["p50_us"], "p90 us": s["p90_us"],
                "p99 us": s["p99_us"]}, procs
    return run


def up_store(p, kind):
    def run(n):
        path = f"/tmp/upstream-bench-{os.getpid()}.db"
        try:
            procs = run_one("process", [p.upstream, "store", n, kind, path])
        finally:
            for suffix in ("", "-wal", "-shm", "-journal"):
                if os.path.exists(path + suffix):
                    os.remove(path + suffix)
        ops = dict(re.findall(r"^result op=(\S+) ops_per_s=([\d.]+)",
                              procs[0][1], re.M))
        return {op: float(ops[op.replace(" ", "_")]) for op in STORE_OPS}, procs
    return run


def up_clone(p):
    def run(n):
        procs = run_one("process", [p.upstream, "clone", n])
        return {"secs": fields(procs[0][1], "result")["secs"]}, procs
    return run


def zmq_inproc(p, subs):
    def run(n):
        procs = run_one("process", [p.zmq, "inproc", n, subs])
        return {"msgs/s": fields(procs[0][1], "result")["msgs_per_s"]}, procs
    return run


def zmq_stream(p, payload, sinks=1):
    def run(n):
        servers = [Proc(f"sink{i + 1}" if sinks > 1 else "sink",
                        [p.zmq, "sink", n]) for i in range(sinks)]
        procs = run_all(servers, lambda ports: [Proc(
            "generator", [p.zmq, "generate", n, payload, *ports])])
        return {"msgs/s": fields(procs[0][1], "result")["msgs_per_s"]}, procs
    return run


def zmq_rtt(p):
    def run(n):
        procs = run_all([Proc("rep", [p.zmq, "rep"])],
                        lambda ports: [Proc("req", [p.zmq, "req", n, ports[0]])])
        s = fields(procs[0][1], "result")
        return {"p50 us": s["p50_us"], "p90 us": s["p90_us"],
                "p99 us": s["p99_us"]}, procs
    return run


def tcp_rtt(p):
    def run(n):
        procs = run_all([Proc("server", [p.echo, "server"])],
                        lambda ports: [Proc("client", [p.echo, "client", n,
                                                       ports[0]])])
        s = fields(procs[0][1], "result")
        return {"p50 us": s["p50_us"], "p90 us": s["p90_us"],
                "p99 us": s["p99_us"]}, procs
    return run


# --- the scenarios ----------------------------------------------------------

RTT = ["p50 us", "p90 us", "p99 us"]
LOWER_IS_BETTER = set(RTT) | {"secs"}


def scenarios(p, counts):
    """[(key, title, metrics, {system: (runner, n)}, reference)]; reference
    names the scenario whose zmq/tcp figures a TLS row is compared with
    (ZeroMQ has no TLS here)."""
    c = counts
    up_py = f"{p.up_root}/usr/lib/python3/dist-packages"
    up_lib = f"{p.up_root}/usr/lib/x86_64-linux-gnu"
    rows = []

    def add(key, title, metrics, systems, ref=None):
        rows.append((key, title, metrics, systems, ref))

    for subs in (1, 4):
        add(f"inproc-{subs}", f"in-process, 1 -> {subs} subscriber(s)",
            ["msgs/s"], {"ours": (ours_inproc(p, subs), c["inproc"]),
                         "upstream": (up_inproc(p, subs), c["up_inproc"]),
                         "zmq": (zmq_inproc(p, subs), c["inproc"])})
    for payload, name, n in ((0, "small", "small"), (1024, "1 KiB", "large")):
        for tls in (False, True):
            key = f"tcp-{name.replace(' ', '')}-{'tls' if tls else 'plain'}"
            systems = {"ours": (ours_stream(p, payload, tls), c[n]),
                       "upstream": (up_stream(p, payload, tls), c["up_" + n])}
            if not tls:
                systems["zmq"] = (zmq_stream(p, payload), c[n])
            add(key, f"2 processes, {name}, {'TLS' if tls else 'plain'}",
                ["msgs/s"], systems,
                ref=key.replace("-tls", "-plain") if tls else None)
    add("fanout-4", "fan-out to 4 peers, small, plain", ["msgs/s"],
        {"ours": (ours_stream(p, 0, False, 4), c["fanout"]),
         "upstream": (up_stream(p, 0, False, 4), c["up_fanout"]),
         "zmq": (zmq_stream(p, 0, 4), c["fanout"])})
    add("rtt-plain", "round trip, plain", RTT,
        {"ours": (ours_rtt(p, False), c["rtt"]),
         "upstream": (up_rtt(p, False), c["up_rtt"]),
         "zmq": (zmq_rtt(p), c["rtt"]), "tcp": (tcp_rtt(p), c["rtt"])})
    add("rtt-tls", "round trip, TLS", RTT,
        {"ours": (ours_rtt(p, True), c["rtt"]),
         "upstream": (up_rtt(p, True), c["up_rtt"])}, ref="rtt-plain")
    for kind in ("memory", "sqlite"):
        add(f"store-{kind}", f"store ops/s, {kind}", list(STORE_OPS),
            {"ours": (ours_store(p, kind), c["store_" + kind]),
             "upstream": (up_store(p, kind), c["up_store_" + kind])})
    add("clone", "new clone in sync", ["secs"],
        {"ours": (ours_clone(p), c["clone"]),
         "upstream": (up_clone(p), c["clone"])})
    add("python", "Python publish -> receive", ["msgs/s"],
        {"ours": (python_pubsub(p.python), c["python"]),
         "upstream": (python_pubsub(up_py, up_lib), c["up_python"])})
    return rows
