"""Metrics of real broker-node processes (docs/metrics.md), scraped with
curl over HTTP: the Prometheus exposition format parsed line by line, the
JSON status report, and metrics exported by one process and imported by
another. Every wait polls a condition until a deadline."""

import json
import re
import shutil
import subprocess
import time

import pytest

from conftest import TIMEOUT, peered

CURL = shutil.which("curl")

pytestmark = pytest.mark.skipif(CURL is None, reason="needs curl")

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
SAMPLE = re.compile(rf"^({NAME})(?:\{{(.*)\}})? (\S+)$")
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)')


def curl(port, path, *extra):
    """The body of GET path (curl fails on an HTTP error status)."""
    out = subprocess.run(
        [CURL, "-sS", "--fail", "--max-time", "5", *extra,
         f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True, timeout=TIMEOUT)
    assert out.returncode == 0, out.stderr
    return out.stdout


def unescape(value):
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n"
                  else m.group(1), value)


def parse_exposition(text):
    """{name: {"type":, "help":, "samples": [(labels dict, value)]}};
    fails on any line that is not in the text format."""
    families = {}
    for line in text.splitlines():
        if not line:
            continue
        if line.startswith("# HELP ") or line.startswith("# TYPE "):
            _, kind, name, rest = line.split(" ", 3)
            fam = families.setdefault(name, {"samples": []})
            fam["help" if kind == "HELP" else "type"] = rest
            continue
        m = SAMPLE.match(line)
        assert m, f"not a sample line: {line!r}"
        name, labels_text, value = m.groups()
        labels = {}
        if labels_text:
            pos = 0
            while pos < len(labels_text):
                lm = LABEL.match(labels_text, pos)
                assert lm, f"bad labels in {line!r}"
                labels[lm.group(1)] = unescape(lm.group(2))
                pos = lm.end()
        assert name in families, f"sample before its TYPE line: {line!r}"
        families[name]["samples"].append((labels, float(value)))
    for name, fam in families.items():
        assert fam.get("type") in ("counter", "gauge"), name
        if fam["type"] == "counter":
            assert name.endswith("_total"), name
    return families


def value(families, name, **labels):
    """The value of the one sample of `name` whose labels include
    `labels`, or None."""
    found = [v for ls, v in families.get(name, {"samples": []})["samples"]
             if all(ls.get(k) == w for k, w in labels.items())]
    assert len(found) <= 1, (name, labels, found)
    return found[0] if found else None


def until(fetch, pred, timeout=TIMEOUT):
    """Calls fetch() until pred(result) holds; returns the result."""
    deadline = time.monotonic() + timeout
    while True:
        x = fetch()
        if pred(x):
            return x
        assert time.monotonic() < deadline, f"condition never held: {x}"
        time.sleep(0.05)


def metrics_port(node):
    """The port from the node's `metrics <port>` line (printed before
    `listening`, which Cluster.start may have waited for already)."""
    line = node.wait_count(r"^metrics \d+$", 1)[0]
    return int(line.split()[1])


def test_scrape_counts_messages_per_peer(cluster):
    sink = cluster.start("sink", "subscribe", ["/t"], listen=0,
                         extra=["--broker.metrics.port=0",
                                "--broker.metrics.address=127.0.0.1",
                                "--broker.metrics.endpoint-name=sink"])
    port = metrics_port(sink)
    src = cluster.start("src", "publish", ["/t/x"], peers=[sink.port])
    peered((src, sink))
    for i in range(20):
        src.send(f"m{i}")
    sink.wait_count(r"^message /t/x ", 20)
    fams = until(lambda: parse_exposition(curl(port, "/metrics")),
                 lambda f: value(f, "broker_peer_received_messages_total",
                                 peer=src.node_id) == 20)
    assert fams["broker_connections"]["help"]
    assert value(fams, "broker_connections", endpoint="sink") == 1
    assert value(fams, "broker_processed_messages_total", endpoint="sink",
                 type="data") == 20
    assert value(fams, "broker_peer_received_bytes_total",
                 peer=src.node_id) > 0
    assert value(fams, "broker_peer_sent_bytes_total", peer=src.node_id) > 0
    assert value(fams, "broker_peer_buffer_capacity",
                 peer=src.node_id) == 65536
    # Heartbeats and the routing updates of the handshake are counted too.
    assert value(fams, "broker_processed_messages_total",
                 type="routing-update") >= 0
    assert any(ls.get("topics") == "/t" for ls, _ in
               fams["broker_subscriber_buffered_messages"]["samples"])
    headers = curl(port, "/metrics", "-o", "/dev/null", "-D", "-")
    assert "text/plain; version=0.0.4" in headers


def test_status_json_reports_peers_and_stores(cluster):
    master = cluster.start("master", "relay", [], listen=0,
                           extra=["--store-master", "kv",
                                  "--broker.metrics.port=0"])
    port = metrics_port(master)
    master.wait_count(r"^attached master kv$", 1)
    clone = cluster.start("clone", "relay", [], peers=[master.port],
                          extra=["--store-clone", "kv"])
    peered((clone, master))
    for i in range(3):
        master.send(f"put k{i} {i}")
    status = until(lambda: json.loads(curl(port, "/v1/status/json")),
                   lambda s: s["masters"].get("kv", {}).get("entries") == 3)
    assert status["id"] == master.node_id
    peer = status["peerings"][clone.node_id]
    assert peer["state"] == "peered"
    assert peer["transport"] == "tcp"
    assert set(peer["output"]) >= {"messages", "bytes", "buffered",
                                   "capacity", "dropped"}
    assert status["native-connections"] == 1
    assert status["message-metrics"]["data"]["processed"] >= 0
    assert status["masters"]["kv"]["operations"]["put"] == 3


def test_export_and_import_between_processes(cluster):
    collector = cluster.start(
        "collector", "relay", ["/unused"], listen=0,
        extra=["--broker.metrics.port=0",
               "--broker.metrics.endpoint-name=collector",
               "--broker.metrics.import.topics=/metrics"])
    port = metrics_port(collector)
    worker = cluster.start(
        "worker", "relay", ["/other"], peers=[collector.port],
        extra=["--broker.metrics.export.topic=/metrics/worker-1",
               "--broker.metrics.export.interval=100ms",
               "--broker.metrics.export.prefixes=broker"])
    peered((worker, collector))
    fams = until(lambda: parse_exposition(curl(port, "/metrics")),
                 lambda f: value(f, "broker_connections",
                                 endpoint="worker-1") is not None)
    # The worker's own view of the peering, and the collector's.
    assert value(fams, "broker_connections", endpoint="worker-1") == 1
    assert value(fams, "broker_connections", endpoint="collector") == 1
    sent = value(fams, "broker_peer_sent_messages_total", endpoint="worker-1",
                 peer=collector.node_id)
    assert sent is not None


def test_port_in_use_is_logged_and_the_node_works_on(cluster):
    first = cluster.start("first", "relay", ["/t"],
                          extra=["--broker.metrics.port=0",
                                 "--broker.metrics.address=127.0.0.1"])
    port = metrics_port(first)
    second = cluster.start("second", "relay", ["/t"], listen=0,
                           extra=[f"--broker.metrics.port={port}",
                                  "--broker.metrics.address=127.0.0.1"])
    second.wait_count(r"cannot serve metrics on 127\.0\.0\.1:%d" % port, 1)
    assert second.matching(r"^metrics ") == []
    # Still a working endpoint, and the first server still answers.
    peer = cluster.start("peer", "relay", ["/t"], peers=[second.port])
    peered((peer, second))
    assert "broker_connections" in curl(port, "/metrics")
