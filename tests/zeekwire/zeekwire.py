#!/usr/bin/python3
"""An independent raw peer for Broker's native peering protocol v1.

Written from ZEEK-WIRE.md alone (standard library only) so that it can
check our C++ endpoint from the outside.  Section numbers (§) refer to that
document.

Layers, bottom up:
  * primitives (BE integers, varbyte, CAF doubles)               §4.2
  * data values (Count, Integer, Real, ... Set, Table, Vector)    §4.3
  * handshake messages (Hello, Probe, ... OriginatorAck)          §3.2
  * node-message envelope (NodeMessage)                           §4.1
  * Zeek messages (Event, Batch, LogCreate, ...)                  §4.4
  * store commands (InternalCommand and its 14 contents)         §6.2
  * RawPeer / Listener: sockets, TLS, handshake FSM, helpers      §1, §3.3, §5
"""

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

# ---------------------------------------------------------------------------
# Constants

MAGIC = 0x5A45454B  # "ZEEK"
PROTOCOL_VERSION = 1
DEFAULT_TTL = 16
CONTROL_TOPIC = "<$>"
NIL_ID = bytes(16)
ID_SMALLEST = uuid.UUID("00000000-0000-4000-8000-000000000000").bytes
ID_LARGEST = uuid.UUID("ffffffff-ffff-4fff-bfff-ffffffffffff").bytes

# Node message types (§4.1) and handshake tags (§3.2) share one numbering.
DATA, COMMAND, ROUTING_UPDATE, PING, PONG = 1, 2, 3, 4, 5
TAG_HELLO, TAG_PROBE, TAG_VERSION_SELECT, TAG_DROP_CONN = 6, 7, 8, 9
TAG_ORIGINATOR_SYN, TAG_RESPONDER_SYN_ACK, TAG_ORIGINATOR_ACK = 10, 11, 12

# Error codes used in drop_conn (§3.6).
EC_UNSPECIFIED = 1
EC_PEER_INCOMPATIBLE = 2
EC_INVALID_MESSAGE = 20
EC_SHUTTING_DOWN = 28
EC_WRONG_MAGIC_NUMBER = 38
EC_REDUNDANT_CONNECTION = 39
EC_LOGIC_ERROR = 40

# Port protocols (§4.3).
PORT_UNKNOWN, PORT_TCP, PORT_UDP, PORT_ICMP = 0, 1, 2, 3

# Our own cap on frame sizes; the spec leaves handshake frames unbounded and
# allows node frames up to INT32_MAX - 4, far more than a test ever needs.
DEFAULT_MAX_FRAME = 16 * 1024 * 1024
NODE_FRAME_LIMIT = 2**31 - 1 - 4

ANON_CIPHERS = "AECDH-AES256-SHA@SECLEVEL=0"
ANON_CURVE = "secp384r1"


class DecodeError(ValueError):
    """Bytes that do not follow the spec (truncated, bad tag, trailing...)."""


# ---------------------------------------------------------------------------
# Primitives (§4.2)

def _text_to_bytes(text) -> bytes:
    # Broker strings are arbitrary bytes; surrogateescape lets a Python str
    # carry any byte sequence and round-trip it exactly.
    if isinstance(text, (bytes, bytearray)):
        return bytes(text)
    return text.encode("utf-8", "surrogateescape")


def _bytes_to_text(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


def encode_varbyte(value: int) -> bytes:
    """Little-endian base-128.  Values >= 2**32 are refused rather than
    truncated (upstream truncates; a test tool should never do that)."""
    if not 0 <= value < 2**32:
        raise ValueError(f"varbyte out of range: {value}")
    out = bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def encode_double(value: float) -> bytes:
    """IEEE-754 binary64 BE, with CAF's pack754 quirks: infinities swapped
    and every NaN as all-ones."""
    if math.isnan(value):
        return b"\xff" * 8
    if value == math.inf:
        return bytes.fromhex("fff0000000000000")
    if value == -math.inf:
        return bytes.fromhex("7ff0000000000000")
    return struct.pack(">d", value)


def decode_double(raw: bytes) -> float:
    if raw == b"\xff" * 8:
        return math.nan
    if raw == bytes.fromhex("fff0000000000000"):
        return math.inf
    if raw == bytes.fromhex("7ff0000000000000"):
        return -math.inf
    return struct.unpack(">d", raw)[0]


class Reader:
    """Cursor over a byte string; every read checks for truncation."""

    def __init__(self, data: bytes):
        self.data = bytes(data)
        self.pos = 0

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise DecodeError(f"truncated: need {n} bytes at offset {self.pos}")
        chunk = self.data[self.pos:self.pos + n]
        self.pos += n
        return chunk

    def u8(self) -> int:
        return self.take(1)[0]

    def u16(self) -> int:
        return struct.unpack(">H", self.take(2))[0]

    def u32(self) -> int:
        return struct.unpack(">I", self.take(4))[0]

    def u64(self) -> int:
        return struct.unpack(">Q", self.take(8))[0]

    def i64(self) -> int:
        return struct.unpack(">q", self.take(8))[0]

    def varbyte(self) -> int:
        # At most 5 bytes and the value must fit a u32 (§4.2); anything
        # longer is malformed for us.
        value = 0
        for index in range(5):
            byte = self.u8()
            value |= (byte & 0x7F) << (7 * index)
            if not byte & 0x80:
                if value >= 2**32:
                    raise DecodeError("varbyte exceeds 32 bits")
                return value
        raise DecodeError("varbyte longer than 5 bytes")

    def blob(self) -> bytes:
        return self.take(self.varbyte())

    def text(self) -> str:
        return _bytes_to_text(self.blob())

    def remaining(self) -> int:
        return len(self.data) - self.pos

    def rest(self) -> bytes:
        return self.take(self.remaining())

    def finish(self) -> None:
        if self.remaining():
            raise DecodeError(f"{self.remaining()} trailing bytes")


def _u16(v: int) -> bytes:
    return struct.pack(">H", v)


def _u32(v: int) -> bytes:
    return struct.pack(">I", v)


def _u64(v: int) -> bytes:
    return struct.pack(">Q", v)


def _i64(v: int) -> bytes:
    return struct.pack(">q", v)


def _blob(raw: bytes) -> bytes:
    return encode_varbyte(len(raw)) + raw


# ---------------------------------------------------------------------------
# Data values (§4.3)
#
# Representation: None -> none, bool -> boolean, str -> string (bytes are
# accepted when encoding); every other Broker type has its own small class
# so that e.g. Count(1), Integer(1), Real(1.0) and True never compare equal.

@dataclass(frozen=True)
class Count:
    value: int

    def __post_init__(self):
        if not 0 <= self.value < 2**64:
            raise ValueError(f"count out of range: {self.value}")


@dataclass(frozen=True)
class Integer:
    value: int

    def __post_init__(self):
        if not -2**63 <= self.value < 2**63:
            raise ValueError(f"integer out of range: {self.value}")


class Real:
    """A double.  Equality treats all NaNs as equal so tests can compare."""

    __slots__ = ("value",)

    def __init__(self, value: float):
        self.value = float(value)

    def __eq__(self, other):
        if not isinstance(other, Real):
            return NotImplemented
        if math.isnan(self.value) and math.isnan(other.value):
            return True
        return self.value == other.value

    def __hash__(self):
        return hash(("real", "nan" if math.isnan(self.value) else self.value))

    def __repr__(self):
        return f"Real({self.value!r})"


def _to_ip(value) -> ipaddress._BaseAddress:
    if isinstance(value, (bytes, bytearray)) and len(value) == 16:
        value = ipaddress.IPv6Address(bytes(value))
    elif not isinstance(value, (ipaddress.IPv4Address, ipaddress.IPv6Address)):
        value = ipaddress.ip_address(value)
    # v4-mapped IPv6 and IPv4 are the same bytes on the wire (§4.3).
    if isinstance(value, ipaddress.IPv6Address) and value.ipv4_mapped:
        value = value.ipv4_mapped
    return value


def _ip_bytes(ip) -> bytes:
    if isinstance(ip, ipaddress.IPv4Address):
        return bytes(10) + b"\xff\xff" + ip.packed
    return ip.packed


@dataclass(frozen=True)
class Address:
    """Address("192.168.9.8") / Address("2001:db8::1"); ip is an ipaddress
    object, IPv4 whenever the 16 bytes are v4-mapped."""
    ip: Any

    def __post_init__(self):
        object.__setattr__(self, "ip", _to_ip(self.ip))


@dataclass(frozen=True)
class Subnet:
    """Subnet("10.0.0.0/8") or Subnet(addr, length); length is the user
    prefix length (IPv4 /8 is 8), raw_length the one on the wire."""
    ip: Any
    length: Optional[int] = None

    def __post_init__(self):
        ip, length = self.ip, self.length
        if length is None:
            text, _, bits = str(ip).partition("/")
            ip, length = text, int(bits)
        ip = _to_ip(ip)
        limit = 32 if isinstance(ip, ipaddress.IPv4Address) else 128
        if not 0 <= length <= limit:
            raise ValueError(f"bad prefix length /{length}")
        object.__setattr__(self, "ip", ip)
        object.__setattr__(self, "length", length)

    @property
    def raw_length(self) -> int:
        return self.length + 96 if isinstance(self.ip, ipaddress.IPv4Address) else self.length


@dataclass(frozen=True)
class Port:
    number: int
    protocol: int = PORT_UNKNOWN

    def __post_init__(self):
        if not 0 <= self.number <= 0xFFFF or not 0 <= self.protocol <= 3:
            raise ValueError(f"bad port {self.number}/{self.protocol}")


@dataclass(frozen=True)
class Timestamp:
    """Nanoseconds since the Unix epoch."""
    ns: int

    @classmethod
    def from_seconds(cls, seconds: float) -> "Timestamp":
        return cls(round(seconds * 1e9))


@dataclass(frozen=True)
class Timespan:
    """Nanoseconds."""
    ns: int

    @classmethod
    def from_seconds(cls, seconds: float) -> "Timespan":
        return cls(round(seconds * 1e9))


@dataclass(frozen=True)
class Enum:
    name: str


class Vector:
    """Ordered sequence of values."""

    __slots__ = ("items",)

    def __init__(self, items: Iterable = ()):
        self.items = tuple(items)

    def __eq__(self, other):
        return isinstance(other, Vector) and self.items == other.items

    def __hash__(self):
        return hash(("vector", self.items))

    def __iter__(self):
        return iter(self.items)

    def __len__(self):
        return len(self.items)

    def __getitem__(self, index):
        return self.items[index]

    def __repr__(self):
        return f"Vector({list(self.items)!r})"


class Set:
    """Set of values.  Keeps the insertion (wire) order so that decoded
    values re-encode to the same bytes; equality ignores order.  Duplicates
    are refused (upstream decoders fail on them)."""

    __slots__ = ("items",)

    def __init__(self, items: Iterable = ()):
        items = tuple(items)
        if len(set(items)) != len(items):
            raise ValueError("duplicate set element")
        self.items = items

    def __eq__(self, other):
        return isinstance(other, Set) and frozenset(self.items) == frozenset(other.items)

    def __hash__(self):
        return hash(("set", frozenset(self.items)))

    def __iter__(self):
        return iter(self.items)

    def __len__(self):
        return len(self.items)

    def __contains__(self, item):
        return item in self.items

    def __repr__(self):
        return f"Set({list(self.items)!r})"


class Table:
    """Mapping of values to values, in insertion (wire) order; equality
    ignores order.  Accepts a dict or an iterable of (key, value) pairs;
    duplicate keys are refused."""

    __slots__ = ("pairs",)

    def __init__(self, pairs=()):
        if isinstance(pairs, dict):
            pairs = pairs.items()
        pairs = tuple((k, v) for k, v in pairs)
        if len({k for k, _ in pairs}) != len(pairs):
            raise ValueError("duplicate table key")
        self.pairs = pairs

    def as_dict(self) -> dict:
        return dict(self.pairs)

    def __eq__(self, other):
        return isinstance(other, Table) and self.as_dict() == other.as_dict()

    def __hash__(self):
        return hash(("table", frozenset(self.pairs)))

    def __iter__(self):
        return iter(self.pairs)

    def __len__(self):
        return len(self.pairs)

    def __getitem__(self, key):
        return self.as_dict()[key]

    def __repr__(self):
        return f"Table({dict(self.pairs)!r})"


def _write_data(out: bytearray, value) -> None:
    if value is None:
        out.append(0)
    elif isinstance(value, bool):  # before anything int-like
        out += bytes([1, 1 if value else 0])
    elif isinstance(value, Count):
        out.append(2)
        out += _u64(value.value)
    elif isinstance(value, Integer):
        out.append(3)
        out += _i64(value.value)
    elif isinstance(value, (Real, float)):
        out.append(4)
        out += encode_double(value.value if isinstance(value, Real) else value)
    elif isinstance(value, (str, bytes, bytearray)):
        out.append(5)
        out += _blob(_text_to_bytes(value))
    elif isinstance(value, Address):
        out.append(6)
        out += _ip_bytes(value.ip)
    elif isinstance(value, Subnet):
        out.append(7)
        out += _ip_bytes(value.ip) + bytes([value.raw_length])
    elif isinstance(value, Port):
        out.append(8)
        out += _u16(value.number) + bytes([value.protocol])
    elif isinstance(value, Timestamp):
        out.append(9)
        out += _i64(value.ns)
    elif isinstance(value, Timespan):
        out.append(10)
        out += _i64(value.ns)
    elif isinstance(value, Enum):
        out.append(11)
        out += _blob(_text_to_bytes(value.name))
    elif isinstance(value, Set):
        out.append(12)
        _write_items(out, value.items)
    elif isinstance(value, Table):
        out.append(13)
        _write_pairs(out, value.pairs)
    elif isinstance(value, Vector):
        out.append(14)
        _write_items(out, value.items)
    else:
        # Plain ints are ambiguous (count or integer?): refuse them.
        raise TypeError(f"not a Broker data value: {value!r} ({type(value).__name__})")


def _write_items(out: bytearray, items) -> None:
    out += encode_varbyte(len(items))
    for item in items:
        _write_data(out, item)


def _write_pairs(out: bytearray, pairs) -> None:
    out += encode_varbyte(len(pairs))
    for key, val in pairs:
        _write_data(out, key)
        _write_data(out, val)


def _read_ip(r: Reader):
    return _to_ip(r.take(16))


def _read_subnet(r: Reader) -> Subnet:
    raw16 = r.take(16)
    raw_len = r.u8()
    ip = _to_ip(raw16)
    if isinstance(ip, ipaddress.IPv4Address):
        if not 96 <= raw_len <= 128:
            raise DecodeError(f"IPv4 subnet with raw length {raw_len}")
        return Subnet(ip, raw_len - 96)
    if raw_len > 128:
        raise DecodeError(f"subnet raw length {raw_len}")
    return Subnet(ip, raw_len)


def _read_port(r: Reader) -> Port:
    number, proto = r.u16(), r.u8()
    if proto > 3:
        raise DecodeError(f"port protocol {proto}")
    return Port(number, proto)


def _read_container(r: Reader, count_fn) -> list:
    return [count_fn(r) for _ in range(r.varbyte())]


def _read_set(r: Reader) -> Set:
    items = _read_container(r, _read_data)
    try:
        return Set(items)
    except ValueError as exc:
        raise DecodeError(str(exc)) from None


def _read_table(r: Reader) -> Table:
    pairs = _read_container(r, lambda rr: (_read_data(rr), _read_data(rr)))
    try:
        return Table(pairs)
    except ValueError as exc:
        raise DecodeError(str(exc)) from None


_DATA_READERS = {
    0: lambda r: None,
    1: lambda r: r.u8() != 0,
    2: lambda r: Count(r.u64()),
    3: lambda r: Integer(r.i64()),
    4: lambda r: Real(decode_double(r.take(8))),
    5: lambda r: r.text(),
    6: lambda r: Address(_read_ip(r)),
    7: _read_subnet,
    8: _read_port,
    9: lambda r: Timestamp(r.i64()),
    10: lambda r: Timespan(r.i64()),
    11: lambda r: Enum(r.text()),
    12: _read_set,
    13: _read_table,
    14: lambda r: Vector(_read_container(r, _read_data)),
}


def _read_data(r: Reader):
    tag = r.u8()
    reader = _DATA_READERS.get(tag)
    if reader is None:
        raise DecodeError(f"unknown data tag {tag}")
    return reader(r)


def encode_data(value) -> bytes:
    out = bytearray()
    _write_data(out, value)
    return bytes(out)


def decode_data(raw: bytes):
    """Exactly one value, nothing after it (§4.3)."""
    r = Reader(raw)
    value = _read_data(r)
    r.finish()
    return value


# ---------------------------------------------------------------------------
# Filters (§3.2): vb(count) + per topic vb(len) + bytes

def encode_filter(topics: Sequence[str]) -> bytes:
    out = bytearray(encode_varbyte(len(topics)))
    for topic in topics:
        out += _blob(_text_to_bytes(topic))
    return bytes(out)


def _read_filter(r: Reader) -> List[str]:
    return [r.text() for _ in range(r.varbyte())]


def decode_filter(raw: bytes) -> List[str]:
    r = Reader(raw)
    topics = _read_filter(r)
    r.finish()
    return topics


# ---------------------------------------------------------------------------
# Handshake messages (§3.2).  Magic is a field so hostile tests can forge it;
# decoding keeps whatever magic arrived and the FSM checks it.

@dataclass(frozen=True)
class Hello:
    sender: bytes
    min_version: int = PROTOCOL_VERSION
    max_version: int = PROTOCOL_VERSION
    magic: int = MAGIC
    tag = TAG_HELLO


@dataclass(frozen=True)
class Probe:
    magic: int = MAGIC
    tag = TAG_PROBE


@dataclass(frozen=True)
class VersionSelect:
    sender: bytes
    version: int = PROTOCOL_VERSION
    magic: int = MAGIC
    tag = TAG_VERSION_SELECT


@dataclass(frozen=True)
class DropConn:
    sender: bytes
    code: int
    description: str = ""
    magic: int = MAGIC
    tag = TAG_DROP_CONN


@dataclass(frozen=True)
class OriginatorSyn:
    filter: Tuple[str, ...] = ()
    tag = TAG_ORIGINATOR_SYN

    def __post_init__(self):
        object.__setattr__(self, "filter", tuple(self.filter))


@dataclass(frozen=True)
class ResponderSynAck:
    filter: Tuple[str, ...] = ()
    tag = TAG_RESPONDER_SYN_ACK

    def __post_init__(self):
        object.__setattr__(self, "filter", tuple(self.filter))


@dataclass(frozen=True)
class OriginatorAck:
    tag = TAG_ORIGINATOR_ACK


def _check_id(endpoint_id: bytes) -> bytes:
    if len(endpoint_id) != 16:
        raise ValueError("endpoint ids are 16 bytes")
    return bytes(endpoint_id)


def encode_handshake(msg) -> bytes:
    """Frame body (no length prefix) of a handshake message."""
    head = bytes([msg.tag])
    if isinstance(msg, Hello):
        return head + _u32(msg.magic) + _check_id(msg.sender) + bytes([msg.min_version, msg.max_version])
    if isinstance(msg, Probe):
        return head + _u32(msg.magic)
    if isinstance(msg, VersionSelect):
        return head + _u32(msg.magic) + _check_id(msg.sender) + bytes([msg.version])
    if isinstance(msg, DropConn):
        return (head + _u32(msg.magic) + _check_id(msg.sender) + bytes([msg.code])
                + _blob(_text_to_bytes(msg.description)))
    if isinstance(msg, (OriginatorSyn, ResponderSynAck)):
        return head + encode_filter(msg.filter)
    if isinstance(msg, OriginatorAck):
        return head
    raise TypeError(f"not a handshake message: {msg!r}")


def decode_handshake(body: bytes):
    """Strict: trailing bytes are an error here (upstream ignores them, but
    a conforming sender never emits any, §3.2)."""
    r = Reader(body)
    tag = r.u8()
    if tag == TAG_HELLO:
        magic, sender = r.u32(), r.take(16)
        msg = Hello(sender, r.u8(), r.u8(), magic)
    elif tag == TAG_PROBE:
        msg = Probe(r.u32())
    elif tag == TAG_VERSION_SELECT:
        magic, sender = r.u32(), r.take(16)
        msg = VersionSelect(sender, r.u8(), magic)
    elif tag == TAG_DROP_CONN:
        magic, sender, code = r.u32(), r.take(16), r.u8()
        msg = DropConn(sender, code, r.text(), magic)
    elif tag == TAG_ORIGINATOR_SYN:
        msg = OriginatorSyn(_read_filter(r))
    elif tag == TAG_RESPONDER_SYN_ACK:
        msg = ResponderSynAck(_read_filter(r))
    elif tag == TAG_ORIGINATOR_ACK:
        msg = OriginatorAck()
    else:
        raise DecodeError(f"invalid handshake tag {tag}")
    r.finish()
    return msg


def frame(body: bytes) -> bytes:
    """Prefix a frame body with its u32 BE length (§2)."""
    return _u32(len(body)) + body


# ---------------------------------------------------------------------------
# Node-message envelope (§4.1)

@dataclass(frozen=True)
class NodeMessage:
    sender: bytes
    receiver: bytes
    type: int
    topic: str
    payload: bytes
    ttl: int = DEFAULT_TTL

    def data(self):
        """The payload of a data message as a value."""
        return decode_data(self.payload)

    def command(self) -> "InternalCommand":
        return decode_command(self.payload)

    def filter(self) -> List[str]:
        return decode_filter(self.payload)

    def zeek(self):
        """The payload as a Zeek message (Event, Batch, ...)."""
        return zeek_from_data(self.data())


def encode_node_message(msg: NodeMessage) -> bytes:
    topic = _text_to_bytes(msg.topic)
    if len(topic) > 0xFFFF:
        raise ValueError("topic longer than 65535 bytes")
    return (_check_id(msg.sender) + _check_id(msg.receiver) + bytes([msg.type])
            + _u16(msg.ttl) + _u16(len(topic)) + topic + bytes(msg.payload))


def decode_node_message(body: bytes) -> NodeMessage:
    """Decodes the envelope only; the payload stays bytes.  Types outside
    1..5 are an error (a conforming sender never emits them)."""
    r = Reader(body)
    sender, receiver, mtype = r.take(16), r.take(16), r.u8()
    if not DATA <= mtype <= PONG:
        raise DecodeError(f"node message type {mtype}")
    ttl = r.u16()
    topic = _bytes_to_text(r.take(r.u16()))
    return NodeMessage(sender, receiver, mtype, topic, r.rest(), ttl)


def decode_payload(msg: NodeMessage):
    """Type-specific view: value, InternalCommand, filter list or bytes."""
    if msg.type == DATA:
        return msg.data()
    if msg.type == COMMAND:
        return msg.command()
    if msg.type == ROUTING_UPDATE:
        return msg.filter()
    return msg.payload


def bye_token(peering_id: Optional[int] = None) -> bytes:
    """'BYE' + 8 opaque bytes (§5.3); little-endian like x86 upstream."""
    if peering_id is None:
        peering_id = int.from_bytes(os.urandom(8), "little")
    return b"BYE" + struct.pack("<Q", peering_id)


def is_bye_token(payload: bytes) -> bool:
    return len(payload) == 11 and payload.startswith(b"BYE")


# ---------------------------------------------------------------------------
# Zeek messages (§4.4): vector[count 1, count type, vector content]

ZEEK_EVENT, ZEEK_LOG_CREATE, ZEEK_LOG_WRITE, ZEEK_ID_UPDATE, ZEEK_BATCH = 1, 2, 3, 4, 5


@dataclass(frozen=True)
class Event:
    """metadata None = 2-field form (Zeek 5.x); otherwise a tuple of
    (int key, value) pairs, possibly empty (3-field form)."""
    name: str
    args: Tuple = ()
    metadata: Optional[Tuple[Tuple[int, Any], ...]] = None

    def __post_init__(self):
        object.__setattr__(self, "args", tuple(self.args))
        if self.metadata is not None:
            object.__setattr__(self, "metadata", tuple((int(k), v) for k, v in self.metadata))


@dataclass(frozen=True)
class LogCreate:
    stream_id: Enum
    writer_id: Enum
    writer_info: Any
    fields_data: Any


@dataclass(frozen=True)
class LogWrite:
    stream_id: Enum
    writer_id: Enum
    path: str
    serial_data: str


@dataclass(frozen=True)
class IdentifierUpdate:
    name: str
    value: Any


@dataclass(frozen=True)
class Batch:
    messages: Tuple = ()

    def __post_init__(self):
        object.__setattr__(self, "messages", tuple(self.messages))


def _zeek_envelope(kind: int, content: Sequence) -> Vector:
    return Vector([Count(1), Count(kind), Vector(content)])


def zeek_to_data(msg) -> Vector:
    if isinstance(msg, Event):
        content = [msg.name, Vector(msg.args)]
        if msg.metadata is not None:
            content.append(Vector(Vector([Count(k), v]) for k, v in msg.metadata))
        return _zeek_envelope(ZEEK_EVENT, content)
    if isinstance(msg, LogCreate):
        return _zeek_envelope(ZEEK_LOG_CREATE, [msg.stream_id, msg.writer_id, msg.writer_info, msg.fields_data])
    if isinstance(msg, LogWrite):
        return _zeek_envelope(ZEEK_LOG_WRITE, [msg.stream_id, msg.writer_id, msg.path, msg.serial_data])
    if isinstance(msg, IdentifierUpdate):
        return _zeek_envelope(ZEEK_ID_UPDATE, [msg.name, msg.value])
    if isinstance(msg, Batch):
        return _zeek_envelope(ZEEK_BATCH, [zeek_to_data(m) for m in msg.messages])
    raise TypeError(f"not a Zeek message: {msg!r}")


def encode_zeek(msg) -> bytes:
    return encode_data(zeek_to_data(msg))


def _require(condition: bool, what: str) -> None:
    if not condition:
        raise DecodeError(f"not a Zeek message: {what}")


def _event_metadata(value) -> Tuple:
    _require(isinstance(value, Vector), "metadata is not a vector")
    entries = []
    for entry in value:
        _require(isinstance(entry, Vector) and len(entry) == 2 and isinstance(entry[0], Count),
                 "metadata entry is not [count, value]")
        key = entry[0].value
        _require(key != 1 or isinstance(entry[1], Timestamp), "metadata key 1 is not a timestamp")
        entries.append((key, entry[1]))
    return tuple(entries)


def _event_from_content(content: Vector) -> Event:
    _require(len(content) in (2, 3), "event content size")
    name, args = content[0], content[1]
    _require(isinstance(name, str) and isinstance(args, Vector), "event name/args")
    metadata = _event_metadata(content[2]) if len(content) == 3 else None
    return Event(name, args.items, metadata)


def zeek_from_data(value):
    """Inverse of zeek_to_data; raises DecodeError for anything else."""
    _require(isinstance(value, Vector) and len(value) == 3, "outer vector")
    version, kind, content = value.items
    _require(version == Count(1), "protocol version")
    _require(isinstance(kind, Count) and isinstance(content, Vector), "type/content")
    kind = kind.value
    if kind == ZEEK_EVENT:
        return _event_from_content(content)
    if kind == ZEEK_LOG_CREATE:
        _require(len(content) == 4, "log_create size")
        return LogCreate(*content.items)
    if kind == ZEEK_LOG_WRITE:
        _require(len(content) == 4, "log_write size")
        return LogWrite(*content.items)
    if kind == ZEEK_ID_UPDATE:
        _require(len(content) == 2, "identifier_update size")
        return IdentifierUpdate(*content.items)
    if kind == ZEEK_BATCH:
        return Batch(zeek_from_data(item) for item in content)
    raise DecodeError(f"unknown Zeek message type {kind}")


def decode_zeek(raw: bytes):
    return zeek_from_data(decode_data(raw))


# ---------------------------------------------------------------------------
# Store commands (§6.2)

@dataclass(frozen=True)
class EntityId:
    endpoint: bytes = NIL_ID
    object: int = 0


NIL_ENTITY = EntityId()


@dataclass(frozen=True)
class Put:
    key: Any
    value: Any
    expiry: Optional[Timespan] = None
    publisher: EntityId = NIL_ENTITY


@dataclass(frozen=True)
class PutUnique:
    key: Any
    value: Any
    expiry: Optional[Timespan]
    who: EntityId
    req_id: int
    publisher: EntityId = NIL_ENTITY


@dataclass(frozen=True)
class PutUniqueResult:
    inserted: bool
    who: EntityId
    req_id: int
    publisher: EntityId = NIL_ENTITY


@dataclass(frozen=True)
class Erase:
    key: Any
    publisher: EntityId = NIL_ENTITY


@dataclass(frozen=True)
class Expire:
    key: Any
    publisher: EntityId = NIL_ENTITY


@dataclass(frozen=True)
class Add:
    key: Any
    value: Any
    init_type: int
    expiry: Optional[Timespan] = None
    publisher: EntityId = NIL_ENTITY


@dataclass(frozen=True)
class Subtract:
    key: Any
    value: Any
    expiry: Optional[Timespan] = None
    publisher: EntityId = NIL_ENTITY


@dataclass(frozen=True)
class Clear:
    publisher: EntityId = NIL_ENTITY


@dataclass(frozen=True)
class AttachWriter:
    offset: int
    heartbeat_interval: int


@dataclass(frozen=True)
class Keepalive:
    seq: int


@dataclass(frozen=True)
class CumulativeAck:
    seq: int


@dataclass(frozen=True)
class Nack:
    seqs: Tuple[int, ...]

    def __post_init__(self):
        object.__setattr__(self, "seqs", tuple(self.seqs))


@dataclass(frozen=True)
class AckClone:
    offset: int
    heartbeat_interval: int
    state: Table = field(default_factory=Table)


@dataclass(frozen=True)
class RetransmitFailed:
    seq: int


# Field kinds, in wire order, per content type; the index is the variant
# index on the wire.  One table drives both encoder and decoder.
_COMMAND_LAYOUTS = [
    (Put, ["data", "data", "expiry", "entity"]),
    (PutUnique, ["data", "data", "expiry", "entity", "u64", "entity"]),
    (PutUniqueResult, ["bool", "entity", "u64", "entity"]),
    (Erase, ["data", "entity"]),
    (Expire, ["data", "entity"]),
    (Add, ["data", "data", "u8", "expiry", "entity"]),
    (Subtract, ["data", "data", "expiry", "entity"]),
    (Clear, ["entity"]),
    (AttachWriter, ["u64", "u16"]),
    (Keepalive, ["u64"]),
    (CumulativeAck, ["u64"]),
    (Nack, ["u64list"]),
    (AckClone, ["u64", "u16", "snapshot"]),
    (RetransmitFailed, ["u64"]),
]
_COMMAND_INDEX = {cls: index for index, (cls, _) in enumerate(_COMMAND_LAYOUTS)}


@dataclass(frozen=True)
class InternalCommand:
    seq: int
    sender: EntityId
    receiver: EntityId
    content: Any


def _write_entity(out: bytearray, entity: EntityId) -> None:
    out += _check_id(entity.endpoint) + _u64(entity.object)


def _read_entity(r: Reader) -> EntityId:
    return EntityId(r.take(16), r.u64())


def _write_field(out: bytearray, kind: str, value) -> None:
    if kind == "data":
        _write_data(out, value)
    elif kind == "expiry":
        out += b"\x00" if value is None else b"\x01" + _i64(value.ns)
    elif kind == "entity":
        _write_entity(out, value)
    elif kind == "bool":
        out.append(1 if value else 0)
    elif kind == "u8":
        out.append(value)
    elif kind == "u16":
        out += _u16(value)
    elif kind == "u64":
        out += _u64(value)
    elif kind == "u64list":
        out += encode_varbyte(len(value)) + b"".join(_u64(v) for v in value)
    elif kind == "snapshot":
        _write_pairs(out, Table(value).pairs)
    else:  # pragma: no cover - table typo
        raise AssertionError(kind)


def _read_expiry(r: Reader) -> Optional[Timespan]:
    flag = r.u8()
    if flag > 1:
        raise DecodeError(f"optional flag {flag}")
    return Timespan(r.i64()) if flag else None


_FIELD_READERS = {
    "data": _read_data,
    "expiry": _read_expiry,
    "entity": _read_entity,
    "bool": lambda r: r.u8() != 0,
    "u8": Reader.u8,
    "u16": Reader.u16,
    "u64": Reader.u64,
    "u64list": lambda r: tuple(r.u64() for _ in range(r.varbyte())),
    "snapshot": _read_table,
}


def encode_command(cmd: InternalCommand) -> bytes:
    index = _COMMAND_INDEX[type(cmd.content)]
    cls, kinds = _COMMAND_LAYOUTS[index]
    out = bytearray(_u64(cmd.seq))
    _write_entity(out, cmd.sender)
    _write_entity(out, cmd.receiver)
    out.append(index)
    values = [getattr(cmd.content, f) for f in cls.__dataclass_fields__]
    for kind, value in zip(kinds, values):
        _write_field(out, kind, value)
    return bytes(out)


def decode_command(raw: bytes) -> InternalCommand:
    r = Reader(raw)
    seq, sender, receiver = r.u64(), _read_entity(r), _read_entity(r)
    index = r.u8()
    if index >= len(_COMMAND_LAYOUTS):
        raise DecodeError(f"unknown command index {index}")
    cls, kinds = _COMMAND_LAYOUTS[index]
    content = cls(*[_FIELD_READERS[kind](r) for kind in kinds])
    r.finish()
    return InternalCommand(seq, sender, receiver, content)


def store_topic(name: str, master: bool) -> str:
    return f"{name}/<$>/data/{'master' if master else 'clone'}"


# ---------------------------------------------------------------------------
# Ids

def new_id() -> bytes:
    """A fresh random version-4 UUID, as upstream generates (§3.1)."""
    return uuid.uuid4().bytes


def parse_id(text: str) -> bytes:
    return uuid.UUID(text).bytes


def format_id(endpoint_id: bytes) -> str:
    return str(uuid.UUID(bytes=bytes(endpoint_id)))


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
        while True:
            length = struct.unpack(">I", self._read_exact(4, deadline))[0]
            if length > self.max_frame:
                raise ProtocolError(f"frame of {length} bytes exceeds cap {self.max_frame}")
            if length == 0 and not allow_empty:
                continue
            return self._read_exact(length, deadline)

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


if __name__ == "__main__":
    sys.exit(main())
