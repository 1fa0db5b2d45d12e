"""TLS, errors, the peer-status registry, RawPeer, Listener and the CLI
of the v1 peer (§1, §3.3, §5)."""

from __future__ import annotations

import argparse
import ipaddress
import math
import os
import socket
import ssl
import struct
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, List, Optional, Sequence, Tuple

from .values import *  # noqa: F401,F403
from .messages import *  # noqa: F401,F403
from .messages import _check_id  # noqa: F401


# ---------------------------------------------------------------------------
# TLS (§1.2 mode A, settings of §9)

def tls_client_context() -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.set_ciphers(ANON_CIPHERS)
    ctx.set_ecdh_curve(ANON_CURVE)
    return ctx


def tls_server_context() -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.set_ciphers(ANON_CIPHERS)
    ctx.set_ecdh_curve(ANON_CURVE)
    return ctx


# ---------------------------------------------------------------------------
# Errors raised by RawPeer

class WaitTimeout(TimeoutError):
    """A bounded wait ran out."""


class PeerClosed(ConnectionError):
    """The remote side closed the connection (EOF or reset)."""


class ProtocolError(Exception):
    """The remote side broke the protocol (bad frame, bad message)."""


class HandshakeError(ProtocolError):
    """The handshake did not reach FIN."""


class HandshakeRejected(HandshakeError):
    """We refused the peer: sent drop_conn(code) and closed."""

    def __init__(self, code: int, description: str):
        super().__init__(f"sent drop_conn {code}: {description}")
        self.code = code
        self.description = description


class ConnectionDropped(HandshakeError):
    """The peer sent drop_conn; .drop holds the message."""

    def __init__(self, drop: DropConn):
        super().__init__(f"peer sent drop_conn {drop.code}: {drop.description}")
        self.drop = drop
        self.code = drop.code


class RedundantConnection(HandshakeError):
    """Duplicate connection to an already known peer (§3.5): either we sent
    drop_conn 39 as originator, or we received 39 for a peer we know."""

    def __init__(self, message: str, code: int = EC_REDUNDANT_CONNECTION):
        super().__init__(message)
        self.code = code


# ---------------------------------------------------------------------------
# Peer-status bookkeeping (§3.5), shareable between connections

CONNECTING, PEERED, DISCONNECTED = "connecting", "peered", "disconnected"


class PeerRegistry:
    """Status per remote id, shared by the RawPeers of one simulated node
    (e.g. every connection a Listener accepts)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._status = {}

    def status(self, peer_id: bytes) -> Optional[str]:
        with self._lock:
            return self._status.get(peer_id)

    def set(self, peer_id: bytes, status: str) -> None:
        with self._lock:
            self._status[peer_id] = status

    def try_commit(self, peer_id: bytes) -> bool:
        """PEER-STATUS CHECK: True (and mark connecting) if no connection to
        peer_id is in flight or established."""
        with self._lock:
            if self._status.get(peer_id) in (CONNECTING, PEERED):
                return False
            self._status[peer_id] = CONNECTING
            return True


# ---------------------------------------------------------------------------
# RawPeer

class RawPeer:
    """One end of a native-v1 connection, used from a single thread.

    Create it with RawPeer.connect() or Listener.accept() (which run the
    handshake unless handshake=False), or wrap a socket yourself.  Received
    node messages land in an inbox; receive() takes the first one matching a
    predicate, reading more frames until its deadline.  Pings are answered
    while reading (auto_pong) and routing updates from the peer replace
    peer_filter.  Every wait has a deadline and raises WaitTimeout.
    """

    def __init__(self, sock: socket.socket, own_id: Optional[bytes] = None, *,
                 connector: bool, filter: Sequence[str] = (), timeout: float = 5.0,
                 registry: Optional[PeerRegistry] = None, auto_pong: bool = True,
                 max_frame: int = DEFAULT_MAX_FRAME):
        self.sock = sock
        self.own_id = _check_id(own_id) if own_id is not None else new_id()
        self.connector = connector
        self.filter = list(filter)
        self.timeout = timeout
        self.registry = registry if registry is not None else PeerRegistry()
        self.auto_pong = auto_pong
        self.max_frame = max_frame
        self.peer_id: Optional[bytes] = None
        self.is_originator: Optional[bool] = None
        self.handshake_filter: Optional[List[str]] = None  # as received in syn/syn_ack
        self.peer_filter: Optional[List[str]] = None       # latest view
        self.routing_updates: List[List[str]] = []         # every update received
        self.handshake_log: List[Tuple[str, Any]] = []     # ("sent"/"received", msg)
        self.inbox: List[NodeMessage] = []
        self.established = False
        self.peer_closed = False
        self._buf = bytearray()

    # -- construction -----------------------------------------------------

    @classmethod
    def connect(cls, host: str, port: int, own_id: Optional[bytes] = None, *,
                tls: bool = False, handshake: bool = True, timeout: float = 5.0,
                **kwargs) -> "RawPeer":
        """TCP connect (then TLS client handshake when tls=True), then our
        side of the peering handshake unless handshake=False."""
        sock = socket.create_connection((host, port), timeout=timeout)
        try:
            if tls:
                sock = _tls_wrap(sock, tls_client_context(), server_side=False, timeout=timeout)
            peer = cls(sock, own_id, connector=True, timeout=timeout, **kwargs)
            if handshake:
                peer.handshake()
        except BaseException:
            sock.close()
            raise
        return peer

    # -- low-level I/O ------------------------------------------------------

    def _deadline(self, timeout: Optional[float]) -> float:
        return time.monotonic() + (self.timeout if timeout is None else timeout)

    def _fill(self, deadline: float) -> None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise WaitTimeout("deadline passed while waiting for bytes")
        self.sock.settimeout(remaining)
        try:
            chunk = self.sock.recv(65536)
        except (socket.timeout, ssl.SSLWantReadError):
            raise WaitTimeout("deadline passed while waiting for bytes") from None
        except (ConnectionError, ssl.SSLEOFError, ssl.SSLZeroReturnError) as exc:
            self.peer_closed = True
            raise PeerClosed(str(exc)) from None
        if not chunk:
            self.peer_closed = True
            raise PeerClosed("EOF")
        self._buf += chunk

    def _read_exact(self, n: int, deadline: float) -> bytes:
        while len(self._buf) < n:
            self._fill(deadline)
        chunk = bytes(self._buf[:n])
        del self._buf[:n]
        return chunk

    def read_frame(self, timeout: Optional[float] = None, *, allow_empty: bool = False) -> bytes:
        """Next frame body.  Zero-length frames are skipped unless
        allow_empty (phase 3 ignores them; the handshake treats them as an
        error, which the FSM checks)."""
        deadline = self._deadline(timeout)
        while True:  # consumes nothing until the whole frame is here (a timeout keeps it)
            while len(self._buf) < 4:
                self._fill(deadline)
            length = struct.unpack(">I", self._buf[:4])[0]
            if length > self.max_frame:
                raise ProtocolError(f"frame of {length} bytes exceeds cap {self.max_frame}")
            body = self._read_exact(4 + length, deadline)[4:]
            if length == 0 and not allow_empty:
                continue
            return body

    def send_raw(self, data: bytes) -> None:
        """Arbitrary bytes, no framing (for hostile tests)."""
        self.sock.settimeout(self.timeout)
        self.sock.sendall(bytes(data))

    def send_frame(self, body: bytes) -> None:
        self.send_raw(frame(body))

    # -- handshake ------------------------------------------------------------

    def send_handshake(self, msg) -> None:
        self.handshake_log.append(("sent", msg))
        self.send_frame(encode_handshake(msg))

    def _reject(self, code: int, description: str):
        """Send drop_conn and close: the §3.3 replies to bad input."""
        try:
            self.send_handshake(DropConn(self.own_id, code, description))
        except OSError:
            pass
        self.close()
        return HandshakeRejected(code, description)

    def recv_handshake(self, timeout: Optional[float] = None):
        """Next handshake message; decoding failures are answered like
        upstream (drop_conn 20 / 38 / 2) and raised as HandshakeRejected."""
        body = self.read_frame(timeout, allow_empty=True)
        if not body:
            self.close()
            raise HandshakeError("zero-length handshake frame")
        try:
            msg = decode_handshake(body)
        except DecodeError as exc:
            raise self._reject(EC_INVALID_MESSAGE, f"failed to parse handshake message: {exc}") from None
        self.handshake_log.append(("received", msg))
        if getattr(msg, "magic", MAGIC) != MAGIC:
            raise self._reject(EC_WRONG_MAGIC_NUMBER, "wrong magic number")
        if isinstance(msg, Hello) and not msg.min_version <= PROTOCOL_VERSION <= msg.max_version:
            raise self._reject(EC_PEER_INCOMPATIBLE, "unsupported versions offered")
        if isinstance(msg, VersionSelect) and msg.version != PROTOCOL_VERSION:
            raise self._reject(EC_PEER_INCOMPATIBLE, "unsupported version selected")
        return msg

    def handshake(self, timeout: Optional[float] = None) -> None:
        """Run the §3.3 state machine for our TCP role until FIN."""
        deadline = self._deadline(timeout)
        if self.connector:
            self.send_handshake(Hello(self.own_id))
        else:
            self.send_handshake(Probe())
        try:
            self._await_hello_or_version_select(deadline)
        except BaseException:
            if self.peer_id is not None and self.registry.status(self.peer_id) == CONNECTING:
                self.registry.set(self.peer_id, DISCONNECTED)
            self.close()
            raise

    def _next(self, deadline: float):
        return self.recv_handshake(max(deadline - time.monotonic(), 0.0))

    def _handle_drop(self, msg: DropConn):
        if msg.code == EC_REDUNDANT_CONNECTION and self.registry.status(msg.sender) in (CONNECTING, PEERED):
            return RedundantConnection("peer reports a redundant connection")
        return ConnectionDropped(msg)

    def _await_hello_or_version_select(self, deadline: float) -> None:
        # The acceptor only accepts hello here; the connector also accepts
        # version_select (the other side already decided to originate).
        while True:
            msg = self._next(deadline)
            if isinstance(msg, Probe):
                continue
            if isinstance(msg, DropConn):
                raise self._handle_drop(msg)
            if isinstance(msg, Hello):
                return self._on_hello(msg, deadline)
            if isinstance(msg, VersionSelect) and self.connector:
                return self._on_version_select(msg, deadline)
            raise HandshakeError(f"unexpected {type(msg).__name__} while awaiting hello")

    def _on_hello(self, msg: Hello, deadline: float) -> None:
        self.peer_id = msg.sender
        if self.own_id < msg.sender:
            self.is_originator = True
            self._peer_status_check(originator=True)
            self.send_handshake(VersionSelect(self.own_id))
            self.send_handshake(OriginatorSyn(self.filter))
            reply = self._expect(ResponderSynAck, deadline)
            self._remember_filter(reply.filter)
            self.send_handshake(OriginatorAck())
            self._fin()
        else:
            self.is_originator = False
            self.send_handshake(Hello(self.own_id))
            self._await_version_select(deadline)

    def _await_version_select(self, deadline: float) -> None:
        while True:
            msg = self._next(deadline)
            if isinstance(msg, Probe):
                continue
            if isinstance(msg, DropConn):
                raise self._handle_drop(msg)
            if isinstance(msg, VersionSelect):
                return self._on_version_select(msg, deadline)
            raise HandshakeError(f"unexpected {type(msg).__name__} while awaiting version_select")

    def _on_version_select(self, msg: VersionSelect, deadline: float) -> None:
        self.peer_id = msg.sender
        self.is_originator = False
        self._peer_status_check(originator=False)
        syn = self._expect(OriginatorSyn, deadline)
        self._remember_filter(syn.filter)
        self.send_handshake(ResponderSynAck(self.filter))
        self._expect(OriginatorAck, deadline)
        self._fin()

    def _expect(self, cls, deadline: float):
        """The strict states: only one message type is legal; a drop_conn
        is still reported with its code (useful to a test)."""
        msg = self._next(deadline)
        if isinstance(msg, DropConn):
            raise self._handle_drop(msg)
        if not isinstance(msg, cls):
            raise HandshakeError(f"expected {cls.__name__}, got {type(msg).__name__}")
        return msg

    def _peer_status_check(self, originator: bool) -> None:
        # Minimal conformant behaviour of §3.5: 39 as originator, 40 as
        # responder, for a peer already connecting or peered.
        if self.registry.try_commit(self.peer_id):
            return
        if originator:
            self._reject(EC_REDUNDANT_CONNECTION, "redundant connection")
            raise RedundantConnection("we sent drop_conn 39 (redundant connection)")
        raise self._reject(EC_LOGIC_ERROR, "detected redundant connection at the responder")

    def _remember_filter(self, topics) -> None:
        self.handshake_filter = list(topics)
        self.peer_filter = list(topics)

    def _fin(self) -> None:
        self.registry.set(self.peer_id, PEERED)
        self.established = True

    # -- phase 3: sending -----------------------------------------------------

    def send_message(self, msg: NodeMessage) -> None:
        self.send_frame(encode_node_message(msg))

    def _peer_or_nil(self, receiver: Optional[bytes]) -> bytes:
        return NIL_ID if receiver is None else receiver

    def send_data(self, topic: str, value, receiver: Optional[bytes] = None) -> None:
        self.send_message(NodeMessage(self.own_id, self._peer_or_nil(receiver), DATA, topic, encode_data(value)))

    def send_event(self, topic: str, name: str, args: Sequence = (), metadata=None,
                   receiver: Optional[bytes] = None) -> None:
        self.send_data(topic, zeek_to_data(Event(name, args, metadata)), receiver)

    def send_command(self, topic: str, cmd: InternalCommand, receiver: Optional[bytes] = None) -> None:
        self.send_message(NodeMessage(self.own_id, self._peer_or_nil(receiver), COMMAND, topic, encode_command(cmd)))

    def _control(self, mtype: int, payload: bytes) -> NodeMessage:
        return NodeMessage(self.own_id, self.peer_id, mtype, CONTROL_TOPIC, payload)

    def send_routing_update(self, topics: Sequence[str]) -> None:
        """Replace our advertised filter with topics (the whole list, §5.1)."""
        self.filter = list(topics)
        self.send_message(self._control(ROUTING_UPDATE, encode_filter(topics)))

    def send_ping(self, payload: bytes) -> None:
        self.send_message(self._control(PING, payload))

    def ping(self, payload: bytes = b"ping", timeout: Optional[float] = None) -> NodeMessage:
        """Send a ping to the peer and return its matching pong."""
        self.send_ping(payload)
        return self.receive(lambda m: m.type == PONG and m.payload == payload, timeout)

    def _answer_ping(self, ping: NodeMessage) -> None:
        # Broker 6.2+ style (§5.2): sender = ping.receiver, topic <$>, ttl 16.
        self.send_message(NodeMessage(ping.receiver, ping.sender, PONG, CONTROL_TOPIC, ping.payload))

    # -- phase 3: receiving ---------------------------------------------------

    def _read_message(self, deadline: float) -> NodeMessage:
        body = self.read_frame(max(deadline - time.monotonic(), 0.0))
        try:
            msg = decode_node_message(body)
        except DecodeError as exc:
            raise ProtocolError(f"bad node message: {exc}; body {body.hex()}") from None
        self._on_message(msg)
        return msg

    def _on_message(self, msg: NodeMessage) -> None:
        if msg.type == PING and self.auto_pong and msg.sender != self.own_id:
            try:
                self._answer_ping(msg)
            except (BrokenPipeError, ConnectionResetError):
                # The pinging side may hang up right away; keep the ping.
                self.peer_closed = True
        if msg.type == ROUTING_UPDATE and msg.sender == self.peer_id:
            self.peer_filter = msg.filter()
            self.routing_updates.append(list(self.peer_filter))
        self.inbox.append(msg)

    def receive(self, predicate: Callable[[NodeMessage], bool] = lambda m: True,
                timeout: Optional[float] = None) -> NodeMessage:
        """First message (inbox first, then the wire) matching predicate;
        removes it from the inbox.  Raises WaitTimeout or PeerClosed."""
        deadline = self._deadline(timeout)
        while True:
            for index, msg in enumerate(self.inbox):
                if predicate(msg):
                    return self.inbox.pop(index)
            if self.peer_closed:
                raise PeerClosed("peer closed before a matching message arrived")
            self._read_message(deadline)

    def receive_data(self, topic: Optional[str] = None, timeout: Optional[float] = None):
        """(topic, value) of the next data message (on topic, if given)."""
        msg = self.receive(lambda m: m.type == DATA and (topic is None or m.topic == topic), timeout)
        return msg.topic, msg.data()

    def receive_event(self, name: Optional[str] = None, timeout: Optional[float] = None) -> Event:
        def is_event(m):
            if m.type != DATA:
                return False
            try:
                event = m.zeek()
            except DecodeError:
                return False
            return isinstance(event, Event) and (name is None or event.name == name)
        return self.receive(is_event, timeout).zeek()

    def receive_command(self, topic: Optional[str] = None, timeout: Optional[float] = None) -> InternalCommand:
        msg = self.receive(lambda m: m.type == COMMAND and (topic is None or m.topic == topic), timeout)
        return msg.command()

    def wait_routing_update(self, predicate: Callable[[List[str]], bool] = lambda f: True,
                            timeout: Optional[float] = None) -> List[str]:
        msg = self.receive(lambda m: m.type == ROUTING_UPDATE and predicate(m.filter()), timeout)
        return msg.filter()

    def wait_closed(self, timeout: Optional[float] = None) -> None:
        """Keep reading (and answering pings) until the peer closes."""
        deadline = self._deadline(timeout)
        while not self.peer_closed:
            try:
                self._read_message(deadline)
            except PeerClosed:
                break
        self.close()

    # -- orderly disconnect (§5.3) -------------------------------------------

    def bye(self, timeout: float = 3.0, token: Optional[bytes] = None) -> bool:
        """Send the BYE ping, wait for its pong (<= timeout), close.
        Returns True if the matching pong arrived."""
        token = token or bye_token()
        try:
            self.send_ping(token)
            self.receive(lambda m: m.type == PONG and m.payload == token, timeout)
            return True
        except (WaitTimeout, PeerClosed):
            return False
        finally:
            self.close()

    def close(self) -> None:
        if self.peer_id is not None and self.established:
            self.registry.set(self.peer_id, DISCONNECTED)
            self.established = False
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _tls_wrap(sock: socket.socket, ctx: ssl.SSLContext, server_side: bool, timeout: float) -> ssl.SSLSocket:
    sock.settimeout(timeout)
    tls = ctx.wrap_socket(sock, server_side=server_side, do_handshake_on_connect=False)
    tls.do_handshake()
    return tls


class Listener:
    """A listening socket on 127.0.0.1 (port 0 by default) whose accepted
    connections share one PeerRegistry, like one node's endpoint."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, tls: bool = False,
                 registry: Optional[PeerRegistry] = None):
        self.tls = tls
        self.registry = registry if registry is not None else PeerRegistry()
        self.sock = socket.create_server((host, port))
        self.host, self.port = self.sock.getsockname()[:2]

    def accept_socket(self, timeout: float = 5.0) -> socket.socket:
        """Accept one TCP connection (and run the TLS server handshake)."""
        self.sock.settimeout(timeout)
        try:
            conn, _ = self.sock.accept()
        except socket.timeout:
            raise WaitTimeout("no connection to accept") from None
        if self.tls:
            try:
                conn = _tls_wrap(conn, tls_server_context(), server_side=True, timeout=timeout)
            except BaseException:
                conn.close()
                raise
        return conn

    def accept(self, own_id: Optional[bytes] = None, *, handshake: bool = True,
               timeout: float = 5.0, **kwargs) -> RawPeer:
        conn = self.accept_socket(timeout)
        kwargs.setdefault("registry", self.registry)
        peer = RawPeer(conn, own_id, connector=False, timeout=timeout, **kwargs)
        if handshake:
            peer.handshake()
        return peer

    def close(self) -> None:
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# ---------------------------------------------------------------------------
# CLI

def _cli_decode(hex_body: str) -> str:
    """Handshake message if the body parses as one exactly, else a node
    message (a frame does not say which phase it belongs to)."""
    body = bytes.fromhex(hex_body.replace(" ", ""))
    if body and TAG_HELLO <= body[0] <= TAG_ORIGINATOR_ACK:
        try:
            return repr(decode_handshake(body))
        except DecodeError:
            pass
    msg = decode_node_message(body)
    return f"{msg!r}\n  payload: {decode_payload(msg)!r}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Broker native v1 raw peer / codec")
    sub = parser.add_subparsers(dest="cmd", required=True)
    dec = sub.add_parser("decode", help="decode one frame body given in hex")
    dec.add_argument("hex")
    con = sub.add_parser("connect", help="peer with a node, publish one string, BYE")
    con.add_argument("host")
    con.add_argument("port", type=int)
    con.add_argument("--tls", action="store_true")
    con.add_argument("--topic", default="/topic/test")
    con.add_argument("--message", default="hello from zeekwire")
    args = parser.parse_args(argv)
    if args.cmd == "decode":
        print(_cli_decode(args.hex))
        return 0
    peer = RawPeer.connect(args.host, args.port, tls=args.tls, filter=[args.topic])
    print(f"peered with {format_id(peer.peer_id)}, filter {peer.peer_filter}")
    peer.send_data(args.topic, args.message)
    print("BYE acknowledged" if peer.bye() else "no BYE pong")
    return 0


