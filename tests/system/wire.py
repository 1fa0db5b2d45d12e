"""Just enough of the wire protocol (docs/protocol.md sections 4 and 5) to
speak to a node from a test: frames, hello, and a reader for what comes
back."""

import os
import struct

WIRE_VERSION = 1
HELLO, DATA, FILTER_UPDATE, HEARTBEAT, GOODBYE = 1, 2, 3, 4, 5
GOODBYE_PROTOCOL_ERROR = 2
GOODBYE_INCOMPATIBLE = 3


def varint(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def frame(ftype, payload, version=WIRE_VERSION):
    return struct.pack(">IBB", len(payload), version, ftype) + payload


def hello(topics=(), node=None, pid=4711, token=0x0123456789ABCDEF):
    """A hello frame; returns (frame bytes, the node id as the node prints
    it: `<32 hex>#<pid>`)."""
    node = node or os.urandom(16)
    payload = b"BRKR" + struct.pack(">H", 1) + node + struct.pack(">I", pid)
    payload += struct.pack(">Q", token) + varint(len(topics))
    for t in topics:
        payload += varint(len(t)) + t.encode()
    return frame(HELLO, payload), f"{node.hex()}#{pid}"


def parse_frames(buf):
    """(type, payload) of every complete frame in `buf`."""
    frames = []
    while len(buf) >= 6:
        size, _version, ftype = struct.unpack(">IBB", buf[:6])
        if len(buf) < 6 + size:
            break
        frames.append((ftype, buf[6:6 + size]))
        buf = buf[6 + size:]
    return frames
