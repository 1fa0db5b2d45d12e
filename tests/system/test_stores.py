"""Data stores across processes: a master and clones in separate broker-node
processes (store modes, tools/node/README.md), replication, durability of a
SQLite master across SIGKILL, convergence under concurrent mutations, and a
clone whose master restarts or whose peering is cut and restored."""

import random
import re
import threading
import time

import pytest

from conftest import TIMEOUT, peered

STORE = "s"

# How long the clones may take to converge after the last mutation was
# sent. Generous: thousands of mutations on a loaded two-core machine.
CONVERGE_TIMEOUT = 40.0


def start_master(cluster, name, listen=0, backend="memory", path=None):
    extra = ["--store-master", STORE, "--store-backend", backend]
    if path is not None:
        extra += ["--store-path", str(path)]
    node = cluster.start(name, "relay", [], listen=listen, extra=extra)
    node.wait_count(rf"^attached master {STORE}$", 1)
    return node


def start_clone(cluster, name, master_port, extra=()):
    node = cluster.start(name, "relay", [], peers=[master_port], retry=1,
                         extra=["--store-clone", STORE] + list(extra))
    node.wait_count(rf"^attached clone {STORE}$", 1)
    return node


def query(node, command, timeout=TIMEOUT):
    """Sends a query and returns its answer (the text after `<key> -> `
    or after the command word). Answers come in command order, and each query waits
    for its own answer before the next is sent, so the cursor of
    expect() stays in step."""
    node.send(command)
    words = command.split()
    if words[0] in ("get", "exists", "put_unique"):
        prefix = f"{words[0]} {words[1]} -> "
    else:
        prefix = f"{words[0]} "
    return node.expect(rf"^{re.escape(prefix)}(.*)$", timeout).group(1)


def dump(node):
    return query(node, "dump")


def wait_synced(clone, timeout=TIMEOUT):
    """Waits until the clone has a snapshot (its queries stop answering
    stale_data); returns its dump."""
    deadline = time.monotonic() + timeout
    while True:
        d = dump(clone)
        if not d.startswith("error"):
            return d
        assert time.monotonic() < deadline, f"{clone.name} never synced: {d}"
        time.sleep(0.05)


def wait_stale(clone, timeout=TIMEOUT):
    """Waits until the clone's queries answer stale_data."""
    deadline = time.monotonic() + timeout
    while query(clone, "keys") != "error stale_data":
        assert time.monotonic() < deadline, f"{clone.name} never went stale"
        time.sleep(0.05)


def converge(master, clones, timeout=CONVERGE_TIMEOUT):
    """Polls until every clone's dump equals the master's; returns it."""
    deadline = time.monotonic() + timeout
    while True:
        expected = dump(master)
        got = {c.name: dump(c) for c in clones}
        if all(d == expected for d in got.values()):
            return expected
        assert time.monotonic() < deadline, (
            f"no convergence within {timeout}s: master {expected}, "
            f"clones {got}")
        time.sleep(0.1)


def test_clone_sees_master_writes_and_its_own(cluster):
    master = start_master(cluster, "M")
    clone = start_clone(cluster, "C", master.port)
    peered((clone, master))
    wait_synced(clone)
    master.send("put a 1")
    master.send("put b hello")
    clone.wait_count(r"^store-event insert b hello$", 1)
    assert query(clone, "get a") == "1"
    assert query(clone, "get b") == "hello"
    # The clone's own writes go to the master and come back from it: the
    # clone applies (and reports) them only then.
    clone.send("put c 3")
    clone.send("increment a 5")
    clone.send("erase b")
    for node in (master, clone):
        node.wait_count(r"^store-event insert c 3$", 1)
        node.wait_count(r"^store-event update a 1 6$", 1)
        node.wait_count(r"^store-event erase b$", 1)
    assert query(clone, "put_unique c 9") == "F"
    assert query(clone, "put_unique d 4") == "T"
    master.wait_count(r"^store-event insert d 4$", 1)
    clone.wait_count(r"^store-event insert d 4$", 1)
    for key in ("a", "b", "c", "d"):
        assert query(clone, f"get {key}") == query(master, f"get {key}")
    assert query(clone, "get b") == "error no_such_key"
    assert converge(master, [clone]) == dump(clone)
    assert master.matching(r"^(error|bad_input)") == []
    assert clone.matching(r"^(error|bad_input)") == []


def test_sqlite_master_keeps_acknowledged_writes_after_sigkill(cluster,
                                                               tmp_path):
    path = tmp_path / "store.db"
    first = start_master(cluster, "M1", listen=None, backend="sqlite",
                         path=path)
    lines = [f"put k{i} {i}" for i in range(300)]
    lines += [f"erase k{i}" for i in range(0, 300, 7)]
    lines += [f"increment k{i} 1000" for i in range(1, 300, 5)]
    lines += ["put text some-string"]
    first.send("\n".join(lines))
    # Queries run after the mutations posted before them, and a SQLite
    # master commits those first: this answer acknowledges all of them.
    assert query(first, "get text") == "some-string"
    acknowledged = dump(first)
    first.kill()
    second = start_master(cluster, "M2", listen=None, backend="sqlite",
                          path=path)
    assert dump(second) == acknowledged
    assert query(second, "get k0") == "error no_such_key"
    assert query(second, "get k1") == "1001"
    assert query(second, "get k299") == "299"
    # The same mutations on a dict: increment re-creates an erased key.
    model = {f"k{i}": i for i in range(300)}
    for i in range(0, 300, 7):
        del model[f"k{i}"]
    for i in range(1, 300, 5):
        model[f"k{i}"] = model.get(f"k{i}", 0) + 1000
    model["text"] = "some-string"
    assert query(second, "keys").count(",") + 1 == len(model)
    for key in ("k126", "k7", "k98"):
        assert query(second, f"get {key}") == str(
            model.get(key, "error no_such_key"))


def random_mutations(seed, n, keys=12):
    """`n` mutation lines over a small key space, integer values only, so
    that every increment is valid whatever the key holds."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        key = f"k{rng.randrange(keys)}"
        op = rng.random()
        if op < 0.45:
            out.append(f"put {key} {rng.randrange(-50, 50)}")
        elif op < 0.85:
            out.append(f"increment {key} {rng.randrange(1, 10)}")
        else:
            out.append(f"erase {key}")
    return out


def test_master_and_three_clones_converge_under_concurrent_mutations(
        cluster):
    master = start_master(cluster, "M")
    clones = [start_clone(cluster, f"C{i}", master.port) for i in range(3)]
    for c in clones:
        peered((c, master))
        wait_synced(c)
    nodes = [master] + clones
    # 4 x 800 mutations, each process fed by its own thread in small
    # chunks, so that the writers really interleave.
    batches = {n.name: random_mutations(1000 + i, 800)
               for i, n in enumerate(nodes)}

    def feed(node):
        lines = batches[node.name]
        for i in range(0, len(lines), 40):
            node.send("\n".join(lines[i:i + 40]))

    threads = [threading.Thread(target=feed, args=(n,)) for n in nodes]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # A clone forwards its mutations to the master in order, so once the
    # master applied a clone's last put, it applied all of that clone's
    # mutations; without this, equal dumps could be an intermediate state.
    for c in clones:
        c.send(f"put done-{c.name} 1")
    for c in clones:
        master.wait_count(rf"^store-event insert done-{c.name} 1$", 1,
                          timeout=CONVERGE_TIMEOUT)
    final = converge(master, clones)
    assert all(f"done-{c.name} -> 1" in final for c in clones)
    assert final != "{}"
    for n in nodes:
        assert n.matching(r"^(error|bad_input|attach_failed)") == [], n.name


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
def test_clone_resyncs_with_a_restarted_master(cluster, tmp_path, backend):
    path = tmp_path / "store.db" if backend == "sqlite" else None
    master = start_master(cluster, "M", backend=backend, path=path)
    port = master.port
    # Stale at once without a master: that is how the test sees that the
    # clone's store (not just its endpoint) noticed the loss.
    clone = start_clone(cluster, "C", port, extra=["--store-stale", "0"])
    peered((clone, master))
    wait_synced(clone)
    master.send("put old1 1")
    master.send("put old2 2")
    clone.wait_count(r"^store-event insert old2 2$", 1)
    master.kill()
    clone.expect(rf"^status peer_lost {re.escape(master.node_id)} ")
    # The endpoint's peer_lost line does not mean that the store has seen
    # the loss (it learns of it on its own status subscription); a mutation
    # sent before then is forwarded to the dead master and lost. So wait
    # until the clone answers stale_data.
    wait_stale(clone)
    # Without a master the clone buffers its mutations (for
    # --store-mutation-buffer, 120 s) and forwards them once it has one.
    clone.send("put buffered 5")
    # A new master on the same port: empty (memory) or with the old
    # content (SQLite). The clone redials it (retry 1 s) and must end with
    # exactly the new master's content.
    reborn = start_master(cluster, "M2", listen=port, backend=backend,
                          path=path)
    reborn.send("put new 3")
    peered((clone, reborn))
    reborn.wait_count(r"^store-event insert buffered 5$", 1)
    final = converge(reborn, [clone])
    assert "new -> 3" in final and "buffered -> 5" in final
    assert ("old1 -> 1" in final) == (backend == "sqlite")
    # And the clone writes through the new master.
    clone.send("put fromclone 4")
    reborn.wait_count(r"^store-event insert fromclone 4$", 1)
    assert query(reborn, "get fromclone") == "4"
    converge(reborn, [clone])
    assert clone.matching(r"^error ") == []


def test_clone_catches_up_after_unpeer_and_repeer(cluster):
    master = start_master(cluster, "M")
    clone = start_clone(cluster, "C", master.port)
    peered((clone, master))
    wait_synced(clone)
    master.send("put before 1")
    clone.wait_count(r"^store-event insert before 1$", 1)
    clone.send(f"unpeer 127.0.0.1:{master.port}")
    clone.expect(r"^status peer_removed ")
    master.expect(rf"^status peer_lost {re.escape(clone.node_id)} ")
    # Missed while apart: the clone must fetch these after the re-peering.
    master.send("put during 2")
    master.send("erase before")
    assert query(master, "get during") == "2"
    clone.send(f"peer 127.0.0.1:{master.port}")
    clone.wait_count(rf"^status peer_added {re.escape(master.node_id)} ", 2)
    final = converge(master, [clone])
    assert "during" in final and "before" not in final
    assert query(clone, "get during") == "2"
