"""Handshake messages (§3.2), the node-message envelope (§4.1), Zeek
messages (§4.4), store commands (§6.2) and ids of the v1 peer."""

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
from .values import _blob, _bytes_to_text, _i64, _read_data, _read_filter, _read_table, _text_to_bytes, _u16, _u32, _u64, _write_data, _write_pairs  # noqa: F401


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


