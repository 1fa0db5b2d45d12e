"""The reliable channel of data stores (§6.3): one producer, many consumers,
driven by explicit ticks.

Both classes are transport-free: they hand commands to an `emit` callback
and never read the clock, so a test decides exactly when a tick happens.
The store endpoints (store.py) wire them to a RawPeer:

* master -> clones: the master's Producer (handshake = ack_clone), one
  Consumer per clone (attach = broadcast NACK [0]);
* clone -> master (writes): the clone's Producer (handshake = attach_writer,
  re-sent with each keepalive until acknowledged), one Consumer per writer in
  the master.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Tuple

from .messages import CumulativeAck, EntityId, Keepalive, Nack, NIL_ENTITY, RetransmitFailed

# Defaults of §6.3, in ticks of TICK_INTERVAL seconds.
TICK_INTERVAL = 0.1
HEARTBEAT_INTERVAL = 5
NACK_TIMEOUT = 2
CONNECTION_TIMEOUT_FACTOR = 100

# emit(seq, content, receiver entity, unicast).  unicast=False: node
# receiver nil (broadcast on the store topic); True: node receiver = the
# endpoint of the receiver entity.
Emit = Callable[[int, Any, EntityId, bool], None]


@dataclass
class Path:
    """What a producer knows about one consumer."""
    consumer: EntityId
    offset: int                 # the seq the consumer starts after
    acked: int                  # highest cumulative_ack received
    handshake: Tuple            # (seq, content, receiver, unicast) to re-send
    handshake_acked: bool = False
    last_heard: int = 0         # producer tick of the last ack/nack


class Producer:
    """Sending side.  Sequence numbers start at 1, so the first event
    carries 2.  Events stay buffered until every consumer acknowledged
    them (or forget() drops them); NACKs are answered by unicast
    retransmission or retransmit_failed.

    make_handshake(consumer, offset) -> (seq, content, receiver, unicast):
    the message that opens a path (ack_clone for a master, attach_writer
    for a clone's writer).  target: the command receiver of events
    (NIL_ENTITY for a master's broadcasts, the master entity for a writer).
    resend_handshake_with_keepalive: a writer re-sends attach_writer with
    each keepalive until acknowledged; a master re-sends ack_clone only when
    the same NACK 0 comes again.

    Knobs: drop (seqs to buffer but not send), retransmit (False: ignore
    NACKs for events), forget().
    """

    def __init__(self, emit: Emit, make_handshake, *, target: EntityId = NIL_ENTITY,
                 heartbeat_interval: int = HEARTBEAT_INTERVAL,
                 connection_timeout: int = CONNECTION_TIMEOUT_FACTOR,
                 resend_handshake_with_keepalive: bool = False):
        self.emit = emit
        self.make_handshake = make_handshake
        self.target = target
        self.heartbeat_interval = heartbeat_interval
        self.connection_timeout = connection_timeout
        self.resend_handshake_with_keepalive = resend_handshake_with_keepalive
        self.seq = 1
        self.buffer: Dict[int, Any] = {}
        self.paths: Dict[EntityId, Path] = {}
        self.ticks = 0
        self.idle = 0
        self.drop: set = set()
        self.retransmit = True
        self.retransmitted: List[Tuple[EntityId, int]] = []
        self.failed: List[Tuple[EntityId, int]] = []
        self.dropped_paths: List[EntityId] = []

    # -- paths ----------------------------------------------------------------

    def add_path(self, consumer: EntityId) -> Path:
        """A new consumer, starting after the current seq; sends the
        handshake.  A consumer already known is replaced (a re-attach)."""
        handshake = self.make_handshake(consumer, self.seq)
        path = Path(consumer, self.seq, self.seq, handshake, last_heard=self.ticks)
        self.paths[consumer] = path
        self.emit(*handshake)
        return path

    def on_nack_zero(self, consumer: EntityId) -> None:
        """NACK [0]: a join.  Repeated before the first ACK: the same
        handshake again; from an unknown or an acknowledged consumer: a new
        path (fresh handshake, e.g. a fresh snapshot)."""
        path = self.paths.get(consumer)
        if path is not None and not path.handshake_acked:
            path.last_heard = self.ticks
            self.emit(*path.handshake)
        else:
            self.add_path(consumer)

    def handle_ack(self, consumer: EntityId, seq: int) -> bool:
        path = self.paths.get(consumer)
        if path is None:
            return False
        path.acked = max(path.acked, seq)
        path.handshake_acked = True
        path.last_heard = self.ticks
        self._trim()
        return True

    def handle_nack(self, consumer: EntityId, seqs) -> None:
        if 0 in seqs:
            self.on_nack_zero(consumer)
            return
        path = self.paths.get(consumer)
        if path is None:
            return
        path.last_heard = self.ticks
        if not self.retransmit:
            return
        for seq in sorted(seqs):
            if seq in self.buffer:
                self.retransmitted.append((consumer, seq))
                self.emit(seq, self.buffer[seq], consumer, True)
            else:
                self.failed.append((consumer, seq))
                self.emit(0, RetransmitFailed(seq), consumer, True)
                return

    # -- events -----------------------------------------------------------------

    def produce(self, content) -> int:
        """Next seq; buffered, and broadcast unless it is in `drop`."""
        self.seq += 1
        self.buffer[self.seq] = content
        self.idle = 0
        if self.seq in self.drop:
            self.drop.discard(self.seq)
        else:
            self.emit(self.seq, content, self.target, False)
        self._trim()
        return self.seq

    def forget(self, up_to: Optional[int] = None) -> None:
        """Drop buffered events (all, or those <= up_to): NACKs for them
        get retransmit_failed."""
        for seq in [s for s in self.buffer if up_to is None or s <= up_to]:
            del self.buffer[seq]

    def _trim(self) -> None:
        if not self.paths:
            return
        low = min(p.acked for p in self.paths.values())
        for seq in [s for s in self.buffer if s <= low]:
            del self.buffer[seq]

    def tick(self) -> None:
        self.ticks += 1
        self.idle += 1
        if self.idle >= self.heartbeat_interval:
            self.idle = 0
            self.emit(0, Keepalive(self.seq), NIL_ENTITY, False)
            if self.resend_handshake_with_keepalive:
                for path in self.paths.values():
                    if not path.handshake_acked:
                        self.emit(*path.handshake)
        limit = self.heartbeat_interval * self.connection_timeout
        for consumer, path in list(self.paths.items()):
            if self.ticks - path.last_heard > limit:
                del self.paths[consumer]
                self.dropped_paths.append(consumer)
        self._trim()


class Consumer:
    """Receiving side.  Before the handshake it asks to attach (if
    `attach_request` is set: broadcast NACK [0] at once and every NACK
    timeout); afterwards it delivers events in order, sends cumulative_ack
    every heartbeat interval and NACKs gaps that last NACK timeout ticks.
    retransmit_failed ends it (failed = True, on_failed called).

    emit(content, unicast): cumulative_ack/nack to the producer (unicast),
    or the attach NACK [0] (broadcast).  deliver(seq, content).
    """

    def __init__(self, emit, deliver, *, heartbeat_interval: int = HEARTBEAT_INTERVAL,
                 nack_timeout: int = NACK_TIMEOUT,
                 connection_timeout: int = CONNECTION_TIMEOUT_FACTOR,
                 attach_request: bool = False, on_failed=None):
        self.emit = emit
        self.deliver = deliver
        self.heartbeat_interval = heartbeat_interval
        self.nack_timeout = nack_timeout
        self.connection_timeout = connection_timeout
        self.attach_request = attach_request
        self.on_failed = on_failed
        self.producer: Optional[EntityId] = None
        self.offset: Optional[int] = None
        self.next_seq = 0
        self.last_known = 0
        self.pending: Dict[int, Any] = {}
        self.ticks = 0
        self.since_ack = 0
        self.since_request = 0
        self.gap_ticks = 0
        self.last_heard = 0
        self.failed = False
        self.rejoined = False       # set by a master when the writer's clone re-attached
        self.duplicates = 0
        self.nacks_sent: List[Tuple[int, ...]] = []
        if attach_request:
            self._request()

    @property
    def attached(self) -> bool:
        return self.producer is not None and not self.failed

    @property
    def last_delivered(self) -> int:
        return self.next_seq - 1

    def _request(self) -> None:
        self.since_request = 0
        self.nacks_sent.append((0,))
        self.emit(Nack([0]), False)

    def handle_handshake(self, producer: EntityId, offset: int) -> bool:
        """ack_clone / attach_writer: start after offset and acknowledge it
        at once.  A repeat of the same handshake is only re-acknowledged.
        Returns True if this opened (or re-opened) the channel."""
        self.last_heard = self.ticks
        if self.attached and producer == self.producer and offset == self.offset:
            self.emit(CumulativeAck(self.last_delivered), True)
            return False
        self.producer, self.offset = producer, offset
        self.next_seq = offset + 1
        self.last_known = offset
        self.pending.clear()
        self.failed = False
        self.since_ack = self.gap_ticks = 0
        self.emit(CumulativeAck(offset), True)
        return True

    def handle_event(self, seq: int, content) -> None:
        if not self.attached:
            return
        self.last_heard = self.ticks
        self.last_known = max(self.last_known, seq)
        if seq < self.next_seq or seq in self.pending:
            self.duplicates += 1
            return
        self.pending[seq] = content
        while self.next_seq in self.pending:
            seq = self.next_seq
            self.next_seq += 1
            self.deliver(seq, self.pending.pop(seq))
        if not self.missing():
            self.gap_ticks = 0

    def handle_keepalive(self, seq: int) -> None:
        if self.attached:
            self.last_heard = self.ticks
            self.last_known = max(self.last_known, seq)

    def handle_retransmit_failed(self, seq: int) -> None:
        if self.attached:
            self.failed = True
            if self.on_failed is not None:
                self.on_failed(seq)

    def missing(self) -> List[int]:
        return [s for s in range(self.next_seq, self.last_known + 1) if s not in self.pending]

    def send_nack(self, seqs) -> None:
        self.nacks_sent.append(tuple(seqs))
        self.emit(Nack(seqs), True)

    def tick(self) -> None:
        self.ticks += 1
        if self.failed:
            return
        if self.producer is None:
            if self.attach_request:
                self.since_request += 1
                if self.since_request >= self.nack_timeout:
                    self._request()
            return
        gap = self.missing()
        if gap:
            self.gap_ticks += 1
            if self.gap_ticks >= self.nack_timeout:
                self.gap_ticks = 0
                self.send_nack(gap)
        else:
            self.gap_ticks = 0
        self.since_ack += 1
        if self.since_ack >= self.heartbeat_interval:
            self.since_ack = 0
            self.emit(CumulativeAck(self.last_delivered), True)
        if self.ticks - self.last_heard > self.heartbeat_interval * self.connection_timeout:
            self.failed = True
            if self.on_failed is not None:
                self.on_failed(None)
