#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/).

The seeds are valid encodings (docs/protocol.md) covering every type, plus a
few frame streams. Run from anywhere; rewrites the seed files in place.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def varint(n):
    """64-bit LEB128: the peer-protocol fields of docs/protocol.md section 5."""
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def varbyte(n):
    """Lengths and counts in data encodings (docs/protocol.md section 1)."""
    assert 0 <= n < 2**32
    return varint(n)  # the same groups, limited to 32 bits


def nil():
    return b"\x00"


def boolean(b):
    return bytes([1, 1 if b else 0])


def count(n):
    return b"\x02" + struct.pack(">Q", n)


def integer(n):
    return b"\x03" + struct.pack(">q", n)


def real(d):  # finite values only: infinities and NaN have quirks
    return b"\x04" + struct.pack(">d", d)


def string(s, tag=5):
    raw = s.encode() if isinstance(s, str) else s
    return bytes([tag]) + varbyte(len(raw)) + raw


def v4(a, b, c, d):
    return bytes(10) + b"\xff\xff" + bytes([a, b, c, d])


def address(raw):
    return b"\x06" + raw


def subnet(raw, raw_len):
    return b"\x07" + raw + bytes([raw_len])


def port(num, proto):
    return b"\x08" + struct.pack(">HB", num, proto)


def timestamp(ns):
    return b"\x09" + struct.pack(">q", ns)


def timespan(ns):
    return b"\x0a" + struct.pack(">q", ns)


def enum(name):
    return string(name, tag=11)


def container(tag, items):
    return bytes([tag]) + varbyte(len(items)) + b"".join(items)


def vector(*items):
    return container(14, items)


def set_(*items):  # ascending order, as our encoder writes it
    return container(12, items)


def table(*pairs):  # ascending keys, as our encoder writes them
    return bytes([13]) + varbyte(len(pairs)) + b"".join(k + v for k, v in pairs)


v6 = bytes([0x20, 0x01, 0x0D, 0xB8]) + bytes(11) + b"\x01"

DATA = {
    "nil": nil(),
    "bool": boolean(True),
    "count_max": count(2**64 - 1),
    "integer_min": integer(-(2**63)),
    "real": real(1.5),
    "string": string("hello, world"),
    "address_v6": address(v6),
    "subnet_v4": subnet(v4(10, 0, 0, 0), 104),
    "port": port(443, 1),
    "timestamp": timestamp(1600000000123456789),
    "timespan": timespan(-1500),
    "enum": enum("Conn::LOG"),
    "worked_example": vector(count(1), string("abc"), boolean(True)),
    "real_quirks": vector(b"\x04" + bytes.fromhex("fff0000000000000"),
                          b"\x04" + bytes.fromhex("7ff0000000000000"),
                          b"\x04" + b"\xff" * 8),
    "overlong_unsorted": b"\x0c\x82\x00" + count(2) + count(1),
    "set": set_(nil(), count(1), count(2), string("x")),
    "table": table((count(1), string("one")), (string("k"), vector()),
                   (vector(count(1)), set_())),
    "zeek_log": vector(
        timestamp(1600000000123456789), string("CHhAvVGS1DHFjwGM9"),
        address(v4(192, 168, 1, 10)), port(51234, 1),
        address(v4(10, 0, 0, 1)), port(80, 1), enum("tcp"), string("http"),
        timespan(1234567), count(512), count(4096), string("SF"),
        boolean(True), boolean(False), count(0), string("ShADadfF"),
        count(12), count(1024), set_(string("a"), string("b")), nil()),
    "nested": vector(vector(vector(table((count(1), set_(integer(-1))))))),
}

FRAMES = {
    "heartbeat": struct.pack(">IBB", 0, 1, 4),
    "data_frame": struct.pack(">IBB", len(DATA["worked_example"]), 1, 2)
    + DATA["worked_example"],
    "two_frames": struct.pack(">IBB", 0, 1, 1) + struct.pack(">IBB", 3, 1, 5)
    + b"bye",
    "truncated": struct.pack(">IBB", 100, 1, 3) + b"abc",
}

# Peer protocol frames (docs/protocol.md, section 5).
NODE = bytes(range(0, 256, 17)) + struct.pack(">I", 4711)


def frame(ftype, payload):
    return struct.pack(">IBB", len(payload), 1, ftype) + payload


def filt(*topics):
    return varint(len(topics)) + b"".join(wire_string(t) for t in topics)


def wire_string(s):
    raw = s.encode()
    return varint(len(raw)) + raw


def hello(version=1, magic=b"BRKR", topics=("/a", "/b/c")):
    return frame(1, magic + struct.pack(">H", version) + NODE
                 + struct.pack(">Q", 0x0123456789ABCDEF) + filt(*topics))


def data_frame(flags, topic, value, seq=42, ttl=20):
    return frame(2, NODE + struct.pack(">QHB", seq, ttl, flags)
                 + wire_string(topic) + value)


WIRE = {
    "hello": hello(),
    "hello_empty_filter": hello(topics=()),
    "hello_version2": hello(version=2),
    "hello_bad_magic": hello(magic=b"GET "),
    "data": data_frame(0, "/a", string("hi")),
    "data_targeted": data_frame(1, "/zeek/event", DATA["zeek_log"],
                                seq=2**64 - 1, ttl=0),
    "data_nested": data_frame(0, "", DATA["nested"]),
    "filter_update": frame(3, filt("/x", "", "/zeek/events")),
    "filter_update_empty": frame(3, filt()),
    "heartbeat": frame(4, struct.pack(">Q", 7)),
    "goodbye": frame(5, b"\x01" + wire_string("duplicate")),
    "goodbye_empty": frame(5, b"\x00\x00"),
}


def write(target, seeds):
    path = os.path.join(HERE, "corpus", target)
    os.makedirs(path, exist_ok=True)
    for name, raw in seeds.items():
        with open(os.path.join(path, name), "wb") as f:
            f.write(raw)


if __name__ == "__main__":
    write("fuzz_data_decoder", DATA)
    write("fuzz_frame_header", FRAMES)
    write("fuzz_wire", WIRE)
