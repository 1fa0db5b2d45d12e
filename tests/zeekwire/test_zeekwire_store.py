"""Self-tests of the raw store master and clone (zeekwire/store.py, channel.py,
ZEEK-WIRE.md §6): the store transcript re-enacted over loopback byte for byte,
NACK recovery, retransmit_failed and re-attach, keepalives and acknowledgements
at exactly the ticks §6.3 gives, writes and their broadcasts.

Both endpoints run in the test's thread after the handshake: nothing ticks
unless the test calls tick(), and settle() pumps both sides until a condition
holds (with a deadline; never a sleep).

Run: /usr/bin/python3 -m pytest tests/zeekwire
"""

import concurrent.futures
import contextlib
import os
import socket
import time

import pytest

import zeekwire as zw
from zeekwire import (
    Add, AckClone, AttachWriter, Clear, Count, CumulativeAck, EntityId, Erase, Expire, Integer,
    Keepalive, Nack, Put, PutUniqueResult, RetransmitFailed, Subtract, Table, Timespan,
)

HERE = os.path.dirname(os.path.abspath(__file__))
WAIT = 10.0  # upper bound of every wait (never a sleep)
# The endpoint ids of the store transcript: L listens and has the master,
# D dials and has the clone.
L_ID = bytes.fromhex("74e14e4dd7f050ae98ba4e5aadbcac70")
D_ID = bytes.fromhex("284313815fcb5690b3eeeaf9701ac041")
CONTROL = (Keepalive, CumulativeAck)  # their timing differs run to run


class RecordingPeer(zw.RawPeer):
    """A RawPeer that keeps the body of every frame it sends."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.frames = []

    def send_frame(self, body):
        self.frames.append(bytes(body))
        super().send_frame(body)


def nodelay(sock):
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


@contextlib.contextmanager
def loopback(l_filter=("/topic/test",), d_filter=("/reply",)):
    """(L, D): two RecordingPeers peered over 127.0.0.1, D dialing L."""
    with zw.Listener() as listener, concurrent.futures.ThreadPoolExecutor(1) as pool:
        def accept():
            peer = RecordingPeer(nodelay(listener.accept_socket(WAIT)), L_ID, connector=False,
                                 filter=list(l_filter), timeout=WAIT, registry=listener.registry)
            peer.handshake()
            return peer
        accepted = pool.submit(accept)
        d = RecordingPeer(nodelay(socket.create_connection(("127.0.0.1", listener.port), timeout=WAIT)),
                          D_ID, connector=True, filter=list(d_filter), timeout=WAIT)
        d.handshake()
        l = accepted.result(WAIT)
        try:
            yield l, d
        finally:
            l.close()
            d.close()


def settle(predicate, *endpoints, timeout=WAIT):
    """Pump every endpoint until predicate() holds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition never held"
        for endpoint in endpoints:
            endpoint.pump(0.002)


def attach(master, clone):
    settle(lambda: clone.writer_acked and master.clone_acked(clone.entity), master, clone)


@pytest.fixture
def pair():
    """An attached RawStoreMaster (on L) and RawStoreClone (on D) of "s"."""
    with loopback() as (l, d):
        master = zw.RawStoreMaster(l, "s")
        clone = zw.RawStoreClone(d, "s")
        attach(master, clone)
        yield master, clone


def sent(endpoint, *types):
    return [cmd for cmd in endpoint.sent_contents(*types)]


def kinds(cmds):
    return [type(c.content) for c in cmds]


# ---------------------------------------------------------------------------
# The store transcript

def transcript_frames():
    """[(direction, body)] of the store transcript."""
    frames = []
    with open(os.path.join(HERE, "transcripts", "store-master-on-listener.txt")) as handle:
        for line in handle:
            if line.strip() and not line.startswith("#"):
                direction, _, body = line.split("#")[0].split()
                frames.append((direction, bytes.fromhex(body)))
    return frames


def is_timing_frame(body):
    """Keepalives and acknowledgements: their number depends on timing."""
    if body[0] in range(zw.TAG_HELLO, zw.TAG_ORIGINATOR_ACK + 1) and len(body) < 37:
        return False  # a handshake message
    msg = zw.decode_node_message(body)
    return msg.type == zw.COMMAND and isinstance(msg.command().content, CONTROL)


def test_every_store_command_of_the_transcript_round_trips_and_follows_6_2():
    commands = []
    for direction, body in transcript_frames():
        if len(body) < 37 or body[32] != zw.COMMAND:
            continue
        msg = zw.decode_node_message(body)
        cmd = msg.command()
        assert zw.encode_command(cmd) == msg.payload and zw.encode_node_message(msg) == body
        commands.append((direction, msg, cmd))
    assert len(commands) == 46
    for direction, msg, cmd in commands:
        to_master = direction == "D->L"
        assert msg.topic == zw.store_topic("mystore", to_master)
        assert cmd.sender == EntityId(D_ID if to_master else L_ID, 8)
        content = cmd.content
        if isinstance(content, zw.ACTIONS):
            assert cmd.seq >= 2 and msg.receiver == zw.NIL_ID
        elif isinstance(content, AckClone):
            assert cmd.seq == content.offset and msg.receiver == D_ID
        else:
            assert cmd.seq == 0
        if isinstance(content, (CumulativeAck, AckClone)) or (isinstance(content, Nack) and content.seqs != (0,)):
            assert msg.receiver == cmd.receiver.endpoint != zw.NIL_ID   # unicast
        if isinstance(content, Keepalive) or content == Nack([0]):
            assert msg.receiver == zw.NIL_ID and cmd.receiver == zw.NIL_ENTITY


def test_transcript_scenario_reenacted_byte_for_byte():
    """L's master and D's clone do what the upstream nodes did; every frame
    either side sends, keepalives and acknowledgements aside, equals the
    transcript's (handshake, routing updates, NACK 0, ack_clone,
    attach_writer, the writes, the broadcasts, the BYE)."""
    with loopback() as (l, d):
        master = zw.RawStoreMaster(l, "mystore")
        clone = zw.RawStoreClone(d, "mystore")
        attach(master, clone)
        master.tick(5)   # the idle keepalives and acknowledgements of the capture
        clone.tick(5)
        settle(lambda: len(clone.received_contents(Keepalive)) == 1, master, clone)

        master.put("k", Count(42))
        clone.put("from-clone", "v")
        settle(lambda: clone.store == {"k": Count(42), "from-clone": "v"}, master, clone)
        req = clone.put_unique("u", Integer(1))
        settle(lambda: req in clone.results, master, clone)
        assert clone.results[req] is True and req == 1
        master.put("e", "expires", Timespan(300_000_000))
        clone.add("k", Count(1))
        clone.erase("from-clone")
        settle(lambda: clone.store == {"k": Count(43), "u": Integer(1), "e": "expires"}, master, clone)
        master.tick(2)
        assert "e" in master.store        # 0.2 s of store time: not yet
        master.tick(1)
        settle(lambda: "e" not in clone.store, master, clone)
        master.clear()
        settle(lambda: clone.applied[-1][1] == Clear(master.entity), master, clone)
        assert master.store == clone.store == {}
        token = b"BYE" + bytes.fromhex("0100000000000010")
        d.send_ping(token)                          # the unpeering of the capture
        l.receive(lambda m: m.type == zw.PING and m.payload == token, WAIT)   # auto-ponged
        d.receive(lambda m: m.type == zw.PONG and m.payload == token, WAIT)

    expected = {"D->L": [], "L->D": []}
    for direction, body in transcript_frames():
        if not is_timing_frame(body):
            expected[direction].append(body)
    assert [b for b in d.frames if not is_timing_frame(b)] == expected["D->L"]
    assert [b for b in l.frames if not is_timing_frame(b)] == expected["L->D"]
    # The keepalives and acknowledgements have the transcript's shapes.
    def shapes(bodies):
        out = set()
        for body in bodies:
            if is_timing_frame(body):
                msg = zw.decode_node_message(body)
                cmd = msg.command()
                out.add((msg.topic, msg.receiver, cmd.sender, cmd.receiver, type(cmd.content)))
        return out
    assert shapes(d.frames) <= shapes(b for dr, b in transcript_frames() if dr == "D->L")
    assert shapes(l.frames) <= shapes(b for dr, b in transcript_frames() if dr == "L->D")
    assert master.writes[-1][1:] == (5, Erase("from-clone", clone.entity))
    assert [seq for seq, _ in clone.applied] == list(range(2, 11))


# ---------------------------------------------------------------------------
# NACKs, retransmissions, retransmit_failed

def test_dropped_event_is_nacked_after_the_nack_timeout_and_retransmitted(pair):
    master, clone = pair
    assert master.drop_outgoing() == 2
    master.put("a", Integer(1))
    master.put("b", Integer(2))
    settle(lambda: clone.consumer.pending, master, clone)
    assert clone.store == {} and clone.consumer.missing() == [2]
    clone.tick()
    assert sent(clone, Nack) == [] or sent(clone, Nack)[-1].content == Nack([0])
    clone.tick()                                   # the gap has lasted NACK timeout (2) ticks
    nack = sent(clone, Nack)[-1]
    assert nack.content == Nack([2]) and nack.receiver == master.entity
    assert clone.sent[-1][1] == L_ID              # unicast to the master's endpoint
    settle(lambda: len(clone.applied) == 2, master, clone)
    assert clone.applied == [(2, Put("a", Integer(1), None, master.entity)),
                             (3, Put("b", Integer(2), None, master.entity))]
    assert master.producer.retransmitted == [(clone.entity, 2)]
    msg, cmd = clone.received[-1]                   # the retransmission: unicast
    assert cmd.seq == 2 and msg.receiver == D_ID and cmd.receiver == clone.entity
    clone.tick(2)
    assert sent(clone, Nack)[-1] == nack           # no gap, no more NACKs


def test_clone_dropping_and_ignoring_retransmissions_keeps_nacking(pair):
    master, clone = pair
    clone.drop_incoming.add(3)
    clone.ignore_retransmissions = True
    for i in range(3):
        master.put(f"k{i}", Integer(i))
    settle(lambda: 4 in clone.consumer.pending, master, clone)
    assert clone.dropped == [3]
    for round_ in range(3):
        clone.tick(2)
        settle(lambda: len(clone.ignored) == round_ + 1, master, clone)
    assert [c.content for c in sent(clone, Nack)][-3:] == [Nack([3])] * 3
    clone.ignore_retransmissions = False
    clone.tick(2)
    settle(lambda: len(clone.store) == 3, master, clone)
    assert [seq for seq, _ in clone.applied] == [2, 3, 4]


def test_gap_at_the_end_is_found_through_the_keepalive(pair):
    master, clone = pair
    master.drop_outgoing()
    master.put("x", "lost")
    clone.tick(10)
    assert clone.consumer.missing() == [] and Nack([2]) not in [c.content for c in sent(clone)]
    master.tick(4)
    assert sent(master, Keepalive) == []
    master.tick(1)                                  # idle for one heartbeat interval
    assert sent(master, Keepalive)[-1].content == Keepalive(2)
    settle(lambda: clone.consumer.missing() == [2], master, clone)
    clone.tick(2)
    settle(lambda: clone.store == {"x": "lost"}, master, clone)


def test_retransmit_failed_makes_the_clone_reattach_with_a_fresh_snapshot(pair):
    master, clone = pair
    assert clone.put("w", "before") == 2
    settle(lambda: "w" in clone.store, master, clone)
    master.put("a", Integer(1))
    master.drop_outgoing()
    master.put("b", Integer(2))
    master.put("c", Integer(3))
    master.forget_buffer()
    settle(lambda: clone.consumer.missing() == [4], master, clone)
    clone.tick(2)
    settle(lambda: clone.failures == [4], master, clone)
    failed = clone.received_contents(RetransmitFailed)[-1]
    assert failed.content == RetransmitFailed(4) and failed.receiver == clone.entity
    assert sent(clone, Nack)[-1].content == Nack([0])          # re-attach at once
    settle(lambda: clone.attached, master, clone)
    state = {"w": "before", "a": Integer(1), "b": Integer(2), "c": Integer(3)}
    assert clone.snapshots[-1] == (5, state) and clone.store == master.store == state
    acks = clone.received_contents(AckClone)
    assert [c.content.offset for c in acks] == [1, 5] and acks[-1].seq == 5
    # A new writer channel, numbered on from the old one; the master takes it.
    assert [c.content for c in sent(clone, AttachWriter)] == [AttachWriter(1, 5), AttachWriter(2, 5)]
    assert clone.put("d", Integer(4)) == 3
    settle(lambda: "d" in clone.store, master, clone)
    assert [w[1] for w in master.writes] == [2, 3]


def test_ack_clone_is_repeated_for_a_repeated_nack_zero_until_acked():
    with loopback() as (l, d):
        master = zw.RawStoreMaster(l, "s", {"k": "v"})
        clone = zw.RawStoreClone(d, "s")
        clone.tick(2)                               # no answer yet: NACK 0 again
        assert [c.content for c in sent(clone)] == [Nack([0]), Nack([0])]
        settle(lambda: len(sent(master, AckClone)) == 2, master)
        first, second = sent(master, AckClone)
        assert first == second == zw.InternalCommand(1, master.entity, clone.entity,
                                                     AckClone(1, 5, Table({"k": "v"})))
        settle(lambda: clone.attached and master.clone_acked(), master, clone)
        settle(lambda: len(clone.received_contents(AckClone)) == 2, clone)
        assert len(clone.snapshots) == 1 and clone.store == {"k": "v"}
        assert [c.content for c in sent(clone, CumulativeAck)] == [CumulativeAck(1)] * 2


# ---------------------------------------------------------------------------
# Timing in ticks

def test_keepalives_and_acknowledgements_at_the_heartbeat(pair):
    master, clone = pair
    base_clone, base_master = len(clone.sent), len(master.sent)
    clone.tick(4)
    master.tick(4)
    assert len(clone.sent) == base_clone and len(master.sent) == base_master
    clone.tick()
    assert [(c.content, t) for t, _, c in clone.sent[base_clone:]] == [
        (CumulativeAck(1), clone.master_topic), (Keepalive(1), clone.master_topic)]
    master.tick()
    assert [c.content for _, _, c in master.sent[base_master:]] == [Keepalive(1), CumulativeAck(1)]
    master.put("x", Integer(1))                     # an event resets the idle count
    master.tick(4)
    assert sent(master, Keepalive)[-1].content == Keepalive(1)
    master.tick(1)
    assert sent(master, Keepalive)[-1].content == Keepalive(2)
    settle(lambda: clone.store, master, clone)
    clone.tick(5)
    assert sent(clone, CumulativeAck)[-1].content == CumulativeAck(2)
    settle(lambda: master.clone_acked(clone.entity, 2), master)
    assert master.producer.buffer == {}            # acknowledged by every clone: dropped


def test_attach_writer_is_resent_with_keepalives_until_acknowledged():
    with loopback() as (l, d):
        master = zw.RawStoreMaster(l, "s")
        clone = zw.RawStoreClone(d, "s")
        settle(lambda: clone.attached, master, clone)
        master.pause()                               # the writer's attach stays unanswered
        clone.put("early", "w")
        assert kinds(sent(clone))[-2:] == [AttachWriter, Put]
        clone.tick(5)
        assert kinds(sent(clone))[-3:] == [CumulativeAck, Keepalive, AttachWriter]
        clone.tick(5)
        assert kinds(sent(clone))[-2:] == [Keepalive, AttachWriter]
        master.resume()
        settle(lambda: clone.writer_acked and "early" in clone.store, master, clone)
        clone.tick(5)
        assert kinds(sent(clone))[-2:] == [CumulativeAck, Keepalive]
        assert [w[1:] for w in master.writes] == [(2, Put("early", "w", None, clone.entity))]


def test_writes_before_the_attach_are_held_then_sent_after_attach_writer():
    with loopback() as (l, d):
        master = zw.RawStoreMaster(l, "s")
        clone = zw.RawStoreClone(d, "s", attach=False)
        assert clone.put("a", Integer(1)) is None and clone.erase("zz") is None
        assert sent(clone) == []
        clone.attach()
        settle(lambda: len(master.writes) == 2, master, clone)
        assert kinds(sent(clone)) == [Nack, CumulativeAck, AttachWriter, Put, Erase]
        assert [c.seq for c in sent(clone)[-2:]] == [2, 3]
        settle(lambda: clone.store == {"a": Integer(1)}, master, clone)


def test_master_drops_a_silent_clone_after_the_connection_timeout():
    with loopback() as (l, d):
        master = zw.RawStoreMaster(l, "s", connection_timeout=2)
        clone = zw.RawStoreClone(d, "s")
        attach(master, clone)
        master.tick(10)
        assert clone.entity in master.clones
        master.tick(1)                               # 11 ticks > 2 x 5 without a word
        assert master.clones == {} and master.producer.dropped_paths == [clone.entity]


# ---------------------------------------------------------------------------
# Writes and what the master broadcasts for them

def test_put_unique_add_subtract_and_clear_broadcasts(pair):
    master, clone = pair
    master.put("taken", "x")
    first = clone.put_unique("taken", "y")
    second = clone.put_unique("free", "z")
    clone.add("n", Integer(5))
    clone.subtract("n", Integer(7))
    clone.add("s", "ab")
    clone.subtract("missing", Integer(1))          # refused by the master
    clone.add("n", "text")                          # type clash: refused
    clone.clear()
    settle(lambda: len(master.writes) == 8 and isinstance(clone.applied[-1][1], Clear), master, clone)
    assert clone.results == {first: False, second: True}
    broadcast = [c.content for c in sent(master) if isinstance(c.content, zw.ACTIONS)]
    who = clone.requester
    assert broadcast == [
        Put("taken", "x", None, master.entity),
        PutUniqueResult(False, who, first, master.entity),
        Put("free", "z", None, clone.entity), PutUniqueResult(True, who, second, master.entity),
        Put("n", Integer(5), None, clone.entity), Put("n", Integer(-2), None, clone.entity),
        Put("s", "ab", None, clone.entity), Clear(clone.entity)]
    assert [type(c) for c, _ in master.rejected] == [Subtract, Add]
    assert clone.store == master.store == {}
    assert [seq for seq, _ in clone.applied] == list(range(2, 10))


def test_expiry_from_a_clone_write_expires_at_the_master(pair):
    master, clone = pair
    clone.put("t", "tmp", Timespan(250_000_000))
    settle(lambda: "t" in clone.store, master, clone)
    master.tick(2)
    assert "t" in master.store
    master.tick(1)
    settle(lambda: "t" not in clone.store, master, clone)
    assert clone.applied[-1][1] == Expire("t", master.entity)
    master.put("t", "again")                         # a put without expiry clears it
    master.tick(10)
    assert master.store["t"] == "again"


def test_value_arithmetic():
    add, sub = zw.add_value, zw.subtract_value
    assert add(Count(2**64 - 1), Count(2)) == Count(1)
    assert sub(Integer(-2**63), Integer(1)) == Integer(2**63 - 1)
    assert add(zw.Real(1.5), zw.Real(1.0)) == zw.Real(2.5)
    assert add(zw.Timestamp(5), Timespan(3)) == zw.Timestamp(8)
    assert add(zw.Set([Count(1)]), Count(1)) == zw.Set([Count(1)])
    assert sub(zw.Set([Count(1), Count(2)]), Count(1)) == zw.Set([Count(2)])
    assert add(Table({}), zw.Vector(["k", Count(1)])) == Table({"k": Count(1)})
    assert sub(Table({"k": Count(1)}), "k") == Table({})
    assert sub(zw.Vector([Count(1), Count(2)]), "ignored") == zw.Vector([Count(1)])
    for bad in [(Count(1), Integer(1)), ("a", Count(1)), (True, True), (Table({}), zw.Vector([1]))]:
        with pytest.raises((zw.StoreError, TypeError)):
            add(*bad)
    assert [zw.data_tag(v) for v in (None, True, Count(0), Integer(0), "", zw.Vector())] == [0, 1, 2, 3, 5, 14]


# ---------------------------------------------------------------------------
# The channel on its own (no sockets)

def test_channel_classes_without_a_transport():
    out = []
    consumer_entity, producer_entity = EntityId(D_ID, 1), EntityId(L_ID, 1)
    producer = zw.Producer(lambda *a: out.append(("p",) + a),
                           lambda c, off: (off, AckClone(off, 5, Table()), c, True))
    delivered = []
    consumer = zw.Consumer(lambda content, unicast: out.append(("c", content, unicast)),
                           lambda seq, content: delivered.append((seq, content)), attach_request=True)
    assert out.pop() == ("c", Nack([0]), False)
    producer.handle_nack(consumer_entity, (0,))
    assert out.pop() == ("p", 1, AckClone(1, 5, Table()), consumer_entity, True)
    consumer.handle_handshake(producer_entity, 1)
    assert out.pop() == ("c", CumulativeAck(1), True)
    for value in "abc":
        producer.produce(value)
    assert [o[1] for o in out] == [2, 3, 4] and producer.buffer == {2: "a", 3: "b", 4: "c"}
    out.clear()
    consumer.handle_event(3, "b")
    consumer.handle_event(3, "b")
    assert delivered == [] and consumer.duplicates == 1 and consumer.missing() == [2]
    consumer.handle_event(2, "a")
    assert delivered == [(2, "a"), (3, "b")]
    producer.handle_ack(consumer_entity, 3)
    assert producer.buffer == {4: "c"}
    producer.handle_nack(consumer_entity, (4, 5))   # 4 is buffered, 5 never existed
    assert out == [("p", 4, "c", consumer_entity, True),
                   ("p", 0, RetransmitFailed(5), consumer_entity, True)]
    failed = []
    consumer.on_failed = failed.append
    consumer.handle_retransmit_failed(5)
    assert failed == [5] and not consumer.attached


def test_background_threads_pump_and_tick_on_their_own():
    with loopback() as (l, d):
        with zw.RawStoreMaster(l, "s", tick_interval=0.01) as master, \
                zw.RawStoreClone(d, "s", tick_interval=0.01, attach=False) as clone:
            master.start()
            clone.start()
            clone.attach()
            clone.wait_for(lambda: clone.writer_acked, WAIT, "writer channel")
            with clone.lock:
                clone.drop_incoming.add(3)
            master.put("a", Integer(1))
            master.put("b", Integer(2))
            clone.put("c", Integer(3))
            clone.wait_for(lambda: len(clone.store) == 3, WAIT, "the three keys")
            master.wait_for(lambda: master.clone_acked(clone.entity, 4), WAIT, "the clone's ack of 4")
            assert clone.dropped == [3]
            with master.lock:   # ticks are 10 ms: a slow machine may NACK twice
                assert set(master.producer.retransmitted) == {(clone.entity, 3)}
            assert clone.store == master.store
            master.stop()
            clone.stop()
