"""Shared by RawStoreMaster and RawStoreClone (store.py): the value
arithmetic of add / subtract, and the plumbing that reads store commands
from a RawPeer, ticks the channels and runs them on a background thread.

pump() reads and handles what arrived, tick() advances the channels by one
tick (100 ms of store time); nothing happens behind the caller's back.  For
live tests, start() runs both on a background thread (a tick every
tick_interval seconds); then every public method takes the endpoint's lock
and wait_for() waits on a condition instead of pumping.
"""

from __future__ import annotations

import select
import socket
import ssl
import threading
import time
from typing import Callable, List, Optional, Tuple

from .values import (Address, Count, Enum, Integer, Port, Real, Set, Subnet, Table, Timespan,
                     Timestamp, Vector, COMMAND, NIL_ID)
from .messages import (Add, Clear, EntityId, Erase, Expire, InternalCommand, NodeMessage, Put,
                       PutUnique, PutUniqueResult, Subtract, store_topic)
from .peer import PeerClosed, RawPeer, WaitTimeout

ACTIONS = (Put, PutUnique, PutUniqueResult, Erase, Expire, Add, Subtract, Clear)


# ---------------------------------------------------------------------------
# Value arithmetic for add / subtract (the master applies them)

class StoreError(ValueError):
    """A write the store refuses (type clash, missing key for subtract)."""


_TAGS = [(bool, 1), (Count, 2), (Integer, 3), (Real, 4), (str, 5), (Address, 6), (Subnet, 7),
         (Port, 8), (Timestamp, 9), (Timespan, 10), (Enum, 11), (Set, 12), (Table, 13), (Vector, 14)]
_DEFAULTS = {2: Count(0), 3: Integer(0), 4: Real(0.0), 5: "", 9: Timestamp(0), 10: Timespan(0),
             12: Set(), 13: Table(), 14: Vector()}


def data_tag(value) -> int:
    """The §4.3 type tag of a value."""
    if value is None:
        return 0
    for cls, tag in _TAGS:
        if isinstance(value, cls):
            return tag
    raise TypeError(f"not a data value: {value!r}")


def _wrap(n: int, bits: int, signed: bool) -> int:
    n &= (1 << bits) - 1
    return n - (1 << bits) if signed and n >= 1 << (bits - 1) else n


def add_value(old, x):
    """old + x by the rules of a store's add (raises StoreError)."""
    if isinstance(old, Count) and isinstance(x, Count):
        return Count(_wrap(old.value + x.value, 64, False))
    if isinstance(old, Integer) and isinstance(x, Integer):
        return Integer(_wrap(old.value + x.value, 64, True))
    if isinstance(old, Real) and isinstance(x, Real):
        return Real(old.value + x.value)
    if isinstance(old, Timespan) and isinstance(x, Timespan):
        return Timespan(_wrap(old.ns + x.ns, 64, True))
    if isinstance(old, Timestamp) and isinstance(x, Timespan):
        return Timestamp(_wrap(old.ns + x.ns, 64, True))
    if isinstance(old, str) and isinstance(x, str):
        return old + x
    if isinstance(old, Vector):
        return Vector(old.items + (x,))
    if isinstance(old, Set):
        return old if x in old else Set(old.items + (x,))
    if isinstance(old, Table) and isinstance(x, Vector) and len(x) == 2:
        return Table({**old.as_dict(), x[0]: x[1]})
    raise StoreError(f"cannot add {x!r} to {old!r}")


def subtract_value(old, x):
    if isinstance(old, Count) and isinstance(x, Count):
        return Count(_wrap(old.value - x.value, 64, False))
    if isinstance(old, Integer) and isinstance(x, Integer):
        return Integer(_wrap(old.value - x.value, 64, True))
    if isinstance(old, Real) and isinstance(x, Real):
        return Real(old.value - x.value)
    if isinstance(old, (Timespan, Timestamp)) and isinstance(x, Timespan):
        return type(old)(_wrap(old.ns - x.ns, 64, True))
    if isinstance(old, Vector):
        return Vector(old.items[:-1])
    if isinstance(old, Set):
        return Set(i for i in old if i != x)
    if isinstance(old, Table):
        return Table((k, v) for k, v in old if k != x)
    raise StoreError(f"cannot subtract {x!r} from {old!r}")


def apply_action(store: dict, content) -> None:
    """Apply a broadcast action to a replica (a clone's dict)."""
    if isinstance(content, Put):
        store[content.key] = content.value
    elif isinstance(content, (Erase, Expire)):
        store.pop(content.key, None)
    elif isinstance(content, Clear):
        store.clear()
    elif isinstance(content, Add):
        store[content.key] = add_value(store.get(content.key, _DEFAULTS.get(content.init_type)), content.value)
    elif isinstance(content, Subtract) and content.key in store:
        store[content.key] = subtract_value(store[content.key], content.value)


# ---------------------------------------------------------------------------
# Common plumbing: reading, dispatching, ticking, the background thread

class _StoreEndpoint:
    def __init__(self, peer: RawPeer, name: str, own_topic: str, object_id: int,
                 heartbeat_interval: int, nack_timeout: int, connection_timeout: int,
                 tick_interval: float):
        if not peer.established:
            raise ValueError("the RawPeer must be connected (handshake done)")
        self.peer = peer
        self.name = name
        self.entity = EntityId(peer.own_id, object_id)
        self.master_topic = store_topic(name, True)
        self.clone_topic = store_topic(name, False)
        self.heartbeat_interval = heartbeat_interval
        self.nack_timeout = nack_timeout
        self.connection_timeout = connection_timeout
        self.tick_interval = tick_interval
        self.lock = threading.RLock()
        self._cond = threading.Condition(self.lock)
        self.sent: List[Tuple[str, bytes, InternalCommand]] = []       # (topic, node receiver, cmd)
        self.received: List[Tuple[NodeMessage, InternalCommand]] = []
        self.ticks = 0
        self.closed = False
        self.error: Optional[BaseException] = None
        self._thread: Optional[threading.Thread] = None
        self._stopping = False
        try:  # many small frames each way: no Nagle delays
            peer.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        if own_topic not in peer.filter:
            peer.send_routing_update(list(peer.filter) + [own_topic])

    # -- sending ------------------------------------------------------------------

    def _send(self, topic: str, cmd: InternalCommand, node_receiver: Optional[bytes]) -> None:
        self.sent.append((topic, node_receiver or NIL_ID, cmd))
        if self.closed:
            return
        try:
            self.peer.send_command(topic, cmd, node_receiver)
        except OSError:
            self.closed = True

    # -- receiving ------------------------------------------------------------

    def _inbound(self, msg: NodeMessage) -> bool:
        raise NotImplementedError

    def _handle(self, msg: NodeMessage, cmd: InternalCommand) -> None:
        raise NotImplementedError

    def _dispatch(self) -> int:
        handled = 0
        inbox = self.peer.inbox
        index = 0
        while index < len(inbox):
            msg = inbox[index]
            if msg.type == COMMAND and self._inbound(msg):
                del inbox[index]
                cmd = msg.command()
                self.received.append((msg, cmd))
                self._handle(msg, cmd)
                handled += 1
            else:
                index += 1
        return handled

    def _readable(self, timeout: float) -> bool:
        sock = self.peer.sock
        if len(self.peer._buf) >= 4 and len(self.peer._buf) >= 4 + int.from_bytes(self.peer._buf[:4], "big"):
            return True
        if isinstance(sock, ssl.SSLSocket) and sock.pending():
            return True
        try:
            return bool(select.select([sock], [], [], max(timeout, 0.0))[0])
        except (OSError, ValueError):
            self.closed = True
            return False

    def pump(self, timeout: float = 0.0) -> int:
        """Read whatever arrives within timeout (none: only what is already
        there) and handle the store commands; returns how many."""
        with self.lock:
            deadline = time.monotonic() + timeout
            handled = self._dispatch()
            while not self.closed:
                if not self._readable(deadline - time.monotonic()):
                    break
                try:
                    self.peer._read_message(max(deadline, time.monotonic() + 0.05))
                except WaitTimeout:
                    break
                except (PeerClosed, OSError):
                    self.closed = True
                handled += self._dispatch()
            self._cond.notify_all()
            return handled

    def tick(self, n: int = 1) -> None:
        """n ticks of the channels (and of the master's expiry clock)."""
        with self.lock:
            for _ in range(n):
                self.ticks += 1
                self._tick()
            self._cond.notify_all()

    def _tick(self) -> None:
        raise NotImplementedError

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0, what: str = "condition"):
        """Until predicate() holds (checked under the lock).  Without the
        background thread this pumps (it never ticks: call tick())."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                result = predicate()
                if result:
                    return result
                if self.error is not None:
                    raise self.error
                if self.closed:
                    raise PeerClosed(f"{self.name}: connection closed while waiting for {what}")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise WaitTimeout(f"{self.name}: no {what} within {timeout}s")
                if self._thread is not None:
                    self._cond.wait(min(remaining, 0.1))
                else:
                    self.pump(min(remaining, 0.05))

    # -- background thread (live tests) --------------------------------------------

    def start(self) -> "_StoreEndpoint":
        """Pump and tick on a thread: one tick every tick_interval seconds."""
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name=f"store-{self.name}", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        next_tick = time.monotonic() + self.tick_interval
        try:
            while not self._stopping and not self.closed:
                readable = self._readable(min(max(next_tick - time.monotonic(), 0.0), 0.05))
                with self.lock:
                    if readable:
                        self.pump()
                    now = time.monotonic()
                    if now >= next_tick:
                        self.tick()
                        next_tick = max(next_tick + self.tick_interval, now)
                    self._cond.notify_all()
        except BaseException as exc:  # reported by wait_for() and stop()
            self.error = exc
        with self.lock:
            self._cond.notify_all()

    def stop(self) -> None:
        """End the background thread (raises what it died of, if anything)."""
        if self._thread is not None:
            self._stopping = True
            self._thread.join(timeout=10.0)
            self._thread = None
        if self.error is not None:
            raise self.error

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._stopping = True
        if self._thread is not None:
            self._thread.join(timeout=10.0)
            self._thread = None

    # -- inspection -----------------------------------------------------------------

    def received_contents(self, *types) -> List[InternalCommand]:
        with self.lock:
            return [cmd for _, cmd in self.received if not types or isinstance(cmd.content, types)]

    def sent_contents(self, *types) -> List[InternalCommand]:
        with self.lock:
            return [cmd for _, _, cmd in self.sent if not types or isinstance(cmd.content, types)]


