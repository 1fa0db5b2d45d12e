"""The rest of upstream 2.1's module surface: keyword names, reprs, value
classes, the `_broker` helper names, and the deprecated broker.bro."""

import datetime
import decimal
import ipaddress
import subprocess
import sys
import textwrap

import pytest

import broker
from broker import _broker, Data

from conftest import peer_pair, wait_until


def test_value_reprs_are_the_bare_text():
    # What printing a received value shows, as upstream.
    assert repr(broker.Port(80, broker.Port.TCP)) == "80/tcp"
    addr = Data(ipaddress.ip_address("10.0.0.1")).as_address()
    assert repr(addr) == str(addr) == "10.0.0.1"
    assert repr(broker.Subnet(addr, 8)) == "10.0.0.0/8"
    assert repr(broker.Enum("Conn::LOG")) == "Conn::LOG"
    assert repr(broker.Timespan(5)) == str(broker.Timespan(5)) == "5ns"
    assert repr(broker.Timestamp(broker.Timespan(7))) == "7ns"
    assert repr(broker.Topic("/a/b")) == "/a/b"


def test_timespan_arithmetic():
    a, b = broker.Timespan(10), broker.Timespan(3)
    assert 3 * b == b * 3 == broker.Timespan(9)
    assert a / b == 3 and type(a / b) is int
    assert a / 2 == broker.Timespan(5)
    assert a % b == broker.Timespan(1) and a % 4 == broker.Timespan(2)
    assert broker.Timespan(-7) % 2 == broker.Timespan(-1)  # C++'s sign
    with pytest.raises(ZeroDivisionError):
        a / broker.Timespan(0)
    with pytest.raises(ZeroDivisionError):
        a % 0


def test_status_and_error_are_constructible_and_hash_by_identity():
    st, err = broker.Status(), broker.Error()
    assert st.code() == broker.SC.Unspecified
    assert err.code() == 0  # no error, as a default caf::error upstream
    assert len({broker.Status(), broker.Status()}) == 2
    assert len({err, err}) == 1 and hash(err) == hash(err)


def test_enums_compare_as_upstream():
    assert broker.EC.NoSuchKey == 9
    assert broker.SC.PeerAdded != int(broker.SC.PeerAdded)
    assert broker.SC.PeerAdded == broker.SC.PeerAdded
    for name in ("Memory", "SQLite", "Master", "Clone", "Blocking",
                 "NonBlocking"):
        assert hasattr(_broker, name), name
    assert _broker.Memory == broker.Backend.Memory
    assert _broker.Master == broker.Frontend.Master


def test_helper_names_of_upstreams_extension():
    for name in ("VectorTopic", "VectorPairTopicData", "MapBackendOptions",
                 "OptionalTimespan", "ExpectedStore", "ExpectedData",
                 "SubscriberBase", "Infinite"):
        assert hasattr(_broker, name), name
    assert hasattr(_broker.StatusSubscriber, "ValueType")
    assert issubclass(_broker.zeek.Event, _broker.zeek.Message)
    ts = _broker.VectorTopic([broker.Topic("/a")])
    assert len(ts) == 1 and ts[0].string() == "/a"
    opts = _broker.MapBackendOptions()
    opts["path"] = Data("x.sqlite")
    assert len(opts) == 1 and Data.to_py(opts["path"]) == "x.sqlite"
    span = _broker.OptionalTimespan(broker.Timespan(3))
    assert span.is_set() and span.get() == broker.Timespan(3)
    assert not _broker.OptionalTimespan().is_set()
    assert _broker.Infinite() == float("inf")
    assert Data(None).as_none() is None
    with pytest.raises(TypeError):
        Data(1).as_none()


def test_upstream_keyword_names(endpoints):
    assert Data(x=3) == Data(3) and Data.from_py(x=3) == Data(3)
    net = broker.Subnet(Data(ipaddress.ip_address("10.0.0.0")).as_address(), 8)
    inside = Data(ipaddress.ip_address("10.1.2.3")).as_address()
    assert net.contains(addr=inside) and net.contains(address=inside)
    a, b = endpoints(), endpoints()
    with a.make_subscriber("/kw") as sub, \
            b.make_publisher("/kw") as pub, \
            a.attach_master("kw") as store:
        port = a.listen("127.0.0.1", 0)
        assert b.peer(addr="127.0.0.1", port=port, retry=0)
        assert b.await_peer(a.node_id())
        b.publish("/kw", data=1)
        b.publish(topic="/kw", value=2)  # our earlier keyword still works
        pub.publish(data=3)
        pub.publish(value=4)
        got = sorted(sub.get(4, 10.0), key=lambda x: x[1])
        assert [x[1] for x in got] == [1, 2, 3, 4]
        store.put("k", 1)
        store.erase(data="k")
        wait_until(lambda: store.get("k") is None, what="erase(data=)")
        store.put("j", 1)
        store.erase(key="j")
        wait_until(lambda: store.get("j") is None, what="erase(key=)")


def test_expiry_takes_what_float_takes(endpoints):
    ep = endpoints()
    with ep.attach_master("exp") as store:
        for expiry in ("60", 60, 60.0, decimal.Decimal("60"),
                       datetime.timedelta(minutes=1), broker.Timespan(60.0)):
            store.put("k", 1, expiry)
            assert store.get("k") is not None
        store.put("b", 1, True)  # float(True) is 1.0: one second
        assert store.put_unique("u", 1, "60") is True
        with pytest.raises(ValueError):
            store.put("k", 1, "soon")


def test_peer_info_types_and_writable_fields(endpoints):
    a, b = endpoints(), endpoints()
    with b.make_subscriber("/x"):
        peer_pair(a, b)
        peers = a.peers()
        assert isinstance(peers, _broker.VectorPeerInfo) and len(peers) == 1
        info = peers[0]
        assert [p.peer.node_id() for p in peers] == [b.node_id()]
        assert isinstance(a.peer_subscriptions(), _broker.VectorTopic)
        wait_until(lambda: [t.string() for t in a.peer_subscriptions()]
                   == ["/x"], what="b's subscription at a")
    assert repr(info.peer) == b.node_id()  # upstream's repr: the node id
    info.flags = broker.PeerFlags.Local
    info.status = broker.PeerStatus.Peered
    assert info.flags == broker.PeerFlags.Local
    info.peer.network = _broker.OptionalNetworkInfo(
        broker.NetworkInfo("10.0.0.1", 1))
    assert str(info.peer.network.get()) == "10.0.0.1:1"
    assert repr(info.peer.network) == "*10.0.0.1:1"
    info.peer.network = _broker.OptionalNetworkInfo()
    assert not info.peer.network.is_set()


def run_python(code):
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)],
                          capture_output=True, text=True, timeout=60)


def test_import_broker_imports_bro_and_warns_once_per_call_site():
    out = run_python("""
        import broker
        assert broker.bro.Event is not None
        for i in range(3):
            ev = broker.bro.Event("ping", i)
        ev = broker.bro.Event("pong")
        assert isinstance(ev, broker.zeek.Event) and ev.name() == "pong"
        print("ok")
        """)
    assert out.returncode == 0, out.stderr
    assert out.stdout == "ok\n"
    # Two call sites, one notice each.
    notices = [x for x in out.stderr.splitlines() if "deprecated" in x]
    assert len(notices) == 2, out.stderr
    assert "use zeek.Event instead" in notices[0]
