"""Data stores on the wire (ZEEK-WIRE.md §6): our endpoint's store master
and clone (broker-node --store-master / --store-clone, plain TCP) against the
independent raw store clone and master of tests/zeekwire/zeekwire/store.py.

* a raw clone of our master: the snapshot, the master's writes, the clone's
  put / put_unique (both answers) / erase / add / subtract / clear and a put
  with expiry (the master's expire follows);
* a raw clone that drops an event (recovered by NACK, also when only a
  keepalive shows the gap) and one that NACKs a sequence number the master
  no longer buffers (retransmit_failed, re-attach, fresh snapshot);
* our clone of a raw master: the snapshot, broadcasts, its writes over the
  writer channel (attach_writer first), a NACK for a gap the master makes,
  re-attach after retransmit_failed, and a master restart (new endpoint id,
  seq from 1);
* our master with a raw clone and our clone at once: all converge.

The raw endpoints tick every 100 ms on a thread (§6.3 defaults: heartbeat 5
ticks, NACK timeout 2 ticks).  Every wait has a deadline."""

import contextlib
import re
import time

import zeekwire as zw
from zeekwire import (
    Add, AckClone, AttachWriter, Clear, CumulativeAck, Erase, Expire, Integer, Keepalive, Nack,
    Put, PutUnique, PutUniqueResult, RetransmitFailed, Subtract, Timespan,
)
from conftest import PLAIN_ARGS, TIMEOUT

STORE = "zs"
MASTER_TOPIC = zw.store_topic(STORE, True)
CLONE_TOPIC = zw.store_topic(STORE, False)
# A clone may take a while to notice that its master went away (upstream:
# the connection timeout); generous.
REATTACH_TIMEOUT = 60.0
EXPIRY = Timespan(300_000_000)  # 0.3 s


# -- broker-node helpers ------------------------------------------------------------

def start_master(cluster, name="M"):
    node = cluster.start(name, "relay", [], listen=0,
                         extra=PLAIN_ARGS + ["--store-master", STORE])
    node.wait_count(rf"^attached master {STORE}$", 1)
    return node


def start_clone(cluster, port, name="C"):
    node = cluster.start(name, "relay", [], peers=[port], retry=1,
                         extra=PLAIN_ARGS + ["--store-clone", STORE])
    node.wait_count(rf"^attached clone {STORE}$", 1)
    return node


def query(node, command, timeout=TIMEOUT):
    """The answer to a query (text after `K -> ` or after the command)."""
    node.send(command)
    words = command.split()
    prefix = f"{words[0]} {words[1]} -> " if words[0] in ("get", "put_unique") else f"{words[0]} "
    return node.expect(rf"^{re.escape(prefix)}(.*)$", timeout).group(1)


def wait_dump(node, expected, timeout=TIMEOUT):
    """Polls the node's dump until it equals `expected` (a dict or text)."""
    text = expected if isinstance(expected, str) else render(expected)
    deadline = time.monotonic() + timeout
    while True:
        got = query(node, "dump")
        if got == text:
            return
        assert time.monotonic() < deadline, f"{node.name}: dump {got}, expected {text}"
        time.sleep(0.05)


def render_value(value):
    if isinstance(value, (Integer, zw.Count)):
        return str(value.value)
    assert isinstance(value, str), value
    return value


def render(store):
    """A dict of the raw side as broker-node prints a dump: a table sorted by
    key (by type, then value)."""
    keys = sorted(store, key=lambda k: (zw.data_tag(k), render_value(k) if isinstance(k, str)
                                        else k.value))
    return "{" + ", ".join(f"{render_value(k)} -> {render_value(store[k])}" for k in keys) + "}"


# -- raw endpoints ------------------------------------------------------------------

@contextlib.contextmanager
def raw_clone(node):
    """A RawStoreClone peered with `node` (our master), ticking on a thread,
    attached and with its writer channel acknowledged."""
    peer = zw.RawPeer.connect("127.0.0.1", node.port, zw.new_id(), timeout=TIMEOUT,
                              filter=[CLONE_TOPIC])
    try:
        with zw.RawStoreClone(peer, STORE, attach=False) as clone:
            clone.start()
            # §6.1: a master advertises its topic (filter from the handshake or
            # a routing_update).
            clone.wait_for(lambda: MASTER_TOPIC in peer.peer_filter, TIMEOUT, "the master topic")
            clone.attach()
            clone.wait_for(lambda: clone.writer_acked, TIMEOUT, "ack_clone and the writer's ack")
            yield clone
            clone.stop()
    finally:
        peer.close()


@contextlib.contextmanager
def raw_master(listener, store=None):
    """A RawStoreMaster on the next connection our node makes to `listener`."""
    peer = listener.accept(zw.new_id(), filter=[MASTER_TOPIC], timeout=TIMEOUT)
    try:
        with zw.RawStoreMaster(peer, STORE, store) as master:
            master.start()
            yield master
            master.stop()
    finally:
        peer.close()


def applied(clone):
    with clone.lock:
        return list(clone.applied)


def seq_of(clone, content):
    """The seq under which the clone got `content` (exactly one)."""
    seqs = [seq for seq, c in applied(clone) if c == content]
    assert len(seqs) == 1, (content, applied(clone))
    return seqs[0]


def store_of(endpoint):
    """A copy of the raw endpoint's store (its thread may be changing it)."""
    with endpoint.lock:
        return dict(endpoint.store)


def received(endpoint, *types):
    """[(node message, command)] the raw endpoint received, of these types."""
    with endpoint.lock:
        return [(m, c) for m, c in endpoint.received if isinstance(c.content, types)]


def clone_entity_of(master):
    (msg, cmd), *_ = received(master, Nack)
    return cmd.sender


# -- a raw clone of our master ---------------------------------------------------------

def test_raw_clone_of_our_master_snapshot_updates_and_writes(cluster):
    master = start_master(cluster)
    master.send("put pre 1")
    master.send("put name x")
    assert query(master, "dump") == "{name -> x, pre -> 1}"
    node_id = zw.parse_id(master.node_id)
    with raw_clone(master) as clone:
        me = clone.entity
        # Attach (§6.3): our NACK 0 went out as a broadcast; the answer is a
        # unicast ack_clone whose seq is its offset, with the snapshot.
        assert clone.sent[0][1:] == (zw.NIL_ID, zw.InternalCommand(0, me, zw.NIL_ENTITY, Nack([0])))
        (msg, ack), *_ = received(clone, AckClone)
        owner = ack.sender
        assert msg.topic == CLONE_TOPIC and msg.receiver == clone.peer.own_id
        assert owner.endpoint == node_id and ack.receiver == me
        assert ack.seq == ack.content.offset and ack.content.heartbeat_interval == 5
        assert clone.snapshots[0][1] == {"pre": Integer(1), "name": "x"}
        (msg, wack), *_ = received(clone, CumulativeAck)
        assert wack.content == CumulativeAck(1) and wack.receiver == me and msg.receiver == me.endpoint

        # The master's writes reach the clone as puts.
        master.send("put a 5")
        master.send("increment a 2")
        clone.wait_for(lambda: clone.store.get("a") == Integer(7), TIMEOUT, "a = 7")
        puts = [c for _, c in applied(clone) if isinstance(c, Put)]
        assert [(p.key, p.value, p.expiry) for p in puts] == [("a", Integer(5), None), ("a", Integer(7), None)]
        assert all(p.publisher.endpoint == node_id for p in puts)

        # The clone's writes: the master applies them and broadcasts them back.
        clone.put("c", "from-raw")
        master.expect(r"^store-event insert c from-raw$")
        inserted = clone.put_unique("u", Integer(1))
        refused = clone.put_unique("u", Integer(2))
        assert clone.wait_put_unique(inserted, TIMEOUT) is True
        assert clone.wait_put_unique(refused, TIMEOUT) is False
        master.expect(r"^store-event insert u 1$")
        clone.add("a", Integer(3))
        master.expect(r"^store-event update a 7 10$")
        clone.subtract("a", Integer(12))
        master.expect(r"^store-event update a 10 -2$")
        clone.erase("c")
        master.expect(r"^store-event erase c$")
        clone.wait_for(lambda: "c" not in clone.store and clone.store.get("a") == Integer(-2),
                       TIMEOUT, "the erase and the subtract")
        assert store_of(clone) == {"pre": Integer(1), "name": "x", "a": Integer(-2), "u": Integer(1)}
        wait_dump(master, store_of(clone))

        # Exact broadcasts: put_unique is a put and then the result (next seq);
        # a refused one only the result; add/subtract come back as puts.
        who = clone.requester
        put_u = seq_of(clone, Put("u", Integer(1), None, me))
        assert seq_of(clone, PutUniqueResult(True, who, inserted, owner)) == put_u + 1
        assert seq_of(clone, PutUniqueResult(False, who, refused, owner)) == put_u + 2
        assert Put("u", Integer(2), None, me) not in [c for _, c in applied(clone)]
        for content in (Put("c", "from-raw", None, me), Put("a", Integer(10), None, me),
                        Put("a", Integer(-2), None, me), Erase("c", me)):
            seq_of(clone, content)
        assert [s for s, _ in applied(clone)] == list(range(ack.seq + 1, ack.seq + 1 + len(applied(clone))))

        clone.clear()
        clone.wait_for(lambda: applied(clone)[-1][1] == Clear(me), TIMEOUT, "the clear")
        assert store_of(clone) == {}
        wait_dump(master, "{}")

        # A put with expiry: the master expires the key itself and says so.
        clone.put("t", "tmp", EXPIRY)
        master.expect(r"^store-event insert t tmp$")
        master.expect(r"^store-event expire t$")
        clone.wait_for(lambda: applied(clone)[-1][1] == Expire("t", owner), TIMEOUT, "expire t")
        assert seq_of(clone, Put("t", "tmp", EXPIRY, me)) < seq_of(clone, Expire("t", owner))
        wait_dump(master, "{}")

        # Our writer channel: attach_writer first (re-sent until acknowledged),
        # then the writes numbered from 2, each once (no NACK was needed).
        writes = [c for _, _, c in clone.sent if isinstance(c.content, zw.ACTIONS + (AttachWriter,))]
        attaches = [c for c in writes if isinstance(c.content, AttachWriter)]
        actions = [c for c in writes if not isinstance(c.content, AttachWriter)]
        assert writes[0].content == AttachWriter(1, 5) and writes[0].receiver == owner
        assert all(c == writes[0] for c in attaches)
        assert [c.seq for c in actions] == list(range(2, len(actions) + 2))
    assert master.matching(r"^(error|bad_input)") == []


# -- NACK recovery and retransmit_failed with our master -----------------------------------

def test_our_master_retransmits_what_a_raw_clone_nacks(cluster):
    master = start_master(cluster)
    with raw_clone(master) as clone:
        with clone.lock:
            first = clone.consumer.next_seq
            clone.drop_incoming.add(first + 1)
        for i in (1, 2, 3):
            master.send(f"put n{i} {i}")
        clone.wait_for(lambda: len(clone.store) == 3, TIMEOUT, "n1..n3")
        assert clone.dropped == [first + 1]
        with clone.lock:
            nacks = [(receiver, c) for _, receiver, c in clone.sent
                     if isinstance(c.content, Nack) and c.content != Nack([0])]
        node_id = zw.parse_id(master.node_id)
        assert nacks and all(c.content == Nack([first + 1]) for _, c in nacks)
        assert all(r == node_id and c.receiver.endpoint == node_id for r, c in nacks)  # unicast
        # The broadcast we dropped, then the retransmission(s), unicast to us.
        (dropped, _), *again = [(m, c) for m, c in received(clone, Put) if c.seq == first + 1]
        assert dropped.receiver == zw.NIL_ID
        assert again and all(m.receiver == clone.peer.own_id for m, _ in again)
        assert again[0][1].content == Put("n2", Integer(2), None, again[0][1].content.publisher)
        assert [s for s, _ in applied(clone)] == [first, first + 1, first + 2]

        # A lost last event: only the master's next keepalive shows the gap.
        with clone.lock:
            clone.drop_incoming.add(first + 3)
        master.send("put n4 4")
        clone.wait_for(lambda: "n4" in clone.store, TIMEOUT, "n4 through a NACK")
        assert clone.dropped == [first + 1, first + 3]
        keepalives = [c.content.seq for _, c in received(clone, Keepalive)]
        assert first + 3 in keepalives
        assert Nack([first + 3]) in [c.content for c in clone.sent_contents(Nack)]
        wait_dump(master, store_of(clone))


def test_nack_for_a_forgotten_seq_gets_retransmit_failed_and_a_reattach(cluster):
    master = start_master(cluster)
    with raw_clone(master) as clone:
        for i in (1, 2, 3):
            master.send(f"put f{i} {i}")
        clone.wait_for(lambda: len(clone.store) == 3, TIMEOUT, "f1..f3")
        last = clone.consumer.last_delivered
        # Once we acknowledged `last`, the master may drop everything up to it
        # (§6.3); NACK an event before it until the master says it is gone.
        clone.wait_for(lambda: CumulativeAck(last) in [c.content for c in clone.sent_contents(CumulativeAck)],
                       TIMEOUT, "our cumulative_ack")
        deadline = time.monotonic() + TIMEOUT
        while not clone.failures:
            assert time.monotonic() < deadline, "the master kept retransmitting acknowledged events"
            keepalives = len(received(clone, Keepalive))
            clone.send_nack([last - 1])
            clone.wait_for(lambda: clone.failures or len(received(clone, Keepalive)) > keepalives,
                           TIMEOUT, "retransmit_failed or the next keepalive")
        assert clone.failures == [last - 1]
        (msg, failed), = received(clone, RetransmitFailed)
        assert failed.content == RetransmitFailed(last - 1) and failed.receiver == clone.entity
        assert msg.receiver == clone.peer.own_id
        # The clone starts over: NACK 0, a new ack_clone with the current state.
        clone.wait_for(lambda: len(clone.snapshots) == 2 and clone.attached, TIMEOUT, "re-attach")
        assert [c.content for c in clone.sent_contents(Nack)][-1] == Nack([0])
        offset, state = clone.snapshots[1]
        assert offset >= last and state == {f"f{i}": Integer(i) for i in (1, 2, 3)}
        master.send("put after 4")
        clone.wait_for(lambda: clone.store.get("after") == Integer(4), TIMEOUT, "after the re-attach")
        clone.put("raw-after", "w")
        master.expect(r"^store-event insert raw-after w$")


# -- our clone of a raw master -------------------------------------------------------------

def test_our_clone_of_a_raw_master(cluster):
    with zw.Listener() as listener:
        node = start_clone(cluster, listener.port)
        node_id = zw.parse_id(node.node_id)
        with raw_master(listener, {"pre": Integer(1), "s": "x"}) as master:
            master.wait_for(lambda: master.clone_acked(), TIMEOUT, "our clone's attach")
            (msg, nack0), *_ = received(master, Nack)
            me = nack0.sender
            assert (msg.topic, msg.receiver, nack0.seq, nack0.receiver, nack0.content) == (
                MASTER_TOPIC, zw.NIL_ID, 0, zw.NIL_ENTITY, Nack([0]))
            assert me.endpoint == node_id
            (msg, ack), *_ = received(master, CumulativeAck)
            assert ack.content == CumulativeAck(1) and ack.receiver == master.entity
            assert msg.receiver == master.peer.own_id
            wait_dump(node, "{pre -> 1, s -> x}")

            master.put("a", Integer(5))
            node.expect(r"^store-event insert a 5$")
            node.send("put b 2")
            node.expect(r"^store-event insert b 2$")
            assert query(node, "put_unique u 1") == "T"
            assert query(node, "put_unique u 2") == "F"
            node.send("erase b")
            node.send("increment a 3")
            node.send("decrement a 1")
            node.expect(r"^store-event update a 5 8$")
            node.expect(r"^store-event update a 8 7$")
            wait_dump(node, store_of(master))
            node.send("clear")
            master.wait_for(lambda: master.store == {}, TIMEOUT, "the clear")
            wait_dump(node, "{}")

            with master.lock:
                writes = [(m, c) for m, c in master.received
                          if isinstance(c.content, zw.ACTIONS + (AttachWriter,))]
            (amsg, attach), *rest = writes
            assert isinstance(attach.content, AttachWriter) and attach.sender == me
            assert attach.receiver == master.entity and amsg.topic == MASTER_TOPIC
            offset = attach.content.offset
            assert [c.seq for _, c in rest] == list(range(offset + 1, offset + 1 + len(rest)))
            assert all(c.sender == me and c.receiver == master.entity for _, c in rest)
            contents = [c.content for _, c in rest]
            assert [type(c) for c in contents] == [Put, PutUnique, PutUnique, Erase, Add, Subtract, Clear]
            pub = contents[0].publisher
            assert pub.endpoint == node_id and all(c.publisher == pub for c in contents)
            assert contents[0] == Put("b", Integer(2), None, pub)
            assert (contents[1].key, contents[1].value, contents[1].expiry) == ("u", Integer(1), None)
            assert contents[1].who.endpoint == node_id and contents[2].who == contents[1].who
            assert contents[2].req_id != contents[1].req_id
            assert contents[3:] == [Erase("b", pub), Add("a", Integer(3), zw.data_tag(Integer(0)), None, pub),
                                    Subtract("a", Integer(1), None, pub), Clear(pub)]
            assert [w[1:] for w in master.writes] == [(c.seq, c.content) for _, c in rest]

            # The master's own expiry reaches our clone as expire.
            master.put("t", "tmp", EXPIRY)
            node.expect(r"^store-event insert t tmp$")
            node.expect(r"^store-event expire t$")
            wait_dump(node, "{}")
    assert node.matching(r"^(error|bad_input)") == []


def test_our_clone_nacks_gaps_of_a_raw_master(cluster):
    with zw.Listener() as listener:
        node = start_clone(cluster, listener.port)
        with raw_master(listener) as master:
            master.wait_for(lambda: master.clone_acked(), TIMEOUT, "our clone's attach")
            me = clone_entity_of(master)
            lost = master.drop_outgoing()
            master.put("g1", Integer(1))
            master.put("g2", Integer(2))
            node.expect(r"^store-event insert g1 1$")   # in order: g1 before g2
            node.expect(r"^store-event insert g2 2$")
            with master.lock:   # one NACK may still have been on its way
                nacks = [(m, c) for m, c in received(master, Nack) if c.content != Nack([0])]
                assert master.producer.retransmitted == [(me, lost)] * len(nacks)
            assert nacks and all(c.content == Nack([lost]) and c.sender == me for _, c in nacks)
            assert all(c.receiver == master.entity and m.receiver == master.peer.own_id
                       for m, c in nacks)                    # unicast

            # Only a keepalive shows this gap (no later event).
            lost = master.drop_outgoing()
            master.put("g3", Integer(3))
            node.expect(r"^store-event insert g3 3$")
            assert Nack([lost]) in [c.content for c in master.received_contents(Nack)]
            wait_dump(node, store_of(master))


def test_our_clone_reattaches_after_retransmit_failed(cluster):
    with zw.Listener() as listener:
        node = start_clone(cluster, listener.port)
        with raw_master(listener, {"k": "v"}) as master:
            master.wait_for(lambda: master.clone_acked(), TIMEOUT, "our clone's attach")
            wait_dump(node, "{k -> v}")
            lost = master.drop_outgoing()
            master.put("h1", Integer(1))
            master.put("h2", Integer(2))
            master.forget_buffer()
            master.wait_for(lambda: master.producer.failed, TIMEOUT, "a NACK we cannot serve")
            assert all(seq == lost for _, seq in master.producer.failed)
            # The clone starts over: NACK 0 again, a fresh ack_clone (offset > 1).
            master.wait_for(lambda: [c for c in master.sent_contents(AckClone) if c.content.offset > 1],
                            TIMEOUT, "a NACK 0 after retransmit_failed")
            nacks = [c.content for c in master.received_contents(Nack)]
            assert nacks[0] == Nack([0]) and Nack([0]) in nacks[nacks.index(Nack([lost])):]
            wait_dump(node, {"k": "v", "h1": Integer(1), "h2": Integer(2)})
            master.put("h3", Integer(3))
            node.expect(r"^store-event insert h3 3$")
            node.send("put w 1")
            master.wait_for(lambda: master.store.get("w") == Integer(1), TIMEOUT, "the node's put")
            wait_dump(node, store_of(master))


def test_our_clone_follows_a_restarted_master(cluster):
    with zw.Listener() as listener:
        node = start_clone(cluster, listener.port)
        with raw_master(listener, {"old": Integer(1)}) as first:
            first.wait_for(lambda: first.clone_acked(), TIMEOUT, "our clone's attach")
            wait_dump(node, "{old -> 1}")
            node.send("put mine 2")
            first.wait_for(lambda: "mine" in first.store, TIMEOUT, "the node's put")
            # Acknowledged (our next cumulative_ack), so it is not sent again.
            (writer, seq, _), = first.writes
            first.wait_for(lambda: CumulativeAck(seq) in [c.content for c in first.sent_contents(CumulativeAck)
                                                          if c.receiver == writer],
                           TIMEOUT, "the write's acknowledgement")
            first_id = first.peer.own_id
            # The master goes away (connection closed, no BYE).
        node.expect(rf"^status peer_lost {re.escape(zw.format_id(first_id))} ")
        # A new master process: new endpoint id, seq from 1, other contents.
        with raw_master(listener, {"new": Integer(3)}) as second:
            assert second.peer.own_id != first_id and second.producer.seq == 1
            second.wait_for(lambda: second.clone_acked(), REATTACH_TIMEOUT, "the re-attach")
            assert second.received_contents(CumulativeAck)[0].content == CumulativeAck(1)
            wait_dump(node, "{new -> 3}")
            second.put("later", Integer(4))
            node.expect(r"^store-event insert later 4$")
            node.send("put again 5")
            second.wait_for(lambda: second.store.get("again") == Integer(5), TIMEOUT, "a write")
            kinds = [type(c.content) for _, c in second.received
                     if isinstance(c.content, zw.ACTIONS + (AttachWriter,))]
            assert kinds[0] is AttachWriter
            wait_dump(node, store_of(second))


# -- everything at once -------------------------------------------------------------------------

def test_our_master_raw_clone_and_our_clone_converge(cluster):
    master = start_master(cluster)
    clone = start_clone(cluster, master.port)
    master.send("put m 1")
    with raw_clone(master) as raw:
        wait_dump(clone, "{m -> 1}")
        raw.put("r", "raw")
        clone.send("put c 2")
        master.send("increment m 5")
        raw.add("m", Integer(10))
        clone.send("increment m 100")
        inserted = raw.put_unique("c2", Integer(7))
        clone.expect(r"^store-event insert r raw$")   # erase after the put, not before
        clone.send("erase r")
        assert raw.wait_put_unique(inserted, TIMEOUT) is True
        expected = {"m": Integer(116), "c": Integer(2), "c2": Integer(7)}
        raw.wait_for(lambda: raw.store == expected, TIMEOUT, "every write at the raw clone")
        wait_dump(master, expected)
        wait_dump(clone, expected)
        with raw.lock:
            assert raw.consumer.missing() == [] and raw.failures == []
    for node in (master, clone):
        assert node.matching(r"^(error|bad_input)") == []
