"""Hostile input on a node's listening port, in Zeek's native protocol v1
(ZEEK-WIRE.md §2-§5), forged with the independent raw peer
(tests/zeekwire/zeekwire/). After each attack the node must still
exchange messages with a well-behaved peer (which must not notice anything)
and must report the bad connection with an `error` line."""

import random
import re
import select
import socket
import threading
import time

import pytest

import zeekwire as zw
from conftest import (LIVENESS_ARGS, LIVENESS_DEADLINE, PLAIN_ARGS, TIMEOUT,
                      eventually, peered)

FLOOD = 2000
MAX_FRAME = 16 * 1024 * 1024   # our implementation cap (ZEEK-WIRE.md §2)


def start_served(cluster, extra=()):
    """(node under attack, its well-behaved peer), peered and subscribed
    to /t both."""
    node = cluster.start("N", "pubsub", ["/t"], listen=0,
                         extra=PLAIN_ARGS + list(extra))
    good = cluster.start("W", "pubsub", ["/t"], peers=[node.port],
                         extra=PLAIN_ARGS)
    peered((node, good))
    return node, good


@pytest.fixture
def served(cluster):
    # Default settings: whatever handshake timeout the library has must not
    # cut the slow attacks short while a test still needs them.
    return start_served(cluster)


def assert_still_serving(node, good, tag):
    good.send(f"/t/w {tag}")
    node.expect(rf"^message /t/w {tag}$")
    node.send(f"/t/n {tag}")
    good.expect(rf"^message /t/n {tag}$")
    assert good.matching(r"^status peer_lost ") == []


def connect(port):
    sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    return sock, sock.getsockname()[1]


def send_quietly(sock, data):
    """Sends what the node still takes: it may close mid-way."""
    try:
        sock.sendall(data)
    except (BrokenPipeError, ConnectionResetError):
        pass


def read_until_closed(sock, timeout=TIMEOUT):
    """Everything the node sends until it closes the connection; None if
    it keeps it open past `timeout`."""
    received = b""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([sock], [], [], left)[0]:
            return None
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            return received
        if not chunk:
            return received
        received += chunk


def handshake_messages(buf):
    """Every complete frame of `buf`, decoded as a handshake message."""
    out = []
    while len(buf) >= 4:
        size = int.from_bytes(buf[:4], "big")
        if len(buf) < 4 + size:
            break
        out.append(zw.decode_handshake(buf[4:4 + size]))
        buf = buf[4 + size:]
    return out


def connection_error(node, client_port, codes=r"\S+", timeout=TIMEOUT):
    """The error line the node printed about this client connection (the
    node column is `-` or the peer id, if its hello got through)."""
    return node.expect(
        rf"^error ({codes}) \S+ 127\.0\.0\.1:{client_port} ", timeout=timeout)


def raw_connect(port, own_id=None, **kw):
    """A zeekwire peer on the node's port, handshake not yet run."""
    peer = zw.RawPeer.connect("127.0.0.1", port, own_id, handshake=False,
                              timeout=TIMEOUT, **kw)
    return peer, peer.sock.getsockname()[1]


def established(node, own_id=zw.ID_SMALLEST, topics=("/t",)):
    """A zeekwire peer that completed the handshake and answered our
    extension probe, i.e. the node printed peer_added for it."""
    peer = zw.RawPeer.connect("127.0.0.1", node.port, own_id,
                              timeout=TIMEOUT, filter=list(topics))
    peer.receive(lambda m: m.type == zw.PING
                 and m.payload.startswith(b"BRKX"))  # auto-ponged
    node.expect(rf"^status peer_added {zw.format_id(own_id)} ")
    return peer


def assert_dropped(peer):
    """The node closes `peer`'s connection (within TIMEOUT)."""
    peer.wait_closed(TIMEOUT)


# -- garbage before and in the handshake ---------------------------------------

@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_bytes_drop_only_that_connection(served, seed):
    node, good = served
    junk = random.Random(seed).randbytes(4096)
    # Deterministic outcome: the first length prefix exceeds the cap (the
    # node must not wait for 2^24+ bytes).
    assert int.from_bytes(junk[:4], "big") > MAX_FRAME
    sock, client_port = connect(node.port)
    send_quietly(sock, junk)
    received = read_until_closed(sock)
    sock.close()
    assert received is not None
    # The acceptor's probe, at most followed by a drop_conn.
    msgs = handshake_messages(received)
    assert msgs[:1] == [zw.Probe()]
    connection_error(node, client_port, "invalid_data")
    assert_still_serving(node, good, f"random-{seed}")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_frame_body_gets_drop_conn_20(served, seed):
    node, good = served
    rng = random.Random(seed)
    body = rng.randbytes(200)
    while zw.TAG_HELLO <= body[0] <= zw.TAG_ORIGINATOR_ACK:
        body = rng.randbytes(200)
    sock, client_port = connect(node.port)
    send_quietly(sock, zw.frame(body) + rng.randbytes(1000))
    received = read_until_closed(sock)
    sock.close()
    msgs = handshake_messages(received or b"")
    assert [type(m) for m in msgs] == [zw.Probe, zw.DropConn], msgs
    assert msgs[1].code == zw.EC_INVALID_MESSAGE
    connection_error(node, client_port, "invalid_data")
    assert_still_serving(node, good, f"random-body-{seed}")


@pytest.mark.parametrize("length", [0xFFFFFFFF, 0x7FFFFFFB, MAX_FRAME + 1])
def test_huge_length_prefix_is_refused_before_allocating(served, length):
    node, good = served
    rss_before = node.rss_kib()
    sock, client_port = connect(node.port)
    send_quietly(sock, length.to_bytes(4, "big") + bytes([zw.TAG_HELLO]))
    assert read_until_closed(sock) is not None
    sock.close()
    connection_error(node, client_port, "invalid_data")
    assert node.rss_kib() - rss_before < 32 * 1024
    assert_still_serving(node, good, "huge")


def test_zero_length_handshake_frame_is_refused(served):
    node, good = served
    sock, client_port = connect(node.port)
    send_quietly(sock, bytes(4))
    assert read_until_closed(sock) is not None
    sock.close()
    connection_error(node, client_port, "invalid_data")
    assert_still_serving(node, good, "zero-length")


@pytest.mark.parametrize("first", ["hello", "probe"])
def test_wrong_magic_gets_drop_conn_38(served, first):
    node, good = served
    peer, client_port = raw_connect(node.port, zw.ID_SMALLEST)
    bad = 0x5A45454C
    peer.send_handshake(zw.Hello(peer.own_id, magic=bad) if first == "hello"
                        else zw.Probe(magic=bad))
    assert peer.recv_handshake() == zw.Probe()
    drop = peer.recv_handshake()
    assert isinstance(drop, zw.DropConn), drop
    assert drop.code == zw.EC_WRONG_MAGIC_NUMBER
    assert_dropped(peer)
    connection_error(node, client_port, "invalid_data")
    assert_still_serving(node, good, f"magic-{first}")


def node_message_body(sender):
    return zw.encode_node_message(zw.NodeMessage(
        sender, zw.NIL_ID, zw.DATA, "/t/x", zw.encode_data("early")))


def test_node_message_before_the_handshake_gets_drop_conn_20(served):
    """A frame of the wrong phase first: a data message instead of hello
    (its first byte, the sender id's, is no handshake tag)."""
    node, good = served
    sock, client_port = connect(node.port)
    send_quietly(sock, zw.frame(node_message_body(zw.ID_SMALLEST)))
    received = read_until_closed(sock)
    sock.close()
    msgs = handshake_messages(received or b"")
    assert [type(m) for m in msgs] == [zw.Probe, zw.DropConn], msgs
    assert msgs[1].code == zw.EC_INVALID_MESSAGE
    connection_error(node, client_port, "invalid_data")
    assert node.matching(r"^message /t/x ") == []
    assert_still_serving(node, good, "early-frame")


@pytest.mark.parametrize("own_id", [zw.ID_SMALLEST, zw.ID_LARGEST],
                         ids=["raw-originator", "raw-responder"])
def test_node_message_during_the_handshake(served, own_id):
    """A data message where the handshake expects its next step (node
    awaiting syn_ack, or awaiting the originator's ack)."""
    node, good = served
    peer, client_port = raw_connect(node.port, own_id, filter=["/t"])
    peer.send_handshake(zw.Hello(own_id))
    assert peer.recv_handshake() == zw.Probe()
    if own_id == zw.ID_SMALLEST:
        assert isinstance(peer.recv_handshake(), zw.Hello)
        peer.send_handshake(zw.VersionSelect(own_id))
        peer.send_handshake(zw.OriginatorSyn(["/t"]))
        assert isinstance(peer.recv_handshake(), zw.ResponderSynAck)
    else:
        assert isinstance(peer.recv_handshake(), zw.VersionSelect)
        assert isinstance(peer.recv_handshake(), zw.OriginatorSyn)
    peer.send_frame(node_message_body(own_id))
    # Either a drop_conn (the body is no handshake message: first byte 00
    # or ff) or a plain close; never a peering.
    try:
        msg = peer.recv_handshake()
        assert isinstance(msg, zw.DropConn), msg
        assert msg.code == zw.EC_INVALID_MESSAGE
    except zw.PeerClosed:
        pass
    assert_dropped(peer)
    connection_error(node, client_port, "invalid_data|peer_invalid")
    assert node.matching(r"^status peer_added 0000|^status peer_added ffff") \
        == []
    assert node.matching(r"^message /t/x ") == []
    assert_still_serving(node, good, "mid-handshake-frame")


# -- garbage after the handshake -------------------------------------------------

AFTER_HANDSHAKE = {
    # 64 x ff: the topic length claims more than the frame holds.
    "bad-envelope": lambda own: b"\xff" * 64,
    # A well-formed envelope whose data payload does not decode.
    "bad-payload": lambda own: zw.encode_node_message(zw.NodeMessage(
        own, zw.NIL_ID, zw.DATA, "/t/x", b"\xff" * 16)),
    # A data value with trailing bytes.
    "trailing-bytes": lambda own: zw.encode_node_message(zw.NodeMessage(
        own, zw.NIL_ID, zw.DATA, "/t/x", zw.encode_data("x") + b"\x00")),
    # Handshake messages after the handshake (too short for an envelope).
    "hello-after": lambda own: zw.encode_handshake(zw.Hello(own)),
    "ack-after": lambda own: zw.encode_handshake(zw.OriginatorAck()),
}


@pytest.mark.parametrize("garbage", sorted(AFTER_HANDSHAKE))
def test_garbage_after_handshake_drops_that_peer(served, garbage):
    node, good = served
    peer = established(node)
    fake_id = zw.format_id(peer.own_id)
    peer.send_frame(AFTER_HANDSHAKE[garbage](peer.own_id))
    assert_dropped(peer)
    node.expect(rf"^error invalid_data {fake_id} ")
    node.expect(rf"^status peer_lost {fake_id} ")
    assert node.matching(r"^message /t/x ") == []
    assert_still_serving(node, good, f"after-{garbage}")


@pytest.mark.parametrize("length", [0xFFFFFFFF, MAX_FRAME + 1])
def test_huge_node_frame_drops_that_peer(served, length):
    node, good = served
    peer = established(node)
    fake_id = zw.format_id(peer.own_id)
    rss_before = node.rss_kib()
    peer.send_raw(length.to_bytes(4, "big") + b"\x00" * 64)
    assert_dropped(peer)
    node.expect(rf"^error invalid_data {fake_id} ")
    node.expect(rf"^status peer_lost {fake_id} ")
    assert node.rss_kib() - rss_before < 32 * 1024
    assert_still_serving(node, good, "huge-node-frame")


def test_unknown_node_message_type_is_dropped_not_fatal(served):
    """§4.1 receiver tolerance: a type outside 1..5 and zero-length frames
    are dropped (Broker 8.x behaviour); the peering goes on."""
    node, good = served
    peer = established(node)
    peer.send_message(zw.NodeMessage(peer.own_id, zw.NIL_ID, 99, "/t/x",
                                     zw.encode_data("odd")))
    peer.send_raw(bytes(4))
    peer.send_data("/t/raw", "after")
    node.expect(r"^message /t/raw after$")
    assert node.matching(r"^message /t/x ") == []
    assert peer.ping(b"still-there").payload == b"still-there"
    assert_still_serving(node, good, "unknown-type")


# -- truncated, stalled and slow handshakes --------------------------------------

def truncated_handshake(port):
    """Half a hello, then close; returns the client port."""
    sock, client_port = connect(port)
    hello = zw.frame(zw.encode_handshake(zw.Hello(zw.new_id())))
    sock.sendall(hello[:len(hello) // 2])
    sock.close()
    return client_port


def assert_survives(node, good, attack, tag):
    """Runs `attack`; the node must still serve, and close every connection
    the attack opened."""
    fds = node.open_fds()
    attack()
    assert_still_serving(node, good, tag)
    eventually(lambda: node.open_fds() <= fds, what=f"{tag}: fds closed")


def test_truncated_handshake_leaves_the_node_serving(served):
    node, good = served
    assert_survives(node, good, lambda: truncated_handshake(node.port),
                    "after-truncated")


def test_truncated_handshake_is_reported(served):
    node, _ = served
    client_port = truncated_handshake(node.port)
    connection_error(node, client_port, "peer_disconnect_during_handshake")


STALLS = ["after-connect", "after-hello", "after-syn", "probe-unanswered"]


def stall(port, where):
    """A raw peer that stops at `where` (and then only reads); returns it
    and its client port. "probe-unanswered" completes the v1 handshake but
    never answers the node's extension probe (a ping), which §5.2 says
    every node answers."""
    if where == "probe-unanswered":
        peer, client_port = raw_connect(port, zw.ID_SMALLEST, filter=["/t"],
                                        auto_pong=False)
        peer.handshake()
        return peer, client_port
    peer, client_port = raw_connect(port, zw.ID_SMALLEST, filter=["/t"])
    assert peer.recv_handshake() == zw.Probe()
    if where == "after-connect":
        return peer, client_port
    peer.send_handshake(zw.Hello(peer.own_id))
    assert isinstance(peer.recv_handshake(), zw.Hello)
    if where == "after-syn":
        peer.send_handshake(zw.VersionSelect(peer.own_id))
        peer.send_handshake(zw.OriginatorSyn(["/t"]))
        assert isinstance(peer.recv_handshake(), zw.ResponderSynAck)
    return peer, client_port


@pytest.mark.parametrize("where", STALLS)
def test_stalled_handshake_is_dropped_after_handshake_timeout(cluster, where):
    node, good = start_served(cluster, LIVENESS_ARGS)   # timeout 2 s
    started = time.monotonic()
    peer, client_port = stall(node.port, where)
    try:
        # Nothing but the close comes (no drop_conn: upstream has no
        # handshake timeout, §3.7, so there is no code for it).
        if where == "probe-unanswered":
            peer.wait_closed(LIVENESS_DEADLINE)
            assert all(m.type == zw.PING for m in peer.inbox), peer.inbox
        else:
            with pytest.raises(zw.PeerClosed):
                peer.recv_handshake(LIVENESS_DEADLINE)
        elapsed = time.monotonic() - started
        assert elapsed >= 1.5, f"dropped after {elapsed:.2f}s"
        connection_error(node, client_port, "peer_timeout")
        assert node.matching(rf"^status peer_added {zw.format_id(zw.ID_SMALLEST)}") == []
        assert_still_serving(node, good, f"stall-{where}")
    finally:
        peer.close()


class SlowClient:
    """Sends a valid hello one byte per second (slowloris) on a thread,
    reading whatever the node sends, until the node closes or stop()."""

    def __init__(self, port):
        self.sock, self.client_port = connect(port)
        self.sock.setblocking(False)
        self.hello = zw.frame(zw.encode_handshake(zw.Hello(zw.new_id())))
        self.sent = 0
        self.closed = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set() and self.sent < len(self.hello):
            try:
                self.sock.send(self.hello[self.sent:self.sent + 1])
                self.sent += 1
                # The attack's pace: one byte, then a second of reading.
                if select.select([self.sock], [], [], 1.0)[0] \
                        and not self.sock.recv(65536):
                    break
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                break
        self.closed.set()

    def stop(self):
        self._stop.set()
        self._thread.join()
        self.sock.close()


def test_slowloris_does_not_stall_other_peers(served):
    node, good = served
    slow = SlowClient(node.port)
    try:
        assert_still_serving(node, good, "during-slowloris")
        assert not slow.closed.is_set()
    finally:
        slow.stop()


def test_slowloris_is_dropped_after_handshake_timeout(cluster):
    node, good = start_served(cluster, LIVENESS_ARGS)
    slow = SlowClient(node.port)
    try:
        assert slow.closed.wait(LIVENESS_DEADLINE), (
            f"still connected after {slow.sent} bytes")
        assert slow.sent < len(slow.hello)
        connection_error(node, slow.client_port, "peer_timeout")
        assert_still_serving(node, good, "after-slowloris")
    finally:
        slow.stop()


# -- floods ----------------------------------------------------------------------

def flood(port, n=FLOOD):
    """Opens and drops n connections: half closed (FIN), half reset (RST).
    Returns the client ports."""
    ports = []
    for i in range(n):
        sock, client_port = connect(port)
        if i % 2:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                            b"\x01\x00\x00\x00\x00\x00\x00\x00")
        sock.close()
        ports.append(client_port)
    return ports


def test_connection_flood_leaves_the_node_serving(served):
    node, good = served
    assert_survives(node, good, lambda: flood(node.port), "after-flood")


def test_connection_flood_reports_every_connection(served):
    node, _ = served
    ports = set(flood(node.port))
    lines = node.wait_count(
        r"^error peer_disconnect_during_handshake - 127\.0\.0\.1:\d+ ",
        len(ports))
    reported = {int(re.search(r":(\d+) ", l).group(1)) for l in lines}
    assert reported == ports


ROUTING_FLOOD = 20000


def flood_routing_updates(peer, n, last):
    """Starts a thread that sends n routing_updates (each a complete,
    changing filter; every 1000th a 10000-topic one) as fast as the socket
    takes them, then one with `last`. Returns (thread, done, errors)."""
    big = [f"/big/{i:05d}" for i in range(10000)]
    done = threading.Event()
    errors = []

    def run():
        try:
            for i in range(n):
                peer.send_routing_update(big if i % 1000 == 999
                                         else [f"/f/{i}"])
            peer.send_routing_update(last)
        except OSError as exc:
            errors.append(exc)
        finally:
            done.set()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, done, errors


def assert_serving_during(node, good, thread, done, tag):
    try:
        for i in range(5):
            assert_still_serving(node, good, f"{tag}-{i}")
        assert done.wait(LIVENESS_DEADLINE * 3), "flood not taken in time"
    finally:
        thread.join(LIVENESS_DEADLINE)


def test_routing_update_flood_drops_the_flooder(served):
    """Default broker.routing-update-limit (1000 per second): a peer that
    floods routing_updates is dropped with an error; the other peer does
    not notice."""
    node, good = served
    peer = established(node, topics=[])
    fake_id = zw.format_id(peer.own_id)
    thread, done, _ = flood_routing_updates(peer, ROUTING_FLOOD, ["/t"])
    assert_serving_during(node, good, thread, done, "during-routing-flood")
    # (These lines may come before or among the ones the loop waited for.)
    node.wait_count(rf"^error peer_invalid {fake_id} \S+ routing update "
                    r"flood: more than 1000 per second", 1)
    node.wait_count(rf"^status peer_lost {fake_id} ", 1)
    assert_dropped(peer)
    assert_still_serving(node, good, "after-routing-flood")


def assert_last_update_wins(node, good, peer):
    """The flooder's last filter (/t/last) decides what it gets: nothing on
    /f/1, everything on /t/last; and the node did not pass the updates on
    (each node sends only its own filter, §5.1)."""
    fake_id = zw.format_id(peer.own_id)
    # The pong comes after the node has read every update before the ping.
    assert peer.ping(b"sync", timeout=LIVENESS_DEADLINE).payload == b"sync"
    node.send("/f/1 not-for-you")
    node.send("/t/last for-you")
    assert peer.receive_data(timeout=TIMEOUT) == ("/t/last", "for-you")
    assert peer.ping(b"after-flood").payload == b"after-flood"
    assert node.matching(rf"^error \S+ {fake_id} ") == []
    assert node.matching(rf"^status peer_lost {fake_id} ") == []
    assert_still_serving(node, good, "after-routing-flood")


def test_routing_update_flood_without_limit_is_applied_in_order(cluster):
    node, good = start_served(cluster, ["--broker.routing-update-limit=0"])
    peer = established(node, topics=[])
    thread, done, errors = flood_routing_updates(peer, ROUTING_FLOOD,
                                                 ["/t/last"])
    assert_serving_during(node, good, thread, done, "during-routing-flood")
    assert errors == [], f"node closed the flooding peer: {errors}"
    assert_last_update_wins(node, good, peer)
    peer.close()


def test_routing_updates_below_the_limit_are_applied(served):
    node, good = served
    peer = established(node, topics=[])
    thread, done, errors = flood_routing_updates(peer, 900, ["/t/last"])
    assert_serving_during(node, good, thread, done, "during-routing-updates")
    assert errors == []
    assert_last_update_wins(node, good, peer)
    peer.close()


# -- TLS -------------------------------------------------------------------------

@pytest.mark.parametrize("what", ["random", "plain-hello"])
def test_plaintext_on_a_tls_port_drops_only_that_connection(cluster, what):
    """Endpoints use TLS by default (ZEEK-WIRE.md §1.2): plaintext (junk,
    or a plain v1 hello) fails the TLS handshake and is reported."""
    node = cluster.start("N", "pubsub", ["/t"], listen=0)
    good = cluster.start("W", "pubsub", ["/t"], peers=[node.port])
    peered((node, good))
    data = (random.Random(7).randbytes(4096) if what == "random"
            else zw.frame(zw.encode_handshake(zw.Hello(zw.new_id()))))
    sock, client_port = connect(node.port)
    send_quietly(sock, data)
    received = read_until_closed(sock)
    sock.close()
    assert received is not None
    # Whatever comes back is TLS (an alert), never a v1 probe.
    assert not received.startswith(zw.frame(zw.encode_handshake(zw.Probe())))
    connection_error(node, client_port)
    assert_still_serving(node, good, f"tls-{what}")
