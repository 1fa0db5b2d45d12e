"""Primitives, data values (§4.2, §4.3) and filters of the v1 peer."""

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

