#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/).

The seeds are valid encodings (docs/protocol.md) covering every type, plus a
few frame streams. Run from anywhere; rewrites the seed files in place.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def varint(n):
    """Unsigned little-endian base-128 groups (no width limit)."""
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

# Native protocol v1 (docs/protocol.md sections 3-6).
ID_A = bytes.fromhex("00000000000040008000000000000000")
ID_B = bytes.fromhex("ffffffffffff4fffbfffffffffffffff")
NIL = bytes(16)
MAGIC = struct.pack(">I", 0x5A45454B)


def frame(body):
    return struct.pack(">I", len(body)) + body


def wire_string(s):
    raw = s.encode()
    return varbyte(len(raw)) + raw


def filt(*topics):
    return varbyte(len(topics)) + b"".join(wire_string(t) for t in topics)


# Handshake frame bodies (fuzz_handshake decodes one body).
HANDSHAKE = {
    "hello": b"\x06" + MAGIC + ID_B + b"\x01\x01",
    "hello_versions_200": b"\x06" + MAGIC + ID_B + b"\xc8\xc9",
    "probe": b"\x07" + MAGIC,
    "probe_bad_magic": b"\x07GET ",
    "version_select": b"\x08" + MAGIC + ID_A + b"\x01",
    "drop_conn": b"\x09" + MAGIC + ID_B + b"\x27"
    + wire_string("redundant connection"),
    "originator_syn": b"\x0a" + filt("/topic/test", "zeek/"),
    "responder_syn_ack": b"\x0b" + filt(),
    "originator_ack": b"\x0c",
}


def node(mtype, topic, payload, sender=ID_A, receiver=NIL, ttl=16):
    raw = topic.encode()
    return frame(sender + receiver + struct.pack(">BHH", mtype, ttl, len(raw))
                 + raw + payload)


# Streams of node-phase frames (fuzz_node_message reads a stream).
NODE_STREAMS = {
    "data": node(1, "foobar", string("hello world")),
    "zeek_event": node(1, "/topic/test", vector(
        count(1), count(1), vector(string("ping"), vector(count(1))))),
    "compact": node(0x43, "<$>", b"\x01", receiver=ID_B)
    + frame(b"\x01\x00" + struct.pack(">HH", 20, 2) + b"/a"
            + struct.pack(">Q", 258) + DATA["zeek_log"])
    + frame(b"\x02\x01" + struct.pack(">HH", 3, 2) + b"/b"
            + struct.pack(">Q", 7) + ID_B + DATA["nested"])
    + frame(b"\x00" + ID_B + ID_A + b"\x05" + struct.pack(">HH", 16, 3)
            + b"<$>foo"),
    "routing_update": node(3, "<$>", filt("/topic/test", "zeek/event/"),
                           receiver=ID_B),
    "ping_probe": node(4, "<$>", b"BRKX\x01\x01" + struct.pack(">Q", 7),
                       receiver=ID_B),
    "bye_and_pong": node(4, "<$>", b"BYE" + bytes(8), receiver=ID_B)
    + node(5, "<$>", b"foo", sender=ID_B, receiver=ID_A),
    "empty_then_nested": struct.pack(">I", 0) + node(1, "/n", DATA["nested"]),
    "truncated": struct.pack(">I", 100) + b"abc",
}


# Store command payloads (fuzz_internal_command decodes one payload).
def entity(endpoint, obj):
    return endpoint + struct.pack(">Q", obj)


def command(seq, sender, receiver, index, fields):
    return struct.pack(">Q", seq) + sender + receiver + bytes([index]) + fields


def no_expiry():
    return b"\x00"


def expiry(ns):
    return b"\x01" + struct.pack(">q", ns)


def u64(n):
    return struct.pack(">Q", n)


A5, B9, NIL_ENT = entity(ID_A, 5), entity(ID_B, 9), entity(NIL, 0)

COMMANDS = {
    "put": command(2, A5, NIL_ENT, 0, string("k") + count(42) + no_expiry()
                   + entity(ID_A, 0)),
    "put_unique": command(3, B9, A5, 1, string("u") + integer(1)
                          + expiry(1500000000) + entity(ID_B, 7) + u64(4)
                          + B9),
    "put_unique_result": command(5, A5, NIL_ENT, 2, b"\x01" + B9 + u64(4)
                                 + A5),
    "erase": command(5, B9, A5, 3, DATA["nested"] + B9),
    "expire": command(9, A5, NIL_ENT, 4, string("e") + A5),
    "add": command(4, B9, A5, 5, string("k") + count(1) + b"\x02"
                   + no_expiry() + B9),
    "subtract": command(6, B9, A5, 6, string("s") + DATA["set"] + expiry(-1)
                        + NIL_ENT),
    "clear": command(10, A5, NIL_ENT, 7, A5),
    "attach_writer": command(0, A5, B9, 8, u64(1) + struct.pack(">H", 5)),
    "keepalive": command(0, B9, NIL_ENT, 9, u64(3)),
    "cumulative_ack": command(0, A5, B9, 10, u64(3)),
    "nack_attach": command(0, A5, NIL_ENT, 11, varbyte(1) + u64(0)),
    "nack_list": command(0, A5, B9, 11, varbyte(3) + u64(3) + u64(4)
                         + u64(300)),
    "ack_clone": command(1, B9, A5, 12, u64(1) + struct.pack(">H", 5)
                         + varbyte(2) + string("z") + nil() + DATA["table"]
                         + DATA["zeek_log"]),
    "retransmit_failed": command(0, B9, A5, 13, u64(7)),
    "unknown_index": command(0, B9, A5, 14, u64(7)),
    "truncated": command(0, A5, B9, 10, u64(3))[:-3],
}


def write(target, seeds):
    path = os.path.join(HERE, "corpus", target)
    os.makedirs(path, exist_ok=True)
    for name, raw in seeds.items():
        with open(os.path.join(path, name), "wb") as f:
            f.write(raw)


if __name__ == "__main__":
    write("fuzz_data_decoder", DATA)
    write("fuzz_handshake", HANDSHAKE)
    write("fuzz_node_message", NODE_STREAMS)
    write("fuzz_internal_command", COMMANDS)
