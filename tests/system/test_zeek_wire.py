"""Interoperability of our endpoint with the independent raw v1 peer
(tests/zeekwire/zeekwire/, written from ZEEK-WIRE.md alone): the
handshake in both TCP roles and both id orders, plain TCP and anonymous TLS;
the extension probe; data of every type and Zeek events both ways (through
the Python bindings where typed values are needed); routing updates;
ping/pong and BYE; redundant connections; a version mismatch.

Every message our endpoint sends to the raw peer is audited (AuditedPeer):
only types 1..5 (zeekwire refuses anything else), never an empty topic or
payload, sender = the node's id, control messages addressed to the peer on
topic `<$>` (ZEEK-WIRE.md §4.1, §5)."""

import datetime
import ipaddress
import math
import os
import re
import signal

import pytest

import zeekwire as zw
from conftest import PLAIN_ARGS, TIMEOUT

SMALL, LARGE = zw.ID_SMALLEST, zw.ID_LARGEST
IDS = pytest.mark.parametrize("own_id", [SMALL, LARGE],
                              ids=["raw-smallest", "raw-largest"])
TLS = pytest.mark.parametrize("tls", [False, True], ids=["plain", "tls"])
UTC = datetime.timezone.utc


class AuditedPeer(zw.RawPeer):
    """A RawPeer that checks every node message it reads against the
    sender-side rules of ZEEK-WIRE.md §4.1/§5 and keeps them all."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.seen = []
        self.violations = []

    def _on_message(self, msg):
        self.seen.append(msg)
        bad = []
        if not msg.topic:
            bad.append("empty topic")
        if not msg.payload:
            bad.append("empty payload")
        if msg.sender != self.peer_id:
            bad.append(f"sender {zw.format_id(msg.sender)} is not the peer")
        if msg.type in (zw.ROUTING_UPDATE, zw.PING, zw.PONG):
            if msg.topic != zw.CONTROL_TOPIC:
                bad.append(f"control topic {msg.topic!r}")
            if msg.receiver != self.own_id:
                bad.append("control message not addressed to us")
        if msg.type == zw.DATA:
            try:
                msg.data()
            except zw.DecodeError as exc:
                bad.append(f"undecodable data: {exc}")
        if bad:
            self.violations.append((msg, bad))
        super()._on_message(msg)

    def assert_clean(self):
        assert self.violations == [], self.violations


def node_args(tls):
    return [] if tls else list(PLAIN_ARGS)


def connect_to(port, own_id, tls, topics=(), handshake=True):
    return AuditedPeer.connect("127.0.0.1", port, own_id, tls=tls,
                               timeout=TIMEOUT, filter=list(topics),
                               handshake=handshake)


def accept_from(listener, own_id, topics=()):
    conn = listener.accept_socket(TIMEOUT)
    peer = AuditedPeer(conn, own_id, connector=False, timeout=TIMEOUT,
                       filter=list(topics), registry=listener.registry)
    peer.handshake()
    return peer


def take_probe(peer):
    """Our endpoint's first node message: the extension probe, a ping
    whose payload starts with BRKX (auto-ponged by zeekwire)."""
    first = peer.receive()
    assert first.type == zw.PING, first
    assert first.payload.startswith(b"BRKX"), first
    assert first.receiver == peer.own_id
    return first


def established_raw(node, own_id, tls, topics=("/z",)):
    """A raw connector peered with `node` (which printed peer_added)."""
    peer = connect_to(node.port, own_id, tls, topics)
    take_probe(peer)
    node.expect(rf"^status peer_added {zw.format_id(own_id)} ")
    return peer


def exchange(node, peer, tag, node_topic="/t"):
    """Data both ways between a pubsub node (subscribed to `node_topic`)
    and a raw peer (on /z)."""
    node.send(f"/z/n {tag}")
    assert peer.receive_data(timeout=TIMEOUT) == ("/z/n", tag)
    peer.send_data(f"{node_topic}/r", tag)
    node.expect(rf"^message {node_topic}/r {tag}$")


def is_bye(msg):
    return msg.type == zw.PING and zw.is_bye_token(msg.payload)


# -- handshake -------------------------------------------------------------------

@TLS
@IDS
def test_handshake_raw_connector(cluster, tls, own_id):
    node = cluster.start("N", "pubsub", ["/t/b", "/t/a"], listen=0,
                         extra=node_args(tls))
    peer = connect_to(node.port, own_id, tls, ["/z"])
    node_id = zw.parse_id(node.node_id)
    if own_id == SMALL:   # ZEEK-WIRE.md §3.4 case 2: the connector originates
        expected = [("sent", zw.Hello(own_id)),
                    ("received", zw.Probe()),
                    ("received", zw.Hello(node_id)),
                    ("sent", zw.VersionSelect(own_id)),
                    ("sent", zw.OriginatorSyn(["/z"])),
                    ("received", zw.ResponderSynAck(["/t/a", "/t/b"])),
                    ("sent", zw.OriginatorAck())]
    else:                 # case 1: the acceptor originates
        expected = [("sent", zw.Hello(own_id)),
                    ("received", zw.Probe()),
                    ("received", zw.VersionSelect(node_id)),
                    ("received", zw.OriginatorSyn(["/t/a", "/t/b"])),
                    ("sent", zw.ResponderSynAck(["/z"])),
                    ("received", zw.OriginatorAck())]
    assert peer.handshake_log == expected
    assert peer.is_originator == (own_id == SMALL)
    assert peer.peer_id == node_id
    take_probe(peer)
    node.expect(rf"^status peer_added {zw.format_id(own_id)} "
                rf"127\.0\.0\.1:\d+ ")
    exchange(node, peer, "hi", "/t/a")
    peer.assert_clean()


@TLS
@IDS
def test_handshake_raw_acceptor(cluster, tls, own_id):
    with zw.Listener(tls=tls) as listener:
        node = cluster.start("N", "pubsub", ["/t/b", "/t/a"],
                             peers=[listener.port], extra=node_args(tls))
        peer = accept_from(listener, own_id, ["/z"])
        node_id = zw.parse_id(node.node_id)
        if own_id == SMALL:   # case 1: the acceptor originates
            expected = [("sent", zw.Probe()),
                        ("received", zw.Hello(node_id)),
                        ("sent", zw.VersionSelect(own_id)),
                        ("sent", zw.OriginatorSyn(["/z"])),
                        ("received", zw.ResponderSynAck(["/t/a", "/t/b"])),
                        ("sent", zw.OriginatorAck())]
        else:                 # case 2: the connector originates
            expected = [("sent", zw.Probe()),
                        ("received", zw.Hello(node_id)),
                        ("sent", zw.Hello(own_id)),
                        ("received", zw.VersionSelect(node_id)),
                        ("received", zw.OriginatorSyn(["/t/a", "/t/b"])),
                        ("sent", zw.ResponderSynAck(["/z"])),
                        ("received", zw.OriginatorAck())]
        assert peer.handshake_log == expected
        take_probe(peer)
        node.expect(rf"^status peer_added {zw.format_id(own_id)} "
                    rf"127\.0\.0\.1:{listener.port} ")
        exchange(node, peer, "hi", "/t/a")
        peer.assert_clean()


@pytest.mark.parametrize("role", ["raw-client", "raw-server"])
def test_tls_is_anonymous_ecdh_tls12(cluster, role):
    """§1.2 mode A in both TLS roles: TLS 1.2, AECDH-AES256-SHA, no
    certificate."""
    if role == "raw-client":
        node = cluster.start("N", "pubsub", ["/t"], listen=0)
        peer = established_raw(node, SMALL, True)
    else:
        listener = zw.Listener(tls=True)
        try:
            node = cluster.start("N", "pubsub", ["/t"],
                                 peers=[listener.port])
            peer = accept_from(listener, SMALL, ["/z"])
        finally:
            listener.close()
        take_probe(peer)
        node.expect(rf"^status peer_added {zw.format_id(SMALL)} ")
    assert peer.sock.version() == "TLSv1.2"
    assert peer.sock.cipher()[0] == "AECDH-AES256-SHA"
    assert peer.sock.getpeercert(binary_form=True) is None
    exchange(node, peer, "over-tls")
    peer.assert_clean()


@TLS
def test_node_sends_only_v1_messages_over_time(cluster, tls):
    """Several heartbeat intervals of traffic: every node message is of a
    type in 1..5 (zeekwire raises otherwise), none has an empty topic or
    payload, pings are answered."""
    node = cluster.start("N", "pubsub", ["/t"], listen=0,
                         extra=node_args(tls) + ["--broker.heartbeat-interval=0.2"])
    peer = established_raw(node, SMALL, tls)
    for i in range(20):
        exchange(node, peer, f"m{i}")
    # At least two pings after the probe: the node's heartbeats (not
    # upstream behaviour, §5.2, but legal: zeekwire answers them).
    peer.receive(lambda m: m.type == zw.PING, timeout=TIMEOUT)
    peer.receive(lambda m: m.type == zw.PING, timeout=TIMEOUT)
    assert peer.ping(b"x").payload == b"x"
    types = {m.type for m in peer.seen}
    assert types <= {zw.DATA, zw.ROUTING_UPDATE, zw.PING, zw.PONG}
    assert node.matching(r"^(error|status peer_lost) ") == []
    peer.assert_clean()


def test_data_messages_carry_ttl_16(cluster):
    """ZEEK-WIRE.md §4.1 (and checklist §10.8): senders write ttl 16
    (upstream's broker.ttl default; receivers ignore it)."""
    node = cluster.start("N", "pubsub", ["/t"], listen=0, extra=PLAIN_ARGS)
    peer = established_raw(node, SMALL, False)
    exchange(node, peer, "ttl")
    ttls = sorted({(m.type, m.ttl) for m in peer.seen})
    assert all(ttl == 16 for _, ttl in ttls), f"(type, ttl) seen: {ttls}"


@TLS
@IDS
def test_data_in_the_same_segment_as_the_handshake_end(cluster, tls, own_id):
    """§2/§3.7: an originator may send phase-3 frames right behind
    originator_ack, in the same TCP segment; the node must keep the surplus
    bytes. As responder, the raw peer sends data as soon as it has read the
    ack, before it reads (and answers) the node's extension probe."""
    node = cluster.start("N", "pubsub", ["/t"], listen=0, extra=node_args(tls))
    peer = connect_to(node.port, own_id, tls, ["/z"], handshake=False)
    node_id = zw.parse_id(node.node_id)
    data = zw.frame(zw.encode_node_message(zw.NodeMessage(
        own_id, zw.NIL_ID, zw.DATA, "/t/early", zw.encode_data("early"))))
    peer.send_handshake(zw.Hello(own_id))
    assert peer.recv_handshake() == zw.Probe()
    if own_id == SMALL:
        assert peer.recv_handshake() == zw.Hello(node_id)
        peer.send_raw(zw.frame(zw.encode_handshake(zw.VersionSelect(own_id)))
                      + zw.frame(zw.encode_handshake(zw.OriginatorSyn(["/z"]))))
        assert isinstance(peer.recv_handshake(), zw.ResponderSynAck)
        peer.send_raw(zw.frame(zw.encode_handshake(zw.OriginatorAck()))
                      + data)
    else:
        assert peer.recv_handshake() == zw.VersionSelect(node_id)
        assert isinstance(peer.recv_handshake(), zw.OriginatorSyn)
        peer.send_handshake(zw.ResponderSynAck(["/z"]))
        assert peer.recv_handshake() == zw.OriginatorAck()
        peer.send_raw(data)   # before reading the node's probe
    peer.peer_id, peer.established = node_id, True
    node.expect(r"^message /t/early early$")
    take_probe(peer)
    node.expect(rf"^status peer_added {zw.format_id(own_id)} ")
    exchange(node, peer, "after-early")
    peer.assert_clean()


@TLS
def test_receiver_field_decides_local_delivery(cluster, tls):
    """§4.1: a node delivers data locally if receiver is nil or its id."""
    node = cluster.start("N", "pubsub", ["/t"], listen=0, extra=node_args(tls))
    peer = established_raw(node, SMALL, tls)
    node_id = zw.parse_id(node.node_id)
    peer.send_data("/t/1", "to-someone-else", receiver=zw.new_id())
    peer.send_data("/t/2", "to-the-node", receiver=node_id)
    peer.send_data("/t/3", "to-everyone")
    node.expect(r"^message /t/2 to-the-node$")
    node.expect(r"^message /t/3 to-everyone$")
    assert node.matching(r"^message /t/1 ") == []
    peer.assert_clean()


@TLS
def test_store_command_to_a_node_without_stores_is_ignored(cluster, tls):
    node = cluster.start("N", "pubsub", ["/t"], listen=0, extra=node_args(tls))
    peer = established_raw(node, SMALL, tls)
    cmd = zw.InternalCommand(2, zw.EntityId(SMALL, 5), zw.NIL_ENTITY,
                             zw.Put("k", zw.Count(42), None,
                                    zw.EntityId(SMALL, 0)))
    peer.send_command(zw.store_topic("s", True), cmd)
    exchange(node, peer, "after-command")
    assert node.matching(r"^(error|status peer_lost) ") == []
    peer.assert_clean()


@TLS
def test_overlapping_filter_entries_deliver_once(cluster, tls):
    """A peer's filter need not be minimal (§3.2: receivers store what
    they get): /z and /z/a both match, the message goes out once."""
    node = cluster.start("N", "pubsub", ["/t"], listen=0, extra=node_args(tls))
    peer = established_raw(node, SMALL, tls, topics=["/z/a", "/z"])
    node.send("/z/a/1 once")
    node.send("/z/b/2 marker")
    assert peer.receive_data(timeout=TIMEOUT) == ("/z/a/1", "once")
    assert peer.receive_data(timeout=TIMEOUT) == ("/z/b/2", "marker")
    assert [m for m in peer.inbox if m.type == zw.DATA] == []
    peer.assert_clean()


@TLS
def test_relayed_messages_name_the_node_as_sender(cluster, tls):
    """A node relaying (broker.forward, our default) a raw peer's message
    to another raw peer puts its own id in `sender` (§4.1) and never sends
    it back to the peer it came from."""
    node = cluster.start("N", "pubsub", ["/t"], listen=0, extra=node_args(tls))
    one = established_raw(node, SMALL, tls, topics=["/z"])
    two = established_raw(node, LARGE, tls, topics=["/z"])
    one.send_data("/z/relay", "from-one")
    msg = two.receive(lambda m: m.type == zw.DATA, timeout=TIMEOUT)
    assert (msg.topic, msg.data(), msg.sender) == \
        ("/z/relay", "from-one", zw.parse_id(node.node_id))
    node.send("/z/after marker")
    assert one.receive_data(timeout=TIMEOUT) == ("/z/after", "marker")
    assert two.receive_data(timeout=TIMEOUT) == ("/z/after", "marker")
    one.assert_clean()
    two.assert_clean()


# -- ping / pong / BYE -----------------------------------------------------------

@TLS
@pytest.mark.parametrize("payload", [b"foo", bytes(range(256)) * 4, b"\x00"],
                         ids=["foo", "1KiB", "nul"])
def test_ping_is_answered_with_the_same_payload(cluster, tls, payload):
    node = cluster.start("N", "pubsub", ["/t"], listen=0, extra=node_args(tls))
    peer = established_raw(node, SMALL, tls)
    pong = peer.ping(payload)
    node_id = zw.parse_id(node.node_id)
    assert (pong.type, pong.sender, pong.receiver, pong.topic, pong.payload) \
        == (zw.PONG, node_id, SMALL, zw.CONTROL_TOPIC, payload)
    peer.assert_clean()


@TLS
def test_bye_from_the_raw_peer_is_answered(cluster, tls):
    node = cluster.start("N", "pubsub", ["/t"], listen=0, extra=node_args(tls))
    peer = established_raw(node, SMALL, tls)
    assert peer.bye(timeout=TIMEOUT)
    line = node.expect(rf"^status (peer_removed|peer_lost) {zw.format_id(SMALL)} ")
    print("node reports:", line.group(0))
    assert node.matching(r"^error ") == []
    peer.assert_clean()


def wait_bye_then_close(peer):
    """The node's BYE ping (auto-ponged), then the close."""
    bye = peer.receive(is_bye, timeout=TIMEOUT)
    assert len(bye.payload) == 11 and bye.payload.startswith(b"BYE")
    assert bye.receiver == peer.own_id and bye.topic == zw.CONTROL_TOPIC
    peer.wait_closed(TIMEOUT)
    return bye


@TLS
def test_unpeer_sends_bye_before_closing(cluster, tls):
    """broker-node's store modes take `unpeer HOST:PORT` on stdin."""
    with zw.Listener(tls=tls) as listener:
        node = cluster.start("N", "relay", [], extra=node_args(tls) + [
            "--store-master", "s", "-p", f"127.0.0.1:{listener.port}"])
        node.expect(r"^attached master s$")
        peer = accept_from(listener, LARGE)
        take_probe(peer)
        node.expect(rf"^status peer_added {zw.format_id(LARGE)} ")
        # The master's topic is in the filter (§3.2: store topics are).
        assert "s/<$>/data/master" in (peer.peer_filter or [])
        node.send(f"unpeer 127.0.0.1:{listener.port}")
        wait_bye_then_close(peer)
        node.expect(rf"^status peer_removed {zw.format_id(LARGE)} ")
        peer.assert_clean()


@TLS
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT],
                         ids=["SIGTERM", "SIGINT"])
def test_shutdown_sends_bye_before_closing(cluster, tls, sig):
    node = cluster.start("N", "pubsub", ["/t"], listen=0, extra=node_args(tls))
    peer = established_raw(node, SMALL, tls)
    node.signal(sig)
    wait_bye_then_close(peer)
    node.expect(r"^exit 0$")
    peer.assert_clean()


# -- redundant connections, version mismatch ----------------------------------------

@TLS
@IDS
def test_second_connection_with_the_same_id(cluster, tls, own_id):
    """While peered: the node as originator (raw id largest) answers the
    second hello with drop_conn 39; as responder (raw id smallest) it
    answers version_select with drop_conn 40. The first connection keeps
    working."""
    node = cluster.start("N", "pubsub", ["/t"], listen=0, extra=node_args(tls))
    first = established_raw(node, own_id, tls)
    second = connect_to(node.port, own_id, tls, ["/z"], handshake=False)
    second.send_handshake(zw.Hello(own_id))
    assert second.recv_handshake() == zw.Probe()
    if own_id == LARGE:
        expected_code = zw.EC_REDUNDANT_CONNECTION
    else:
        assert isinstance(second.recv_handshake(), zw.Hello)
        second.send_handshake(zw.VersionSelect(own_id))
        second.send_handshake(zw.OriginatorSyn(["/z"]))
        expected_code = zw.EC_LOGIC_ERROR
    drop = second.recv_handshake()
    assert isinstance(drop, zw.DropConn), drop
    assert drop.code == expected_code
    assert drop.sender == zw.parse_id(node.node_id)
    second.wait_closed(TIMEOUT)
    exchange(node, first, "still-first")
    assert first.ping(b"first").payload == b"first"
    assert node.matching(rf"^status peer_lost {zw.format_id(own_id)} ") == []
    if own_id == SMALL:
        node.wait_count(rf"^error peer_invalid {zw.format_id(own_id)} "
                        r"127\.0\.0\.1:\d+ detected redundant connection", 1)
    first.assert_clean()


@TLS
@IDS
def test_hello_with_versions_200_201_gets_drop_conn_2(cluster, tls, own_id):
    node = cluster.start("N", "pubsub", ["/t"], listen=0, extra=node_args(tls))
    peer = connect_to(node.port, own_id, tls, handshake=False)
    peer.send_handshake(zw.Hello(own_id, 200, 201))
    assert peer.recv_handshake() == zw.Probe()
    drop = peer.recv_handshake()
    assert isinstance(drop, zw.DropConn), drop
    assert drop.code == zw.EC_PEER_INCOMPATIBLE
    assert drop.sender == zw.parse_id(node.node_id)
    peer.wait_closed(TIMEOUT)
    node.expect(r"^error peer_incompatible \S+ 127\.0\.0\.1:\d+ ")
    assert node.matching(r"^status peer_added ") == []


@TLS
def test_version_select_2_gets_drop_conn_2(cluster, tls):
    node = cluster.start("N", "pubsub", ["/t"], listen=0, extra=node_args(tls))
    peer = connect_to(node.port, SMALL, tls, handshake=False)
    peer.send_handshake(zw.Hello(SMALL))
    assert peer.recv_handshake() == zw.Probe()
    assert isinstance(peer.recv_handshake(), zw.Hello)
    peer.send_handshake(zw.VersionSelect(SMALL, 2))
    drop = peer.recv_handshake()
    assert isinstance(drop, zw.DropConn), drop
    assert drop.code == zw.EC_PEER_INCOMPATIBLE
    peer.wait_closed(TIMEOUT)
    node.expect(r"^error peer_incompatible \S+ 127\.0\.0\.1:\d+ ")


def test_node_dialing_a_v2_only_peer_reports_peer_incompatible(cluster):
    """The node as connector: a raw acceptor answers its hello with
    drop_conn 2 (what upstream sends for an unsupported range)."""
    with zw.Listener() as listener:
        node = cluster.start("N", "pubsub", ["/t"], peers=[listener.port],
                             retry=0, extra=PLAIN_ARGS)
        peer = AuditedPeer(listener.accept_socket(TIMEOUT), LARGE,
                           connector=False, timeout=TIMEOUT)
        peer.send_handshake(zw.Probe())
        assert isinstance(peer.recv_handshake(), zw.Hello)
        peer.send_handshake(zw.DropConn(LARGE, zw.EC_PEER_INCOMPATIBLE,
                                        "unsupported versions offered"))
        peer.wait_closed(TIMEOUT)
        node.expect(r"^error peer_incompatible ")


# -- routing updates -------------------------------------------------------------

@TLS
def test_raw_peer_subscribes_late(cluster, tls):
    node = cluster.start("N", "pubsub", ["/t"], listen=0, extra=node_args(tls))
    peer = established_raw(node, SMALL, tls, topics=[])
    node.send("/late/x before")
    node.send("/t/x not-for-the-raw-peer")
    peer.send_routing_update(["/late"])
    # The pong comes after the node has read the update.
    assert peer.ping(b"sync").payload == b"sync"
    node.send("/late/x after")
    assert peer.receive_data(timeout=TIMEOUT) == ("/late/x", "after")
    peer.send_routing_update(["/late", "/t"])
    assert peer.ping(b"sync2").payload == b"sync2"
    node.send("/t/y now")
    assert peer.receive_data(timeout=TIMEOUT) == ("/t/y", "now")
    peer.assert_clean()


# -- the Python bindings: typed data, Zeek events, later subscriptions --------------

@pytest.fixture
def broker():
    return pytest.importorskip(
        "broker", reason="needs the Python bindings on PYTHONPATH "
        "(build/python)")


@pytest.fixture
def endpoint(broker):
    created = []

    def make(tls):
        opts = broker.BrokerOptions()
        opts.disable_ssl = not tls
        ep = broker.Endpoint(broker.Configuration(opts))
        created.append(ep)
        return ep

    yield make
    for ep in created:
        ep.shutdown()


def python_peering(broker, ep, role, tls, topics=("/data",)):
    """A raw peer (smallest id) peered with Python endpoint `ep`, as
    connector or acceptor; waits for PeerAdded."""
    with ep.make_status_subscriber(True) as ss:
        if role == "raw-connector":
            port = ep.listen("127.0.0.1", 0)
            peer = connect_to(port, SMALL, tls, topics)
        else:
            listener = zw.Listener(tls=tls)
            try:
                ep.peer_nosync("127.0.0.1", listener.port, 0)
                peer = accept_from(listener, SMALL, topics)
            finally:
                listener.close()
        take_probe(peer)
        st = ss.get(TIMEOUT)
        while st is not None and not (isinstance(st, broker.Status)
                                      and st.code() == broker.SC.PeerAdded):
            st = ss.get(TIMEOUT)
        assert st is not None, "no PeerAdded"
    return peer


ROLES = pytest.mark.parametrize("role", ["raw-connector", "raw-acceptor"])


def typed_values(broker):
    """(Python value as published, the same as zeekwire decodes it,
    the Python value a subscriber gets back)."""
    Count = broker.Count
    ts = datetime.datetime(2023, 11, 14, 22, 13, 20, 123456, tzinfo=UTC)
    ts_ns = 1700000000123456000
    nested_py = {"k": ((Count(1), None), frozenset({"s"})), "e": ()}
    nested_zw = zw.Table({"k": zw.Vector([zw.Vector([zw.Count(1), None]),
                                          zw.Set(["s"])]),
                          "e": zw.Vector()})
    rows = [
        (None, None, None),
        (True, True, True),
        (False, False, False),
        (Count(0), zw.Count(0), Count(0)),
        (Count(2**64 - 1), zw.Count(2**64 - 1), Count(2**64 - 1)),
        (-1234567890, zw.Integer(-1234567890), -1234567890),
        (2**63 - 1, zw.Integer(2**63 - 1), 2**63 - 1),
        (-2**63, zw.Integer(-2**63), -2**63),
        (1.2, zw.Real(1.2), 1.2),
        (-0.0, zw.Real(-0.0), -0.0),
        (math.inf, zw.Real(math.inf), math.inf),
        (-math.inf, zw.Real(-math.inf), -math.inf),
        (math.nan, zw.Real(math.nan), math.nan),
        ("hello world", "hello world", "hello world"),
        ("", "", ""),
        ("üñï€", "üñï€", "üñï€"),
        ("x" * 300, "x" * 300, "x" * 300),
        (ipaddress.ip_address("192.168.9.8"), zw.Address("192.168.9.8"),
         ipaddress.ip_address("192.168.9.8")),
        (ipaddress.ip_address("2001:db8::1"), zw.Address("2001:db8::1"),
         ipaddress.ip_address("2001:db8::1")),
        (ipaddress.ip_network("192.168.9.0/24"), zw.Subnet("192.168.9.0/24"),
         ipaddress.ip_network("192.168.9.0/24")),
        (ipaddress.ip_network("2001:db8::/32"), zw.Subnet("2001:db8::/32"),
         ipaddress.ip_network("2001:db8::/32")),
        (broker.Port(8080, broker.Port.TCP), zw.Port(8080, zw.PORT_TCP),
         broker.Port(8080, broker.Port.TCP)),
        (broker.Port(9000, broker.Port.UDP), zw.Port(9000, zw.PORT_UDP),
         broker.Port(9000, broker.Port.UDP)),
        (broker.Port(8, broker.Port.ICMP), zw.Port(8, zw.PORT_ICMP),
         broker.Port(8, broker.Port.ICMP)),
        (broker.Port(7, broker.Port.Unknown), zw.Port(7, zw.PORT_UNKNOWN),
         broker.Port(7, broker.Port.Unknown)),
        (ts, zw.Timestamp(ts_ns), ts),
        (datetime.timedelta(seconds=1.5), zw.Timespan(1500000000),
         datetime.timedelta(seconds=1.5)),
        (datetime.timedelta(microseconds=-3), zw.Timespan(-3000),
         datetime.timedelta(microseconds=-3)),
        (broker.Enum("Conn::LOG"), zw.Enum("Conn::LOG"),
         broker.Enum("Conn::LOG")),
        ({1, 2, "a"}, zw.Set([zw.Integer(1), zw.Integer(2), "a"]),
         {1, 2, "a"}),
        (set(), zw.Set(), set()),
        ({"a": Count(1), "b": Count(2)},
         zw.Table({"a": zw.Count(1), "b": zw.Count(2)}),
         {"a": Count(1), "b": Count(2)}),
        ([1, "x", 2.5], zw.Vector([zw.Integer(1), "x", zw.Real(2.5)]),
         (1, "x", 2.5)),
        ([], zw.Vector(), ()),
        (nested_py, nested_zw, nested_py),
    ]
    return rows


def same(a, b):
    """Equality with NaN == NaN and -0.0 != 0.0."""
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    return type(a) is type(b) and a == b


@TLS
@ROLES
def test_every_type_from_python_to_the_raw_peer(broker, endpoint, tls, role):
    ep = endpoint(tls)
    peer = python_peering(broker, ep, role, tls)
    rows = typed_values(broker)
    for i, (py, _, _) in enumerate(rows):
        ep.publish(f"/data/{i}", py)
    for i, (py, expected, _) in enumerate(rows):
        topic, value = peer.receive_data(timeout=TIMEOUT)
        assert topic == f"/data/{i}"
        assert value == expected, f"{py!r}: got {value!r}"
        if isinstance(expected, zw.Real) and expected.value == 0:
            assert math.copysign(1, value.value) == \
                math.copysign(1, expected.value)
    peer.assert_clean()


@TLS
@ROLES
def test_every_type_from_the_raw_peer_to_python(broker, endpoint, tls, role):
    ep = endpoint(tls)
    with ep.make_subscriber("/data") as sub:
        peer = python_peering(broker, ep, role, tls)
        assert peer.peer_filter == ["/data"]
        rows = typed_values(broker)
        for i, (_, wire, _) in enumerate(rows):
            peer.send_data(f"/data/{i}", wire)
        for i, (_, wire, expected) in enumerate(rows):
            got = sub.get(TIMEOUT)
            assert got is not None, f"nothing for {wire!r}"
            topic, value = got
            assert topic == f"/data/{i}"
            assert same(value, expected), f"{wire!r}: got {value!r}"
        assert peer.ping(b"alive").payload == b"alive"
        peer.assert_clean()


EVENT_TS = datetime.datetime(2023, 11, 14, 22, 13, 20, 500000, tzinfo=UTC)


@TLS
@pytest.mark.parametrize("form", ["2-field", "metadata"])
def test_zeek_events_from_the_raw_peer(broker, endpoint, tls, form):
    ep = endpoint(tls)
    Count = broker.Count
    with ep.make_subscriber("/topic/test") as sub:
        peer = python_peering(broker, ep, "raw-connector", tls,
                              topics=["/topic"])
        metadata = None
        if form == "metadata":
            metadata = [(1, zw.Timestamp.from_seconds(1700000000.5)),
                        (200, "user")]
        peer.send_event("/topic/test", "ping",
                        [zw.Count(1), "two", zw.Integer(-3)], metadata)
        topic, value = sub.get(TIMEOUT)
        assert topic == "/topic/test"
        content = ("ping", (Count(1), "two", -3))
        if form == "metadata":
            content += (((Count(1), EVENT_TS), (Count(200), "user")),)
        assert value == (Count(1), Count(1), content)
        event = broker.zeek.Event(value)
        assert event.valid() and event.name() == "ping"
        assert event.args() == [Count(1), "two", -3]
        if form == "metadata":
            assert event.metadata_value(200) == "user"
        peer.assert_clean()


@TLS
@pytest.mark.parametrize("form", ["2-field", "metadata"])
def test_zeek_events_to_the_raw_peer(broker, endpoint, tls, form):
    ep = endpoint(tls)
    Count = broker.Count
    peer = python_peering(broker, ep, "raw-connector", tls, topics=["/topic"])
    if form == "metadata":
        ev = broker.zeek.Event("pong", Count(2), "x",
                               metadata={1: EVENT_TS, 200: "user"})
        expected_meta = ((1, zw.Timestamp(1700000000500000000)),
                         (200, "user"))
    else:
        ev = broker.zeek.Event("pong", Count(2), "x")
        expected_meta = None
    ep.publish("/topic/test", ev)
    got = peer.receive_event(timeout=TIMEOUT)
    assert got == zw.Event("pong", (zw.Count(2), "x"), expected_meta)
    peer.assert_clean()


@TLS
def test_our_filter_in_the_handshake_and_in_routing_updates(broker, endpoint,
                                                            tls):
    ep = endpoint(tls)
    with ep.make_subscriber("/a") as sub_a:
        peer = python_peering(broker, ep, "raw-connector", tls, topics=["/b"])
        assert peer.handshake_filter == ["/a"]
        node_id = peer.peer_id
        with ep.make_subscriber("/b/c") as sub_b:
            update = peer.receive(lambda m: m.type == zw.ROUTING_UPDATE,
                                  timeout=TIMEOUT)
            assert (update.sender, update.receiver, update.topic) == \
                (node_id, SMALL, zw.CONTROL_TOPIC)
            # The complete filter, never internal topics.
            assert update.filter() == ["/a", "/b/c"]
            assert peer.peer_filter == ["/a", "/b/c"]
            peer.send_data("/b/c/d", "for-b")
            assert sub_b.get(TIMEOUT) == ("/b/c/d", "for-b")
            peer.send_data("/a/x", "for-a")
            assert sub_a.get(TIMEOUT) == ("/a/x", "for-a")
        assert all(not t.startswith("<$>/local/")
                   for f in peer.routing_updates for t in f)
        peer.assert_clean()
