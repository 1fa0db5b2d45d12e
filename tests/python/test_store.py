"""Data stores: masters and clones (peered over TCP loopback) on the memory
and SQLite backends, expiry, store events, and the manual's examples."""

import datetime
import gc
import os
import subprocess
import sys
import threading

import pytest

import broker
from conftest import TIMEOUT, expect_status, free_port, peer_pair, wait_until

UTC = datetime.timezone.utc


def tcp_config():
    """Endpoints of one process would otherwise peer in memory."""
    cfg = broker.Configuration()
    cfg.set("broker.in-process-shortcut", False)
    return cfg


@pytest.fixture(params=["memory", "sqlite"])
def backend(request, tmp_path):
    """(type, options) of a master's backend; SQLite files go to tmp_path."""
    if request.param == "memory":
        return broker.Backend.Memory, None
    return broker.Backend.SQLite, {"path": str(tmp_path / "sub" / "s.db")}


def synchronised(clone):
    """A clone answers stale_data (None) until it has found its master."""
    return clone.keys() is not None


def settles(stores, key, expected):
    """Waits until every store in `stores` reads `expected` at `key`."""
    for s in stores:
        wait_until(lambda: s.get(key) == expected,
                   what="{!r} == {!r} at {}".format(key, expected, s))


def gone(stores, key):
    for s in stores:
        wait_until(lambda: s.exists(key) is False,
                   what="{!r} to vanish at {}".format(key, s))


@pytest.fixture
def master_and_clone(endpoints, backend):
    """A master on one endpoint and a synchronised clone of it on another,
    peered over TCP loopback."""
    type_, opts = backend
    ep0, ep1 = endpoints(tcp_config()), endpoints(tcp_config())
    m = ep0.attach_master("s", type_, opts)
    assert m is not None
    c = ep1.attach_clone("s", resync_interval=0.1)
    assert c is not None
    peer_pair(ep0, ep1)
    wait_until(lambda: synchronised(c), what="the clone to synchronise")
    yield m, c
    c.reset()
    m.reset()


def test_manual_master_example():
    # Manual 2.5.6, nearly verbatim.
    with broker.Endpoint() as ep1, \
            ep1.attach_master("test", broker.Backend.Memory) as m:
        m.put("key", "value")
        x = m.get("key")
        assert x == "value"
        m.put("e", 5)
        m.put("f", 5)
        m.put("str", "b")
        m.put("set", {1, 2})
        m.put("table", {1: "A", 2: "B"})
        m.put("vec", (1, 2))
        m.increment("e", 1)
        m.decrement("f", 1)
        m.append("str", "ar")
        m.insert_into("set", 3)
        m.remove_from("set", 1)
        m.insert_into("table", 3, "D")
        m.remove_from("table", 1)
        m.push("vec", 3)
        m.push("vec", 4)
        m.pop("vec")
        assert [m.get(k) for k in ["e", "f", "str", "set", "table", "vec"]] \
            == [6, 4, "bar", {2, 3}, {2: "B", 3: "D"}, (1, 2, 3)]


def run_operations(w, stores):
    """Every mutator through store `w`; every query at each of `stores`
    (which see `w`'s changes once they settle)."""
    w.put("str", "b")
    w.append("str", "ar")
    w.append("new-str", "x")
    w.put("e", 5)
    w.increment("e", 1)
    w.increment("cnt", broker.Count(2))
    w.increment("real", 1.5)
    w.increment("ts", datetime.timedelta(seconds=1))  # starts a timestamp
    w.put("f", 5)
    w.decrement("f", 1)
    w.put("set", {1, 2})
    w.insert_into("set", 3)
    w.remove_from("set", 1)
    w.insert_into("new-set", "a")
    w.put("table", {1: "A", "2": "C"})
    w.insert_into("table", 3, "D")
    w.remove_from("table", 1)
    # Falsy values are values (upstream made these set inserts, which a
    # table refuses).
    w.insert_into("table", 4, 0)
    w.insert_into("table", 5, "")
    w.insert_into("table", 6, False)
    w.insert_into("new-table", "k", "v")
    w.put("vec", (1, 2))
    w.push("vec", 3)
    w.push("vec", 4)
    w.pop("vec")
    w.push("new-vec", "x")
    # pop(k) is subtract(k, k): on a set it removes the key's own value.
    w.put("pop-set", {"pop-set", "other"})
    w.pop("pop-set")
    w.put("gone", 1)
    w.erase("gone")
    w.put("last", "done")
    expected = {
        "str": "bar", "new-str": "x", "e": 6, "cnt": broker.Count(2),
        "real": 1.5,
        "ts": datetime.datetime(1970, 1, 1, 0, 0, 1, tzinfo=UTC),
        "f": 4, "set": {2, 3}, "new-set": {"a"},
        "table": {"2": "C", 3: "D", 4: 0, 5: "", 6: False},
        "new-table": {"k": "v"}, "vec": (1, 2, 3), "new-vec": ("x",),
        "pop-set": {"other"}, "last": "done",
    }
    for s in stores:
        settles([s], "last", "done")  # The master applies commands in order.
        assert {k: s.get(k) for k in expected} == expected
        assert s.keys() == set(expected)
        assert s.exists("str") is True
        assert s.exists("gone") is False
        assert s.get("gone") is None
        assert s.get_index_from_value("vec", 0) == 1
        assert s.get_index_from_value("vec", broker.Count(1)) == 2
        assert s.get_index_from_value("vec", 10) is None
        assert s.get_index_from_value("vec", "x") is None  # type clash
        assert s.get_index_from_value("set", 2) is True
        assert s.get_index_from_value("set", 9) is False
        assert s.get_index_from_value("table", 3) == "D"
        assert s.get_index_from_value("table", 99) is None
        assert s.get_index_from_value("str", "anything") == "bar"
        assert s.get_index_from_value("missing", 1) is None
    # The master decides put_unique, for clones too.
    assert w.put_unique("u", "first") is True
    assert w.put_unique("u", "second") is False
    assert w.put_unique("str", "x", 10.0) is False
    settles(stores, "u", "first")
    w.clear()
    for s in stores:
        wait_until(lambda: s.keys() == set(), what="clear at {}".format(s))


def test_operations_at_the_master(master_and_clone):
    m, c = master_and_clone
    run_operations(m, [m, c])


def test_operations_through_a_clone(master_and_clone):
    m, c = master_and_clone
    run_operations(c, [m, c])


def test_handles(endpoints, backend):
    type_, opts = backend
    ep0, ep1 = endpoints(), endpoints()
    m = ep0.attach_master("h", type_, opts)
    c = ep1.attach_clone("h")
    assert m.name() == "h" and c.name() == "h"
    assert m.frontend() == broker.Frontend.Master
    assert c.frontend() == broker.Frontend.Clone
    assert int(broker.Frontend.Clone) == 0  # upstream's order
    mid, cid = m.frontend_id(), c.frontend_id()
    assert mid.endpoint == ep0.node_id() and cid.endpoint == ep1.node_id()
    assert isinstance(mid.object, int) and mid
    assert str(mid) == "{}@{}".format(mid.object, mid.endpoint)
    assert mid != cid and mid == m.frontend_id()
    assert len({mid, m.frontend_id(), cid}) == 2
    assert repr(m) == "Store('h', Master)"
    # Attaching again gives the same master.
    assert ep0.attach_master("h", type_, opts).frontend_id() == mid


def test_clone_is_stale_when_no_master_came_in_time(endpoints):
    ep = endpoints(tcp_config())
    # Queries wait for a master as long as mutations may: here not at all.
    c = ep.attach_clone("st", mutation_buffer_interval=0.0)
    # Every query answers None while stale; _broker tells why.
    assert c.get("k") is None and c.exists("k") is None
    assert c.keys() is None and c.get_index_from_value("k", 0) is None
    assert c._impl.get("k").code() == broker.EC.StaleData


def test_clone_queries_wait_for_the_master(endpoints):
    ep0, ep1 = endpoints(tcp_config()), endpoints(tcp_config())
    m = ep0.attach_master("st", broker.Backend.Memory)
    m.put("k", "v")
    c = ep1.attach_clone("st", resync_interval=0.1)
    got = []
    asker = threading.Thread(target=lambda: got.append(c.get("k")))
    asker.start()
    c.put("early", 1)  # buffered until the master is found
    peer_pair(ep0, ep1)
    asker.join(timeout=15)
    assert got == ["v"]
    settles([m, c], "early", 1)


def test_put_unique_at_a_clone_waits_for_the_master(endpoints):
    ep0, ep1 = endpoints(tcp_config()), endpoints(tcp_config())
    c = ep1.attach_clone("held", resync_interval=0.1)
    answers = []
    asker = threading.Thread(target=lambda: answers.append(
        c.put_unique("u", 1)))
    asker.start()
    # Held until the clone finds its master (not refused with stale_data);
    # the answer is the master's.
    m = ep0.attach_master("held", broker.Backend.Memory)
    peer_pair(ep0, ep1)
    asker.join(TIMEOUT)
    assert not asker.is_alive() and answers == [True]
    assert m.get("u") == 1
    assert c.put_unique("u", 2) is False


@pytest.mark.parametrize("expiry", [
    0.2, 1, datetime.timedelta(milliseconds=200), broker.Timespan(0.2)])
def test_expiry(master_and_clone, expiry):
    m, c = master_and_clone
    # The survivors come first: their timers fire before "short"'s does.
    m.put("long", 1, 3600.0)
    m.put("kept", 1, expiry)
    m.increment("kept", 1)  # no expiry given: the expiry is dropped
    m.put("short", 1, expiry)
    m.put("plain", 1)
    settles([c], "plain", 1)  # so the clone has seen "short" too
    gone([m, c], "short")
    assert [m.get(k) for k in ["long", "kept", "plain"]] == [1, 2, 1]
    assert [c.get(k) for k in ["long", "kept", "plain"]] == [1, 2, 1]


def test_expiry_of_every_mutator(endpoints, backend):
    type_, opts = backend
    ep = endpoints()
    m = ep.attach_master("exp", type_, opts)
    m.put("vec", ())
    m.put("set", {1})
    m.put("table", {1: 1})
    m.put("uniq", 1, 0.1)
    m.increment("inc", 1, 0.1)
    m.decrement("inc", 1, 0.1)
    m.append("app", "x", 0.1)
    m.insert_into("set", 2, expiry=0.1)
    m.insert_into("table", 2, 2, 0.1)
    m.remove_from("table", 1, 0.1)
    m.push("vec", 1, 0.1)
    m.pop("vec", 0.1)
    assert m.put_unique("new", 1, 0.1) is True
    assert m.keys() == {"vec", "set", "table", "uniq", "inc", "app", "new"}
    wait_until(lambda: m.keys() == set(), what="every key to expire")


def test_store_events(endpoints):
    ep = endpoints()
    with ep.make_subscriber("<$>/local/data/store-events/ev") as events, \
            ep.attach_master("ev", broker.Backend.Memory) as m:
        node, obj = m.frontend_id().endpoint, broker.Count(
            m.frontend_id().object)
        m.put("k", 1)
        m.put("k", 2, 60.0)
        m.erase("k")
        m.put("x", 1, 0.05)
        got = [d for (_, d) in events.get(5, TIMEOUT)]
        assert got[:3] == [
            ("insert", "ev", "k", 1, None, node, obj),
            ("update", "ev", "k", 1, 2, datetime.timedelta(seconds=60), node,
             obj),
            ("erase", "ev", "k", node, obj),
        ]
        assert got[3] == ("insert", "ev", "x", 1,
                          datetime.timedelta(milliseconds=50), node, obj)
        assert got[4][:3] == ("expire", "ev", "x")


def test_failed_mutations_are_errors_on_the_status_subscriber(endpoints):
    ep = endpoints()
    with ep.make_status_subscriber() as ss, \
            ep.attach_master("errs", broker.Backend.Memory) as m:
        m.put("s", "text")
        m.increment("s", 1)
        expect_status(ss, broker.EC.TypeClash)
        m.decrement("missing", 1)
        expect_status(ss, broker.EC.NoSuchKey)
        m.insert_into("s", 1)
        expect_status(ss, broker.EC.TypeClash)
        assert m.get("s") == "text"


def test_attach_failures(endpoints, tmp_path):
    ep0, ep1 = endpoints(), endpoints()
    # SQLite needs a usable path.
    assert ep0.attach_master("bad", broker.Backend.SQLite) is None
    err = broker._broker.Endpoint.attach_master(ep0, "bad",
                                                broker.Backend.SQLite, {})
    assert err.code() == broker.EC.BackendFailure
    (tmp_path / "file").write_text("")
    assert ep0.attach_master("bad", broker.Backend.SQLite,
                             {"path": str(tmp_path / "file" / "x.db")}) is None
    # No clone where the master is, and no second master at a direct peer.
    assert ep0.attach_master("dup") is not None  # type None: memory
    assert ep0.attach_clone("dup") is None
    peer_pair(ep0, ep1)
    assert ep1.attach_master("dup") is None
    # Argument checks.
    with pytest.raises(TypeError):
        ep0.attach_master("t", "memory")
    with pytest.raises(TypeError):
        ep0.attach_master("t", broker.Backend.Memory, {1: "x"})
    with pytest.raises(TypeError):
        ep0.attach_master("t", broker.Backend.Memory, {"x": object()})
    with pytest.raises(ValueError):
        ep0.attach_clone("t", resync_interval=float("nan"))


def test_argument_errors(endpoints):
    m = endpoints().attach_master("args")
    # An expiry is what float() takes, as upstream ("1" and True are).
    for bad in [[1], object(), None.__class__]:
        with pytest.raises(TypeError):
            m.put("k", 1, bad)
    with pytest.raises(ValueError):
        m.put("k", 1, "soon")
    with pytest.raises(OverflowError):
        m.put("k", 1, float("nan"))
    with pytest.raises(OverflowError):
        m.put("k", 1, 1e12)
    with pytest.raises(TypeError):
        m.get(object())
    with pytest.raises(TypeError):
        m.insert_into("k", 1, object())
    assert m.keys() == set()  # nothing half-done


def test_reset_and_lifetime(endpoints):
    # The handle keeps its endpoint alive.
    m = broker.Endpoint().attach_master("life")
    gc.collect()
    m.put("k", 1)
    assert m.get("k") == 1
    with m:
        pass
    assert repr(m) == "Store(<reset>)"
    for call in [lambda: m.get("k"), lambda: m.put("k", 2), m.name, m.keys]:
        with pytest.raises(ValueError):
            call()
    m.reset()  # twice is fine
    # After the endpoint is shut down, queries answer None at once.
    ep = endpoints()
    s = ep.attach_master("closed")
    s.put("k", 1)
    ep.shutdown()
    assert s.get("k") is None and s.keys() is None
    s.put("k", 2)  # dropped, no crash
    # Attaching afterwards may fail or give a closed store; neither answers.
    late = ep.attach_master("again")
    assert late is None or late.keys() is None


def test_queries_from_many_threads(endpoints):
    ep = endpoints()
    m = ep.attach_master("mt")
    for i in range(50):
        m.put(i, i * i)
    failures = []

    def reader(offset):
        for n in range(200):
            i = (n + offset) % 50
            if m.get(i) != i * i:
                failures.append(i)

    threads = [threading.Thread(target=reader, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert len(m.keys()) == 50


# -- the manual's SQLite example pair (2.5.6), as two processes --------------

EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "..", "examples",
                        "python")


def listening(port):
    """Whether a socket listens on 127.0.0.1:`port`, from /proc/net/tcp (a
    probing connection would show up at the listener as a status)."""
    with open("/proc/net/tcp") as f:
        next(f)
        for line in f:
            fields = line.split()
            if fields[3] == "0A" and int(fields[1].split(":")[1], 16) == port:
                return True
    return False


class Output:
    """Collects a process's stdout lines on a thread (a full pipe would
    block the process)."""

    def __init__(self, proc):
        self.lines = []
        self.thread = threading.Thread(target=self._read, args=(proc.stdout,))
        self.thread.start()

    def _read(self, stream):
        for line in stream:
            self.lines.append(line.rstrip("\n"))


def test_manual_sqlite_example_pair(tmp_path):
    port = free_port()
    # The scripts run in tmp_path (the manual's relative database path): they
    # import this very package by its absolute path.
    package_dir = os.path.dirname(os.path.dirname(broker.__file__))
    env = dict(os.environ, PYTHONUNBUFFERED="1", PYTHONPATH=package_dir)
    procs = []

    def start(script):
        err = open(str(tmp_path / (script + ".err")), "w")
        proc = subprocess.Popen(
            [sys.executable, os.path.join(EXAMPLES, script), str(port)],
            cwd=str(tmp_path), env=env, text=True, stdout=subprocess.PIPE,
            stderr=err)
        err.close()
        procs.append((proc, Output(proc)))
        return procs[-1]

    def stderr_of(script):
        return (tmp_path / (script + ".err")).read_text()

    db = tmp_path / "mystore.sqlite"
    try:
        listener, listener_out = start("sqlite-listen.py")
        # The clone looks for the master once at first (then every 10 s):
        # start it when the master's file exists.
        wait_until(lambda: listening(port) and db.exists()
                   or listener.poll() is not None, what="the listener")
        assert listener.poll() is None, stderr_of("sqlite-listen.py")
        connector, connector_out = start("sqlite-connect.py")

        def counted():
            return [int(x) for x in connector_out.lines if x.isdigit()]

        wait_until(lambda: any(n >= 3 for n in counted())
                   or connector.poll() is not None,
                   timeout=3 * TIMEOUT, what="the clone's increments")
        assert connector.poll() is None, \
            (connector_out.lines, stderr_of("sqlite-connect.py"))
        seen = counted()
        assert seen == sorted(seen) and seen[0] >= 1
        # The listener printed the peering status and the value then.
        wait_until(lambda: len(listener_out.lines) >= 2, what="the listener")
        assert "peer_added" in listener_out.lines[0]
    finally:
        for proc, out in reversed(procs):
            proc.terminate()
            proc.wait(TIMEOUT)
            out.thread.join()
    # What the clone saw was durable at the master: the file has it.
    with broker.Endpoint() as ep, \
            ep.attach_master("mystore", broker.Backend.SQLite,
                             {"path": str(db)}) as m:
        assert m.get("foo") >= seen[-1]
