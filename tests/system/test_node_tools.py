"""broker-node's upstream flag names and its stand-in for `zeek ping.zeek`
(tools/node/README.md): the pong mode answers Zeek ping events with pong
events carrying the same arguments, for our zeek-ping mode, the manual's
Python ping.py and an independent raw v1 peer sending events the way Zeek
does; --port, tcp:// peers and list values; --master-stores and
--clone-stores; store commands with expiry and the container operations;
usage errors."""

import os
import re
import subprocess
import sys

import pytest

import zeekwire as zw
from conftest import PLAIN_ARGS, NODE, TIMEOUT, unused_port
from toolproc import run

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        os.pardir, os.pardir, "examples", "python")


def pong_node(cluster, *extra, topics=("/topic/test",)):
    return cluster.start("zeek", "pong", list(topics), listen=0,
                         extra=list(extra))


def test_zeek_ping_mode_prints_the_manuals_lines(cluster):
    pong = pong_node(cluster)
    ping = cluster.start("ping", "zeek-ping", ["/topic/test"],
                         peers=[pong.port], extra=["-n", "5"])
    assert ping.proc.wait(timeout=TIMEOUT) == 0
    assert ping.matching(r"^received ") == [
        f"received pong[{n}]" for n in range(5)]
    pong.signal(15)
    pong.expect(r"^pong_stats answered=(\d+) events=\1$")


def test_pong_events_on_the_wire(cluster):
    """A third node subscribed to the topic sees the pongs in Zeek's event
    layout: [1, 1, ["pong", [args]]] (the wire's own vector form)."""
    pong = pong_node(cluster)
    watcher = cluster.start("watch", "subscribe", ["/topic/test"],
                            peers=[pong.port])
    pong.expect(r"^status peer_added ")
    ping = cluster.start("ping", "zeek-ping", ["/topic/test"],
                         peers=[pong.port], extra=["-n", "2"])
    assert ping.proc.wait(timeout=TIMEOUT) == 0
    # The pong node also relays the pings to the watcher.
    watcher.wait_count(r"^message /topic/test \(1, 1, \(pong, ", 2)
    pongs = [m for m in watcher.messages() if "pong" in m[1]]
    assert pongs == [("/topic/test", "(1, 1, (pong, (0)))"),
                     ("/topic/test", "(1, 1, (pong, (1)))")]


@pytest.mark.parametrize("form", ["2-field", "metadata"])
def test_pong_answers_a_raw_zeek_peer(cluster, form):
    """The independent raw v1 peer sends ping events as Zeek 5 (two
    fields) and Zeek 6+ (with metadata) do; the answer is a pong event
    with the same arguments on the same topic."""
    pong = pong_node(cluster, *PLAIN_ARGS)
    peer = raw_peer(pong, ["/topic/test"])
    try:
        metadata = None
        if form == "metadata":
            metadata = [(1, zw.Timestamp.from_seconds(1700000000.5))]
        args = [zw.Integer(7), "text", zw.Count(3)]
        peer.send_event("/topic/test", "ping", args, metadata)
        got = peer.receive_event("pong", timeout=TIMEOUT)
        assert got == zw.Event("pong", tuple(args))
        peer.send_event("/topic/test", "unrelated", [zw.Integer(1)])
        peer.send_event("/topic/test", "ping", [zw.Integer(8)])
        assert peer.receive_event("pong", timeout=TIMEOUT) == zw.Event(
            "pong", (zw.Integer(8),))
    finally:
        peer.close()


def raw_peer(node, topics):
    """The independent raw v1 peer, connected to `node` (plain TCP) and
    past our endpoint's extension probe."""
    peer = zw.RawPeer.connect("127.0.0.1", node.port, zw.ID_SMALLEST,
                              timeout=TIMEOUT, filter=list(topics))
    assert peer.receive(timeout=TIMEOUT).type == zw.PING
    node.expect(r"^status peer_added ")
    return peer


def test_pong_topic(cluster):
    """--pong-topic: answers go there, not to the ping's topic; a "stop"
    string ends the pong node."""
    pong = pong_node(cluster, "--pong-topic", "/replies/here", *PLAIN_ARGS)
    peer = raw_peer(pong, ["/topic/test", "/replies"])
    try:
        peer.send_event("/topic/test", "ping", [zw.Integer(1)])
        msg = peer.receive(lambda m: m.type == zw.DATA, timeout=TIMEOUT)
        assert (msg.topic, msg.zeek()) == (
            "/replies/here", zw.Event("pong", (zw.Integer(1),)))
        peer.send_data("/topic/test", "stop")
        pong.expect(r"^pong_stats answered=1 events=1$")
    finally:
        peer.close()


def test_manuals_python_ping_against_the_stand_in(cluster):
    pytest.importorskip("broker", reason="needs the Python bindings on "
                        "PYTHONPATH (build/python)")
    pong = pong_node(cluster)
    done = subprocess.run(
        [sys.executable, os.path.join(EXAMPLES, "ping.py"), str(pong.port)],
        capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"received pong[{n}]" for n in range(5)]


def test_manuals_cpp_ping_against_the_stand_in(cluster):
    """examples/manual/ping.cc, built as manual-ping, with broker-node
    standing in for `zeek ping.zeek`."""
    ping = os.environ.get("BROKER_MANUAL_PING")
    if not ping or not os.access(ping, os.X_OK):
        pytest.skip("set BROKER_MANUAL_PING to the manual-ping executable")
    pong = pong_node(cluster)
    done = subprocess.run([ping, str(pong.port)], capture_output=True,
                          text=True, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr
    # Broker prints a vector as (0); the manual shows pong[0].
    assert done.stdout.splitlines() == [
        f"received pong({n})" for n in range(5)]


def test_upstream_flag_names(cluster):
    """--port with Zeek's /tcp, --peers as tcp:// URIs, --topics as a CAF
    list."""
    sub = cluster.start("sub", "subscribe", [],
                        extra=["--topics", "[/a, /b]", "--port", "0/tcp"])
    port = int(sub.expect(r"^listening (\d+)$").group(1))
    pub = cluster.start("pub", "pubsub", ["/x"],
                        extra=["--peers", f"tcp://127.0.0.1:{port}"])
    sub.expect(r"^status peer_added ")
    pub.expect(r"^status peer_added ")
    pub.send("/a one")
    pub.send("/b two")
    pub.send("/c three")
    pub.send("/a four")
    sub.wait_count(r"^message ", 3)
    assert sub.messages() == [("/a", "one"), ("/b", "two"), ("/a", "four")]


def test_master_and_clone_stores_lists(cluster):
    master = cluster.start("m", "relay", ["/r"], listen=0,
                           extra=["--master-stores", "s1,s2"])
    assert master.matching(r"^attached ") == ["attached master s1",
                                              "attached master s2"]
    clone = cluster.start("c", "relay", ["/r"], peers=[master.port],
                          extra=["--clone-stores", "[s1]"])
    clone.expect(r"^attached clone s1$")


def test_store_expiry_and_container_commands(cluster):
    node = cluster.start("m", "relay", [], extra=["--store-master", "s"])
    node.expect(r"^attached master s$")
    node.send("put short 1 0.2")
    node.send("put long 2 600")
    node.expect(r"^store-event expire short$")
    node.send("put text abc")
    node.send("append text def")
    node.send("put set0 x")
    node.send("erase set0")
    node.send("push list 5")
    node.send("push list 6")
    node.send("pop list")
    node.send("get text")
    node.expect(r"^get text -> abcdef$")
    node.send("get list")
    node.expect(r"^get list -> \(5\)$")
    node.send("exists short")
    node.expect(r"^exists short -> F$")
    node.send("get long")
    node.expect(r"^get long -> 2$")
    node.send("put 3 4 -1")
    node.expect(r"^bad_input put 3 4 -1$")


def test_store_insert_into_and_remove_from(cluster):
    """On a missing key, insert_into K I creates a set and insert_into K I V
    a table (as upstream); remove_from takes an element or key out."""
    node = cluster.start("m", "relay", [], extra=["--store-master", "s"])
    node.expect(r"^attached master s$")
    for line in ("insert_into set 2", "insert_into set 3", "remove_from set 2",
                 "insert_into table a 1", "insert_into table b 2",
                 "remove_from table a", "get set", "get table"):
        node.send(line)
    node.expect(r"^get set -> \{3\}$")
    node.expect(r"^get table -> \{b -> 2\}$")


def test_endpoint_id(cluster):
    wanted = "d207546e-7780-48f4-bfdf-f47f3c789dc6"
    node = cluster.start("n", "relay", ["/t"], extra=["--endpoint-id", wanted])
    assert node.node_id == wanted
    assert node.proc.poll() is None


def test_endpoint_id_must_be_a_uuid():
    rc, out, err = run([NODE, "-t", "/t", "--endpoint-id", "nope"])
    assert rc == 2 and out == ""
    assert err.startswith("broker-node: usage error: --endpoint-id is not a "
                          "UUID: nope\n")


def test_help():
    rc, out, err = run([NODE, "--help"])
    assert rc == 0 and err == ""
    for flag in ("--topics", "--mode", "--peers", "--local-port", "--port",
                 "--endpoint-id", "--master-stores", "--clone-stores",
                 "--config-file", "--pong-topic", "zeek-ping"):
        assert flag in out


@pytest.mark.parametrize("args,message", [
    ([], "--topics is required"),
    (["-t", "/t", "-m", "dance"], "--mode: dance not in"),
    (["-t", "/t", "--peers", "tcp://host"], "bad peer address: tcp://host"),
    (["-t", "/t", "--port", "80/udp"], "bad port: 80/udp"),
    (["-t", "/t", "--nope"], "The following argument was not expected"),
])
def test_usage_errors(args, message):
    rc, out, err = run([NODE, *args])
    assert rc == 2 and out == ""
    assert re.match(r"broker-node: usage error: .*" + re.escape(message),
                    err.splitlines()[0])


def test_listen_failure_is_status_1(cluster):
    first = cluster.start("a", "relay", ["/t"], listen=0)
    rc, out, _ = run([NODE, "-t", "/t", "-l", str(first.port)])
    assert rc == 1
    assert re.search(rf"^listen_failed 127\.0\.0\.1:{first.port}$", out, re.M)
    assert out.rstrip().endswith("exit 1")
