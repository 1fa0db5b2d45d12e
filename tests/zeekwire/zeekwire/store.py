"""A raw store master and a raw store clone (§6), on a connected RawPeer.

Both run the channel classes of channel.py over store commands (§6.2):

* RawStoreMaster(peer, name): advertises `<name>/<$>/data/master`, answers a
  clone's NACK [0] with ack_clone (unicast, with a snapshot), broadcasts
  every action with the next seq, consumes each clone's writer channel
  (attach_writer, then writes) and turns writes into broadcasts (add and
  subtract become a put of the new value; put_unique a put, if inserted,
  then put_unique_result), and broadcasts expire when a key's expiry passes.
* RawStoreClone(peer, name): advertises `<name>/<$>/data/clone`, attaches
  (NACK [0] until ack_clone), keeps the store in a dict, then opens its
  writer channel (attach_writer) and sends writes with its own seq.

pump(), tick(), wait_for(), start()/stop(): see storebase.py.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from .values import Table, Timespan, NIL_ID
from .messages import (AckClone, Add, AttachWriter, Clear, CumulativeAck, EntityId, Erase, Expire,
                       InternalCommand, Keepalive, Nack, NIL_ENTITY, NodeMessage, Put, PutUnique,
                       PutUniqueResult, RetransmitFailed, Subtract, store_topic)
from .peer import RawPeer
from .channel import (CONNECTION_TIMEOUT_FACTOR, HEARTBEAT_INTERVAL, NACK_TIMEOUT, TICK_INTERVAL,
                      Consumer, Producer)
from .storebase import (ACTIONS, StoreError, _DEFAULTS, _StoreEndpoint, add_value, apply_action,
                        data_tag, subtract_value)

DEFAULT_OBJECT_ID = 8  # what the upstream nodes of the transcript used

# ---------------------------------------------------------------------------
# The master

class RawStoreMaster(_StoreEndpoint):
    """Master of store `name` on `peer` (whose filter gets the master topic).

    store: initial contents (key -> value).  Knobs for tests:
    drop_outgoing(seq), forget_buffer(), pause()/resume() (a paused master
    neither handles input nor ticks; what arrives is held until resume()).
    """

    def __init__(self, peer: RawPeer, name: str, store: Optional[dict] = None, *,
                 object_id: int = DEFAULT_OBJECT_ID, heartbeat_interval: int = HEARTBEAT_INTERVAL,
                 nack_timeout: int = NACK_TIMEOUT, connection_timeout: int = CONNECTION_TIMEOUT_FACTOR,
                 tick_interval: float = TICK_INTERVAL):
        super().__init__(peer, name, store_topic(name, True), object_id, heartbeat_interval,
                         nack_timeout, connection_timeout, tick_interval)
        self.store: Dict[Any, Any] = dict(store or {})
        self.expiries: Dict[Any, float] = {}   # key -> store time (s) of expiry
        self.now = 0.0                          # store time: ticks * tick_interval
        self.producer = Producer(self._emit, self._ack_clone, heartbeat_interval=heartbeat_interval,
                                 connection_timeout=connection_timeout)
        self.writers: Dict[EntityId, Consumer] = {}
        self.writes: List[Tuple[EntityId, int, Any]] = []   # every write consumed, in order
        self.rejected: List[Tuple[Any, str]] = []
        self.orphans: List[InternalCommand] = []             # writes from unknown writers
        self.paused = False
        self._held: List[Tuple[NodeMessage, InternalCommand]] = []

    def _inbound(self, msg: NodeMessage) -> bool:
        return msg.topic == self.master_topic

    def _emit(self, seq, content, receiver, unicast) -> None:
        cmd = InternalCommand(seq, self.entity, receiver, content)
        self._send(self.clone_topic, cmd, receiver.endpoint if unicast else None)

    def _ack_clone(self, consumer: EntityId, offset: int):
        # A fresh ack_clone (not a repeat): the clone starts over, so its next
        # attach_writer opens a new channel even if it repeats the old offset.
        if consumer in self.writers:
            self.writers[consumer].rejoined = True
        snapshot = AckClone(offset, self.heartbeat_interval, Table(self.store))
        return offset, snapshot, consumer, True

    @property
    def clones(self) -> Dict[EntityId, Any]:
        """Attached clones (paths of the producer) by entity."""
        return self.producer.paths

    def clone_acked(self, entity: Optional[EntityId] = None, seq: Optional[int] = None) -> bool:
        """Some clone (or `entity`) acknowledged its ack_clone (and `seq`)."""
        with self.lock:
            paths = [p for e, p in self.producer.paths.items() if entity in (None, e)]
            return any(p.handshake_acked and (seq is None or p.acked >= seq) for p in paths)

    # -- input ------------------------------------------------------------------

    def _handle(self, msg: NodeMessage, cmd: InternalCommand) -> None:
        if self.paused:
            self._held.append((msg, cmd))
            return
        content, sender = cmd.content, cmd.sender
        if isinstance(content, Nack):
            self.producer.handle_nack(sender, content.seqs)
        elif isinstance(content, CumulativeAck):
            self.producer.handle_ack(sender, content.seq)
        elif isinstance(content, AttachWriter):
            self._attach_writer(sender, content.offset)
        elif isinstance(content, Keepalive):
            if sender in self.writers:
                self.writers[sender].handle_keepalive(content.seq)
        elif isinstance(content, RetransmitFailed):
            self.writers.pop(sender, None)
        elif isinstance(content, ACTIONS):
            if sender in self.writers:
                self.writers[sender].handle_event(cmd.seq, content)
            else:
                self.orphans.append(cmd)

    def _attach_writer(self, writer: EntityId, offset: int) -> None:
        # A repeat of the same attach_writer (it is re-sent until acknowledged)
        # keeps the channel; a new offset or a clone that re-attached since
        # opens a new one.
        existing = self.writers.get(writer)
        if (existing is not None and existing.offset == offset and existing.attached
                and not existing.rejoined):
            existing.handle_handshake(writer, offset)
            return

        def emit(content, unicast, writer=writer):
            self._send(self.clone_topic, InternalCommand(0, self.entity, writer, content), writer.endpoint)

        consumer = Consumer(emit, lambda seq, content: self._apply_write(writer, seq, content),
                            heartbeat_interval=self.heartbeat_interval, nack_timeout=self.nack_timeout,
                            connection_timeout=self.connection_timeout)
        self.writers[writer] = consumer
        consumer.handle_handshake(writer, offset)

    def _apply_write(self, writer: EntityId, seq: int, content) -> None:
        self.writes.append((writer, seq, content))
        try:
            self._mutate(content)
        except StoreError as exc:
            self.rejected.append((content, str(exc)))

    def _mutate(self, content) -> None:
        if isinstance(content, Put):
            self._put(content.key, content.value, content.expiry, content.publisher)
        elif isinstance(content, PutUnique):
            inserted = content.key not in self.store
            if inserted:
                self._put(content.key, content.value, content.expiry, content.publisher)
            self.producer.produce(PutUniqueResult(inserted, content.who, content.req_id, self.entity))
        elif isinstance(content, Erase):
            self.store.pop(content.key, None)
            self.expiries.pop(content.key, None)
            self.producer.produce(Erase(content.key, content.publisher))
        elif isinstance(content, Add):
            old = self.store.get(content.key, _DEFAULTS.get(content.init_type))
            if old is None:
                raise StoreError(f"add: no initial value of type {content.init_type}")
            self._put(content.key, add_value(old, content.value), content.expiry, content.publisher)
        elif isinstance(content, Subtract):
            if content.key not in self.store:
                raise StoreError(f"subtract: no key {content.key!r}")
            self._put(content.key, subtract_value(self.store[content.key], content.value),
                      content.expiry, content.publisher)
        elif isinstance(content, Clear):
            self.store.clear()
            self.expiries.clear()
            self.producer.produce(Clear(content.publisher))
        else:
            raise StoreError(f"not a write: {content!r}")

    def _put(self, key, value, expiry: Optional[Timespan], publisher: EntityId) -> None:
        self.store[key] = value
        if expiry is None:
            self.expiries.pop(key, None)
        else:
            self.expiries[key] = self.now + expiry.ns / 1e9
        self.producer.produce(Put(key, value, expiry, publisher))

    def _tick(self) -> None:
        if self.paused:
            return
        self.now += self.tick_interval
        self.producer.tick()
        for writer in list(self.writers.values()):
            writer.tick()
        due = sorted((when, repr(key), key) for key, when in self.expiries.items() if when <= self.now + 1e-9)
        for _, _, key in due:
            self._expire(key)

    def _expire(self, key) -> None:
        self.expiries.pop(key, None)
        if self.store.pop(key, _MISSING) is not _MISSING:
            self.producer.produce(Expire(key, self.entity))

    # -- the master's own writes (publisher = the master entity) ------------------

    def _local(self, content) -> int:
        with self.lock:
            self._mutate(content)
            self._cond.notify_all()
            return self.producer.seq

    def put(self, key, value, expiry: Optional[Timespan] = None) -> int:
        """Returns the seq of the broadcast put."""
        return self._local(Put(key, value, expiry, self.entity))

    def erase(self, key) -> int:
        return self._local(Erase(key, self.entity))

    def add(self, key, value, init_type: Optional[int] = None, expiry=None) -> int:
        return self._local(Add(key, value, data_tag(value) if init_type is None else init_type,
                               expiry, self.entity))

    def subtract(self, key, value, expiry=None) -> int:
        return self._local(Subtract(key, value, expiry, self.entity))

    def clear(self) -> int:
        return self._local(Clear(self.entity))

    def expire(self, key) -> None:
        """Expire key now (broadcast expire if it existed)."""
        with self.lock:
            self._expire(key)
            self._cond.notify_all()

    # -- knobs --------------------------------------------------------------------

    def drop_outgoing(self, seq: Optional[int] = None) -> int:
        """Do not send event `seq` (default: the next one) the first time;
        it stays buffered, so a NACK recovers it."""
        with self.lock:
            seq = self.producer.seq + 1 if seq is None else seq
            self.producer.drop.add(seq)
            return seq

    def forget_buffer(self, up_to: Optional[int] = None) -> None:
        """Drop buffered events: a NACK for them gets retransmit_failed."""
        with self.lock:
            self.producer.forget(up_to)

    def pause(self) -> None:
        with self.lock:
            self.paused = True

    def resume(self) -> None:
        with self.lock:
            self.paused = False
            held, self._held = self._held, []
            for msg, cmd in held:
                self._handle(msg, cmd)
            self._cond.notify_all()


_MISSING = object()


# ---------------------------------------------------------------------------
# The clone

class RawStoreClone(_StoreEndpoint):
    """Clone of store `name` on `peer` (whose filter gets the clone topic).

    attach=True sends the first NACK [0] at once (attach() otherwise).
    Writes (put, put_unique, erase, add, subtract, clear) issued before the
    writer channel is open are held and sent when it opens.  After
    retransmit_failed (or a silent master) the clone re-attaches with a new
    NACK [0], loads the new snapshot and opens a new writer channel (same
    master: numbering goes on; a new master: from 1).  Knobs: drop_incoming (a set of seqs to throw
    away the first time they arrive), ignore_retransmissions.
    """

    def __init__(self, peer: RawPeer, name: str, *, object_id: int = DEFAULT_OBJECT_ID,
                 heartbeat_interval: int = HEARTBEAT_INTERVAL, nack_timeout: int = NACK_TIMEOUT,
                 connection_timeout: int = CONNECTION_TIMEOUT_FACTOR,
                 tick_interval: float = TICK_INTERVAL, attach: bool = True):
        super().__init__(peer, name, store_topic(name, False), object_id, heartbeat_interval,
                         nack_timeout, connection_timeout, tick_interval)
        self.requester = EntityId(peer.own_id, object_id + 1)   # `who` of put_unique
        self.store: Dict[Any, Any] = {}
        self.master: Optional[EntityId] = None
        self.consumer: Optional[Consumer] = None
        self.writer: Optional[Producer] = None
        self.held_writes: List[Any] = []
        self.results: Dict[int, bool] = {}
        self.applied: List[Tuple[int, Any]] = []        # (seq, action) in delivery order
        self.snapshots: List[Tuple[int, dict]] = []      # (offset, state) per ack_clone loaded
        self.failures: List[Optional[int]] = []          # retransmit_failed seqs (None: timeout)
        self.drop_incoming: set = set()
        self.dropped: List[int] = []
        self.ignore_retransmissions = False
        self.ignored: List[int] = []
        self._next_req_id = 1
        if attach:
            self.attach()

    def _inbound(self, msg: NodeMessage) -> bool:
        return msg.topic == self.clone_topic

    @property
    def attached(self) -> bool:
        return self.consumer is not None and self.consumer.attached

    @property
    def writer_acked(self) -> bool:
        return self.writer is not None and all(p.handshake_acked for p in self.writer.paths.values())

    def attach(self) -> None:
        """(Re)start attaching: NACK [0] now and every NACK timeout."""
        with self.lock:
            self.consumer = Consumer(self._emit_control, self._deliver,
                                     heartbeat_interval=self.heartbeat_interval,
                                     nack_timeout=self.nack_timeout,
                                     connection_timeout=self.connection_timeout,
                                     attach_request=True, on_failed=self._on_failed)

    def _emit_control(self, content, unicast) -> None:
        if unicast:
            cmd = InternalCommand(0, self.entity, self.master, content)
            self._send(self.master_topic, cmd, self.master.endpoint)
        else:
            self._send(self.master_topic, InternalCommand(0, self.entity, NIL_ENTITY, content), None)

    def _emit_write(self, seq, content, receiver, unicast) -> None:
        cmd = InternalCommand(seq, self.entity, receiver, content)
        self._send(self.master_topic, cmd, receiver.endpoint if unicast else None)

    def _attach_writer_message(self, master: EntityId, offset: int):
        return 0, AttachWriter(offset, self.heartbeat_interval), master, False

    def _on_failed(self, seq) -> None:
        self.failures.append(seq)
        self.attach()

    # -- input ------------------------------------------------------------------

    def _handle(self, msg: NodeMessage, cmd: InternalCommand) -> None:
        content = cmd.content
        if cmd.receiver not in (NIL_ENTITY, self.entity) or self.consumer is None:
            return
        if isinstance(content, AckClone):
            self._on_ack_clone(cmd)
        elif isinstance(content, ACTIONS):
            if cmd.sender != self.master or not self.consumer.attached:
                return
            if cmd.seq in self.drop_incoming:
                self.drop_incoming.discard(cmd.seq)
                self.dropped.append(cmd.seq)
                return
            if msg.receiver != NIL_ID and self.ignore_retransmissions:
                self.ignored.append(cmd.seq)
                return
            self.consumer.handle_event(cmd.seq, content)
        elif isinstance(content, Keepalive):
            if cmd.sender == self.master:
                self.consumer.handle_keepalive(content.seq)
        elif isinstance(content, RetransmitFailed):
            if cmd.sender == self.master:
                self.consumer.handle_retransmit_failed(content.seq)
        elif isinstance(content, CumulativeAck):
            if self.writer is not None:
                self.writer.handle_ack(cmd.sender, content.seq)
        elif isinstance(content, Nack):
            if self.writer is not None:
                self.writer.handle_nack(cmd.sender, content.seqs)

    def _on_ack_clone(self, cmd: InternalCommand) -> None:
        content = cmd.content
        if self.consumer.attached:
            if cmd.sender == self.master:   # a repeat: acknowledge it again
                self.consumer.handle_handshake(cmd.sender, content.offset)
            return
        self.master = cmd.sender
        self.store = content.state.as_dict()
        self.snapshots.append((content.offset, dict(self.store)))
        self.consumer.handle_handshake(cmd.sender, content.offset)
        # Every attach opens a writer channel.  A re-opened one goes on with
        # the old numbering (offset = the last seq used), so that a master that
        # keeps the old channel and one that starts a new one both accept it;
        # writes of the old channel still unacknowledged are not sent again.
        previous = self.writer
        self.writer = Producer(self._emit_write, self._attach_writer_message, target=self.master,
                               heartbeat_interval=self.heartbeat_interval,
                               connection_timeout=self.connection_timeout,
                               resend_handshake_with_keepalive=True)
        if previous is not None and previous.target == self.master:
            self.writer.seq = previous.seq
        self.writer.add_path(self.master)
        held, self.held_writes = self.held_writes, []
        for write in held:
            self.writer.produce(write)

    def _deliver(self, seq: int, content) -> None:
        self.applied.append((seq, content))
        if isinstance(content, PutUniqueResult):
            if content.who == self.requester:
                self.results[content.req_id] = content.inserted
            return
        try:
            apply_action(self.store, content)
        except StoreError:
            pass

    def _tick(self) -> None:
        if self.consumer is not None:
            self.consumer.tick()
        if self.writer is not None:
            self.writer.tick()

    # -- writes -------------------------------------------------------------------

    def _write(self, content) -> Optional[int]:
        """The writer seq of the write, or None while it is held."""
        with self.lock:
            if self.writer is None:
                self.held_writes.append(content)
                return None
            seq = self.writer.produce(content)
            self._cond.notify_all()
            return seq

    def put(self, key, value, expiry: Optional[Timespan] = None) -> Optional[int]:
        return self._write(Put(key, value, expiry, self.entity))

    def erase(self, key) -> Optional[int]:
        return self._write(Erase(key, self.entity))

    def add(self, key, value, init_type: Optional[int] = None, expiry=None) -> Optional[int]:
        init = data_tag(value) if init_type is None else init_type
        return self._write(Add(key, value, init, expiry, self.entity))

    def subtract(self, key, value, expiry=None) -> Optional[int]:
        return self._write(Subtract(key, value, expiry, self.entity))

    def clear(self) -> Optional[int]:
        return self._write(Clear(self.entity))

    def put_unique(self, key, value, expiry: Optional[Timespan] = None) -> int:
        """Sends put_unique (who = self.requester); returns its req_id."""
        with self.lock:
            req_id = self._next_req_id
            self._next_req_id += 1
            self._write(PutUnique(key, value, expiry, self.requester, req_id, self.entity))
            return req_id

    def wait_put_unique(self, req_id: int, timeout: float = 10.0) -> bool:
        """The master's answer (inserted?) to put_unique req_id."""
        self.wait_for(lambda: req_id in self.results, timeout, f"put_unique_result {req_id}")
        return self.results[req_id]

    def send_nack(self, seqs) -> None:
        """A NACK of our own choosing to the master (e.g. for a seq it no
        longer buffers)."""
        with self.lock:
            self.consumer.send_nack(list(seqs))
