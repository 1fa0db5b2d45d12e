"""Upstream 2.3's and 2.6's additions: Endpoint.await_peer,
Store.await_idle, EndpointInfo.type, BrokerOptions.disable_forwarding, and
event metadata across a peering."""

import datetime
import time

import pytest

import broker

from conftest import TIMEOUT, make_chain, peer_pair, wait_until

NetworkTimestamp = broker.zeek.MetadataType.NetworkTimestamp


def test_await_peer(endpoints):
    a, b = endpoints(), endpoints()
    assert not a.await_peer(b.node_id(), 0.05)
    port = a.listen("127.0.0.1", 0)
    b.peer_nosync("127.0.0.1", port, 1.0)
    assert a.await_peer(b.node_id(), TIMEOUT)
    assert b.await_peer(a.node_id())
    with pytest.raises(ValueError):
        a.await_peer("not a node id", 0.01)


def test_await_peer_returns_at_once_after_shutdown(endpoints):
    a, b = endpoints(), endpoints()
    a.shutdown()
    start = time.monotonic()
    assert not a.await_peer(b.node_id(), datetime.timedelta(seconds=5))
    assert time.monotonic() - start < 4


def test_await_idle_makes_writes_visible_on_the_other_side(endpoints):
    a, b = endpoints(), endpoints()
    peer_pair(a, b)
    with a.attach_master("idle") as m, b.attach_clone("idle") as c:
        m.put("x", 1)
        wait_until(lambda: c.get("x") == 1, what="the clone to sync")
        c.put("y", 2)
        assert c.await_idle()
        assert m.get("y") == 2   # the master acknowledged, so it applied
        m.put("z", 3)
        assert m.await_idle(TIMEOUT)
        assert c.get("z") == 3   # every clone acknowledged
        a.shutdown()
        start = time.monotonic()
        assert not m.await_idle(5.0)  # a stopped store is never idle
        assert time.monotonic() - start < 4


def test_endpoint_info_type(endpoints):
    a, b = endpoints(), endpoints()
    peer_pair(a, b)
    (info,) = a.peers()
    assert info.peer.type == "native"
    assert broker.EndpointInfo().type is None
    info.peer.type = "web-socket"
    assert info.peer.type == "web-socket"


def test_disable_forwarding_is_the_negation_of_forward():
    opts = broker.BrokerOptions()
    assert opts.disable_forwarding is False and opts.forward is True
    opts.disable_forwarding = True
    assert opts.forward is False
    opts.forward = True
    assert opts.disable_forwarding is False


def test_disable_forwarding_stops_relaying(endpoints):
    # As test_forwarding.py's forward=False case, set the 2.3 way: B keeps
    # a's message to itself; its own later marker proves nothing went on.
    opts = broker.BrokerOptions()
    opts.disable_forwarding = True
    a, b, c = endpoints(), endpoints(broker.Configuration(opts)), endpoints()
    sub_b = b.make_subscriber("/test")
    sub_c = c.make_subscriber("/test")
    make_chain([a, b, c])
    a.publish("/test/blocked", 1)
    assert sub_b.get(TIMEOUT) == ("/test/blocked", 1)
    b.publish("/test/marker", 2)
    assert sub_c.get(TIMEOUT) == ("/test/marker", 2)
    assert sub_c.poll() == []


def test_event_metadata_across_a_peering(endpoints):
    dt = datetime.datetime(2023, 5, 3, 9, 27, 57, tzinfo=broker.utc)
    a, b = endpoints(), endpoints()
    with a.make_subscriber("/md") as sub:
        peer_pair(a, b)
        assert a.await_peer(b.node_id()) and b.await_peer(a.node_id())
        ev = broker.zeek.Event("ping", "X", metadata={
            NetworkTimestamp: dt, broker.Count(1234): "custom"})
        b.publish("/md", ev)
        _, data = sub.get(TIMEOUT)
        got = broker.zeek.Event(data)
        assert got.valid() and got.name() == "ping" and got.args() == ["X"]
        md = dict(got.metadata())
        assert md == {NetworkTimestamp: dt, broker.Count(1234): "custom"}
        plain = broker.zeek.Event("ping", "X")
        assert plain.metadata() is None
        bad = broker.zeek.Event("ping", metadata=[(NetworkTimestamp, 1.5)])
        assert not bad.valid()
