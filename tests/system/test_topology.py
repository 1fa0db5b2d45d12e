"""Routing across real processes: chain, star and loop topologies deliver
every message exactly once; forward=false and the TTL stop relaying."""

import pytest

from conftest import peered

K = 50


def published(prefix, n=K):
    return [f"{prefix}-{i}" for i in range(n)]


def payloads(node, topic):
    return [data for t, data in node.messages() if t == topic]


def chain_traffic(cluster, middle_mode, extra=()):
    """A -> B -> C, C subscribed to /t; A publishes K messages and "end"
    on /t/a. Returns (A, B, C)."""
    c = cluster.start("C", "subscribe", ["/t"], listen=0)
    b = cluster.start("B", middle_mode, ["/t"], listen=0, peers=[c.port],
                      extra=extra)
    a = cluster.start("A", "publish", ["/t/a"], peers=[b.port])
    peered((a, b), (b, c))
    for line in published("m") + ["end"]:
        a.send(line)
    return a, b, c


@pytest.mark.parametrize("middle_mode", ["relay", "subscribe"])
def test_chain_delivers_each_message_once_in_order(cluster, middle_mode):
    _, b, c = chain_traffic(cluster, middle_mode)
    c.expect(r"^message /t/a end$")
    # One path, FIFO on every hop: everything before the end marker has
    # arrived, once and in order.
    assert payloads(c, "/t/a") == published("m") + ["end"]
    if middle_mode == "subscribe":
        b.expect(r"^message /t/a end$")
        assert payloads(b, "/t/a") == published("m") + ["end"]
    else:
        assert b.messages() == []


def test_star_hub_relays_to_every_leaf_but_the_sender(cluster):
    hub = cluster.start("hub", "relay", ["/t"], listen=0)
    leaves = [cluster.start(f"leaf{i}", "pubsub", ["/t"], peers=[hub.port])
              for i in range(3)]
    peered(*[(hub, leaf) for leaf in leaves])
    sender = leaves[0]
    for line in published("s") + ["end"]:
        sender.send(f"/t/s {line}")
    for leaf in leaves[1:]:
        leaf.expect(r"^message /t/s end$")
        assert payloads(leaf, "/t/s") == published("s") + ["end"]
    # The sender's copy never comes back. Its own marker, relayed by the
    # hub after everything above, bounds the wait for a stray copy.
    leaves[1].send("/t/m marker")
    sender.expect(r"^message /t/m marker$")
    assert payloads(sender, "/t/s") == []


def test_loop_suppresses_duplicates(cluster):
    # A triangle: B dials A, C dials A and B. Each node subscribes to /t, so
    # each relays to the other two: without duplicate suppression every
    # message would circle until its TTL ran out.
    a = cluster.start("A", "pubsub", ["/t"], listen=0)
    b = cluster.start("B", "pubsub", ["/t"], listen=0, peers=[a.port])
    c = cluster.start("C", "pubsub", ["/t"], peers=[a.port, b.port])
    peered((a, b), (a, c), (b, c))
    nodes = {"a": a, "b": b, "c": c}
    for name, node in nodes.items():
        for line in published(name):
            node.send(f"/t/{name} {line}")
    for name, node in nodes.items():
        for other in set(nodes) - {name}:
            node.wait_count(rf"^message /t/{other} {other}-{K - 1}$", 1)
    # A node relays a copy before its own subscriber sees it, and it sends
    # its marker only after it saw everything: once a node has both other
    # markers, every duplicate sent to it has arrived (FIFO per connection).
    for name, node in nodes.items():
        node.send(f"/t/end {name}")
    for node in nodes.values():
        node.wait_count(r"^message /t/end ", 2)
    for name, node in nodes.items():
        for other in nodes:
            expected = [] if other == name else published(other)
            assert payloads(node, f"/t/{other}") == expected, (name, other)
        assert sorted(payloads(node, "/t/end")) == sorted(set(nodes) - {name})


def test_forward_false_stops_relaying(cluster):
    _, b, c = chain_traffic(cluster, "pubsub", ["--broker.forward=false"])
    b.expect(r"^message /t/a end$")
    assert payloads(b, "/t/a") == published("m") + ["end"]
    # B's own marker goes to C after anything B could have relayed.
    b.send("/t/b marker")
    c.expect(r"^message /t/b marker$")
    assert payloads(c, "/t/a") == []


def test_ttl_limits_the_hops(cluster):
    # ttl=2 at A in A-B-C-D: B and C receive, D does not (docs/architecture.md,
    # "Routing").
    d = cluster.start("D", "subscribe", ["/t"], listen=0)
    c = cluster.start("C", "pubsub", ["/t"], listen=0, peers=[d.port])
    b = cluster.start("B", "subscribe", ["/t"], listen=0, peers=[c.port])
    a = cluster.start("A", "publish", ["/t/a"], peers=[b.port],
                      extra=["--broker.ttl=2"])
    peered((a, b), (b, c), (c, d))
    for line in published("m", 5) + ["end"]:
        a.send(line)
    b.expect(r"^message /t/a end$")
    c.expect(r"^message /t/a end$")
    c.send("/t/c marker")
    d.expect(r"^message /t/c marker$")
    assert payloads(d, "/t/a") == []
    assert payloads(c, "/t/a") == published("m", 5) + ["end"]
