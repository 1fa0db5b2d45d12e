"""Self-tests of the zeekwire package against ZEEK-WIRE.md's hex vectors, the upstream
transcripts in transcripts/, and two RawPeers talking over loopback.

Run: /usr/bin/python3 -m pytest tests/zeekwire
"""

import concurrent.futures
import math
import os
import re

import pytest

import zeekwire as zw
from zeekwire import (
    Add, AckClone, Address, AttachWriter, Batch, Clear, Count, CumulativeAck, DropConn,
    EntityId, Enum, Erase, Event, Expire, Hello, IdentifierUpdate, Integer, InternalCommand,
    Keepalive, LogCreate, LogWrite, Nack, NodeMessage, OriginatorAck, OriginatorSyn, Port,
    Probe, Put, PutUnique, PutUniqueResult, Real, ResponderSynAck, RetransmitFailed, Set,
    Subnet, Subtract, Table, Timespan, Timestamp, Vector, VersionSelect,
)

HERE = os.path.dirname(os.path.abspath(__file__))
A = zw.ID_SMALLEST
B = zw.ID_LARGEST
NIL = zw.NIL_ID
WAIT = 10.0  # upper bound for every wait in these tests (never a sleep)


def h(text: str) -> bytes:
    """Hex literal with spaces/newlines for readability."""
    return bytes.fromhex(re.sub(r"\s+", "", text))


# ---------------------------------------------------------------------------
# §3.4 handshake vectors (frames including the length prefix)

HANDSHAKE_VECTORS = [
    (Probe(), "00000005 07 5a45454b"),
    (Hello(B), "00000017 06 5a45454b ffffffffffff4fffbfffffffffffffff 01 01"),
    (Hello(A), "00000017 06 5a45454b 00000000000040008000000000000000 01 01"),
    (VersionSelect(A), "00000016 08 5a45454b 00000000000040008000000000000000 01"),
    (OriginatorSyn(["/test"]), "00000008 0a 01 05 2f74657374"),
    (ResponderSynAck(["/foo/bar"]), "0000000b 0b 01 08 2f666f6f2f626172"),
    (OriginatorSyn(["/foo/bar"]), "0000000b 0a 01 08 2f666f6f2f626172"),
    (ResponderSynAck(["/test"]), "00000008 0b 01 05 2f74657374"),
    (OriginatorAck(), "00000001 0c"),
    (OriginatorSyn([]), "00000002 0a 00"),
    (ResponderSynAck([]), "00000002 0b 00"),
    (OriginatorSyn(["/topic/test", "zeek/"]),
     "00000014 0a 02 0b 2f746f7069632f74657374 05 7a65656b2f"),
    (DropConn(B, 39, "redundant connection"),
     "0000002b 09 5a45454b ffffffffffff4fffbfffffffffffffff 27"
     "14 726564756e64616e7420636f6e6e656374696f6e"),
    (DropConn(B, 2, "unsupported versions offered"),
     "00000033 09 5a45454b ffffffffffff4fffbfffffffffffffff 02"
     "1c 756e737570706f727465642076657273696f6e73206f666665726564"),
]


@pytest.mark.parametrize("msg,hexframe", HANDSHAKE_VECTORS)
def test_handshake_vector_encode(msg, hexframe):
    assert zw.frame(zw.encode_handshake(msg)) == h(hexframe)


@pytest.mark.parametrize("msg,hexframe", HANDSHAKE_VECTORS)
def test_handshake_vector_decode(msg, hexframe):
    raw = h(hexframe)
    assert int.from_bytes(raw[:4], "big") == len(raw) - 4
    assert zw.decode_handshake(raw[4:]) == msg


def test_handshake_decode_rejects_bad_input():
    for bad in ["0d", "06 5a45454b 00", "07 5a45", "0a 02 01 41", "0c 00"]:
        with pytest.raises(zw.DecodeError):
            zw.decode_handshake(h(bad))
    # wrong magic decodes (the FSM answers it) and is preserved
    assert zw.decode_handshake(h("07 00000000")) == Probe(magic=0)


# ---------------------------------------------------------------------------
# §4.2 varbyte, §4.3 data vectors

def test_varbyte_examples():
    for value, hexs in [(0, "00"), (127, "7f"), (128, "8001"), (300, "ac02")]:
        assert zw.encode_varbyte(value) == h(hexs)
        assert zw.Reader(h(hexs)).varbyte() == value
    with pytest.raises(ValueError):
        zw.encode_varbyte(2**32)
    with pytest.raises(zw.DecodeError):
        zw.Reader(h("ffffffffff01")).varbyte()


DATA_VECTORS = [
    (None, "00"),
    (True, "0101"),
    (False, "0100"),
    (Count(0), "020000000000000000"),
    (Count(1234567890), "0200000000499602d2"),
    (Integer(1234567890), "0300000000499602d2"),
    (Integer(-1234567890), "03ffffffffb669fd2e"),
    (Real(1.0), "043ff0000000000000"),
    (Real(-1.0), "04bff0000000000000"),
    (Real(1.2), "043ff3333333333333"),
    (Real(math.inf), "04fff0000000000000"),
    (Real(-math.inf), "047ff0000000000000"),
    (Real(math.nan), "04ffffffffffffffff"),
    ("hello world", "050b68656c6c6f20776f726c64"),
    (Address("192.168.9.8"), "0600000000000000000000ffffc0a80908"),
    (Address("2001:db8::1"), "0620010db8000000000000000000000001"),
    (Subnet("192.168.9.0/24"), "0700000000000000000000ffffc0a8090078"),
    (Subnet("2001:db8::/32"), "0720010db800000000000000000000000020"),
    (Port(8080, zw.PORT_TCP), "081f9001"),
    (Port(9000, zw.PORT_UDP), "08232802"),
    (Port(8, zw.PORT_ICMP), "08000803"),
    (Timestamp(1234567890), "0900000000499602d2"),
    (Timespan(1234567890), "0a00000000499602d2"),
    (Enum("foobar"), "0b06666f6f626172"),
    (Set([False, Count(1), "hello world"]),
     "0c03 0100 020000000000000001 050b68656c6c6f20776f726c64"),
    (Table({Count(1): "hello", Count(2): "world"}),
     "0d02 020000000000000001 050568656c6c6f 020000000000000002 0505776f726c64"),
    (Vector([False, Count(1), "hello world"]),
     "0e03 0100 020000000000000001 050b68656c6c6f20776f726c64"),
    (Vector([]), "0e00"),
    ("x" * 300, "05 ac02" + "78" * 300),
]


@pytest.mark.parametrize("value,hexs", DATA_VECTORS)
def test_data_vector_encode(value, hexs):
    assert zw.encode_data(value) == h(hexs)


@pytest.mark.parametrize("value,hexs", DATA_VECTORS)
def test_data_vector_decode(value, hexs):
    assert zw.decode_data(h(hexs)) == value


def test_data_types_stay_apart():
    distinct = [True, Count(1), Integer(1), Real(1.0), "1", Timestamp(1), Timespan(1),
                Enum("1"), Vector([Count(1)]), Set([Count(1)])]
    for i, left in enumerate(distinct):
        for right in distinct[i + 1:]:
            assert left != right
    assert Set([Count(1), "a"]) == Set(["a", Count(1)])  # order-insensitive
    assert Table({"a": Count(1), "b": Count(2)}) == Table([("b", Count(2)), ("a", Count(1))])


def test_data_decoder_rejects_bad_input():
    bad = [
        "0c02 020000000000000001 020000000000000001",  # duplicate set element
        "0d02 050161 00 050161 00",                     # duplicate table key
        "0800500 4".replace(" ", ""),                   # port protocol 4
        "0101 00",                                      # trailing byte
        "0f",                                           # unknown tag
        "05 05 6869",                                   # truncated string
        "0700000000000000000000ffff0a00000008",          # IPv4 subnet raw length < 96
    ]
    for hexs in bad:
        with pytest.raises(zw.DecodeError):
            zw.decode_data(h(hexs))


def test_encoder_refuses_ambiguous_and_duplicate_values():
    with pytest.raises(TypeError):
        zw.encode_data(1)  # count or integer? must be explicit
    with pytest.raises(ValueError):
        Set([Count(1), Count(1)])
    with pytest.raises(ValueError):
        Table([("a", None), ("a", True)])


def test_string_bytes_round_trip():
    raw = h("05 03 ff00c3")
    value = zw.decode_data(raw)
    assert zw.encode_data(value) == raw


def test_nested_containers_round_trip():
    value = Vector([Set([Vector([Count(1), Set([])]), Table({Address("10.1.2.3"): Vector([])})]),
                    Table({Vector(["a", Port(1, 1)]): Set([Subnet("10.0.0.0/8")])})])
    assert zw.decode_data(zw.encode_data(value)) == value


# ---------------------------------------------------------------------------
# §4.1 envelope, §4.4 Zeek events, §5 control traffic

def test_envelope_vector():
    msg = NodeMessage(zw.parse_id("5746d8ee-3644-5bd2-9f54-d5a44c26c2a1"),
                      zw.parse_id("c0551e8d-392b-509b-a47b-ae46f75befac"),
                      zw.DATA, "foobar", zw.encode_data("hello world"), ttl=16)
    raw = h("00000038 5746d8ee36445bd29f54d5a44c26c2a1 c0551e8d392b509ba47bae46f75befac 01 0010 0006"
            "666f6f626172 050b68656c6c6f20776f726c64")
    assert zw.frame(zw.encode_node_message(msg)) == raw
    decoded = zw.decode_node_message(raw[4:])
    assert decoded == msg
    assert decoded.data() == "hello world"


PING_EVENT_HEADER = ("00000000000040008000000000000000 00000000000000000000000000000000 01 0010 000b"
                     "2f746f7069632f74657374")

EVENT_VECTORS = [
    (Event("ping", [Count(1)]), "00000057",
     "0e03 020000000000000001 020000000000000001 0e02 050470696e67 0e01 020000000000000001"),
    (Event("ping", [Count(1)], [(1, Timestamp(1700000000500000000))]), "0000006d",
     "0e03 020000000000000001 020000000000000001 0e03 050470696e67 0e01020000000000000001"
     "0e01 0e02 020000000000000001 0917979cfe53f76500"),
    (Event("ping", [Count(1)], []), "00000059",
     "0e030200000000000000010200000000000000010e03050470696e670e010200000000000000010e00"),
]


@pytest.mark.parametrize("event,length,payload", EVENT_VECTORS)
def test_zeek_event_vectors(event, length, payload):
    assert zw.encode_zeek(event) == h(payload)
    assert zw.decode_zeek(h(payload)) == event
    raw = h(length + PING_EVENT_HEADER + payload)
    msg = NodeMessage(A, NIL, zw.DATA, "/topic/test", zw.encode_zeek(event))
    assert zw.frame(zw.encode_node_message(msg)) == raw
    assert zw.decode_node_message(raw[4:]).zeek() == event


def test_zeek_event_with_int_argument():
    payload = zw.encode_zeek(Event("ping", [Integer(1)]))
    assert h("0e01 030000000000000001") in payload


def test_other_zeek_messages_round_trip():
    msgs = [
        LogCreate(Enum("Conn::LOG"), Enum("Log::WRITER_ASCII"), Vector(["conn"]), Vector([])),
        LogWrite(Enum("Conn::LOG"), Enum("Log::WRITER_ASCII"), "conn", "\x00\x01"),
        IdentifierUpdate("Site::local_nets", Set([Subnet("10.0.0.0/8")])),
        Batch([Event("a", []), IdentifierUpdate("x", Count(3)), Event("b", [None], [(200, "u")])]),
    ]
    for msg in msgs:
        data = zw.zeek_to_data(msg)
        assert data[0] == Count(1)
        assert zw.decode_zeek(zw.encode_data(data)) == msg
    assert zw.zeek_to_data(msgs[3])[1] == Count(zw.ZEEK_BATCH)


def test_zeek_decoder_rejects_bad_metadata_and_types():
    bad = [
        Vector([Count(1), Count(9), Vector([])]),  # unknown type
        Vector([Count(2), Count(1), Vector(["e", Vector([])])]),  # version 2
        Vector([Count(1), Count(1), Vector(["e", Vector([]), Vector([Vector([Count(1), "x"])])])]),
        Vector([Count(1), Count(1), Vector(["e", Vector([]), Vector([Vector([Integer(5), "x"])])])]),
    ]
    for value in bad:
        with pytest.raises(zw.DecodeError):
            zw.zeek_from_data(value)


def test_routing_update_vector():
    raw = h("00000041 00000000000040008000000000000000 ffffffffffff4fffbfffffffffffffff 03 0010 0003 3c243e"
            "020b2f746f7069632f746573740b7a65656b2f6576656e742f")
    msg = NodeMessage(A, B, zw.ROUTING_UPDATE, "<$>", zw.encode_filter(["/topic/test", "zeek/event/"]))
    assert zw.frame(zw.encode_node_message(msg)) == raw
    assert zw.decode_node_message(raw[4:]).filter() == ["/topic/test", "zeek/event/"]


def test_ping_pong_vectors():
    ping = h("0000002b 00000000000040008000000000000000 ffffffffffff4fffbfffffffffffffff 04 0001 0003 3c243e 666f6f")
    pong = h("0000002b ffffffffffff4fffbfffffffffffffff 00000000000040008000000000000000 05 0010 0003 3c243e 666f6f")
    assert zw.frame(zw.encode_node_message(NodeMessage(A, B, zw.PING, "<$>", b"foo", ttl=1))) == ping
    assert zw.frame(zw.encode_node_message(NodeMessage(B, A, zw.PONG, "<$>", b"foo"))) == pong
    assert zw.decode_node_message(ping[4:]) == NodeMessage(A, B, zw.PING, "<$>", b"foo", ttl=1)
    assert zw.decode_node_message(pong[4:]).payload == b"foo"


def test_bye_vector():
    raw = h("00000033 00000000000040008000000000000000 ffffffffffff4fffbfffffffffffffff 04 0010 0003 3c243e"
            "425945 0700000000000000")
    token = zw.bye_token(7)
    assert zw.frame(zw.encode_node_message(NodeMessage(A, B, zw.PING, "<$>", token))) == raw
    assert zw.is_bye_token(zw.decode_node_message(raw[4:]).payload)


def test_envelope_decoder_rejects_bad_input():
    good = zw.encode_node_message(NodeMessage(A, B, zw.PING, "<$>", b"x"))
    for bad in [good[:36], good[:32] + b"\x06" + good[33:], good[:32] + b"\x00" + good[33:]]:
        with pytest.raises(zw.DecodeError):
            zw.decode_node_message(bad)
    with pytest.raises(zw.DecodeError):  # topic length beyond the frame
        zw.decode_node_message(good[:35] + b"\x00\x09" + good[37:])


# ---------------------------------------------------------------------------
# §6.2 store command vectors

A5, A0, B9, NILE = EntityId(A, 5), EntityId(A, 0), EntityId(B, 9), EntityId(NIL, 0)
AH = "00000000000040008000000000000000"
BH = "ffffffffffff4fffbfffffffffffffff"
NH = "00000000000000000000000000000000"

PUT_PAYLOAD = (f"0000000000000002 {AH} 0000000000000005 {NH} 0000000000000000 00 05016b 02000000000000002a 00"
               f"{AH} 0000000000000000")

COMMAND_VECTORS = [
    (InternalCommand(2, A5, NILE, Put("k", Count(42), None, A0)), PUT_PAYLOAD),
    (InternalCommand(0, A5, B9, AttachWriter(1, 5)),
     f"0000000000000000 {AH}0000000000000005 {BH}0000000000000009 08 0000000000000001 0005"),
    (InternalCommand(0, B9, NILE, Keepalive(3)),
     f"0000000000000000 {BH}0000000000000009 {NH}0000000000000000 09 0000000000000003"),
    (InternalCommand(0, A5, B9, CumulativeAck(3)),
     f"0000000000000000 {AH}0000000000000005 {BH}0000000000000009 0a 0000000000000003"),
    (InternalCommand(0, A5, NILE, Nack([0])),
     f"0000000000000000 {AH}0000000000000005 {NH}0000000000000000 0b 01 0000000000000000"),
    (InternalCommand(1, B9, A5, AckClone(1, 5, Table({"k": Count(42)}))),
     f"0000000000000001 {BH}0000000000000009 {AH}0000000000000005 0c 0000000000000001 0005 01 05016b"
     "02000000000000002a"),
]


@pytest.mark.parametrize("cmd,hexs", COMMAND_VECTORS)
def test_command_vectors(cmd, hexs):
    assert zw.encode_command(cmd) == h(hexs)
    assert zw.decode_command(h(hexs)) == cmd


def test_put_frame_to_master_vector():
    raw = h(f"0000009a {AH} {NH} 02 0010 0017 6d7973746f72652f3c243e2f646174612f6d6173746572" + PUT_PAYLOAD)
    cmd = COMMAND_VECTORS[0][0]
    msg = NodeMessage(A, NIL, zw.COMMAND, zw.store_topic("mystore", master=True), zw.encode_command(cmd))
    assert zw.frame(zw.encode_node_message(msg)) == raw
    assert zw.decode_node_message(raw[4:]).command() == cmd


def test_all_fourteen_commands_round_trip():
    ts = Timespan(300_000_000)
    contents = [
        Put("k", Count(1), ts, A5), PutUnique("u", Integer(1), None, A5, 7, A0),
        PutUniqueResult(True, A5, 7, B9), Erase("k", A5), Expire("e", B9),
        Add("k", Count(1), 2, ts, A5), Subtract("s", Set(["a"]), None, A5), Clear(B9),
        AttachWriter(1, 5), Keepalive(9), CumulativeAck(9), Nack([3, 4, 5]),
        AckClone(4, 5, Table({"a": Count(1), "b": Vector([])})), RetransmitFailed(6),
    ]
    for index, content in enumerate(contents):
        cmd = InternalCommand(index, A5, B9, content)
        raw = zw.encode_command(cmd)
        assert raw[56] == index  # the content type index follows seq + two entity ids
        assert zw.decode_command(raw) == cmd
    with pytest.raises(zw.DecodeError):
        zw.decode_command(raw[:56] + b"\x0e")
    with pytest.raises(zw.DecodeError):
        zw.decode_command(raw + b"\x00")


# ---------------------------------------------------------------------------
# Transcripts of real upstream nodes

HANDSHAKE_NAMES = {"hello", "probe", "version_select", "drop_conn", "originator_syn",
                   "responder_syn_ack", "originator_ack"}
NODE_NAMES = {"data": zw.DATA, "command": zw.COMMAND, "routing_update": zw.ROUTING_UPDATE,
              "ping": zw.PING, "pong": zw.PONG}
TRANSCRIPTS = ["pubsub-dialer-originates.txt", "pubsub-listener-originates.txt",
               "store-master-on-listener.txt"]


def load_transcript(name):
    """[(direction, kind, topic or None, body)] for every frame line."""
    frames = []
    with open(os.path.join(HERE, "transcripts", name)) as handle:
        for line in handle:
            if not line.strip() or line.startswith("#"):
                continue
            fields, _, comment = line.partition("#")
            direction, length, body = fields.split()
            body = bytes.fromhex(body)
            assert len(body) == int(length)
            kind = comment.split()[0]
            topic = re.search(r"topic='([^']*)'", comment)
            frames.append((direction, kind, topic and topic.group(1), body))
    return frames


def decode_line(kind, topic, body):
    """Full decode of one frame; asserts exact re-encoding on every layer."""
    if kind in HANDSHAKE_NAMES:
        msg = zw.decode_handshake(body)
        assert zw.encode_handshake(msg) == body
        assert msg.tag == {"hello": 6, "probe": 7, "version_select": 8, "drop_conn": 9,
                           "originator_syn": 10, "responder_syn_ack": 11, "originator_ack": 12}[kind]
        return msg
    msg = zw.decode_node_message(body)
    assert zw.encode_node_message(msg) == body
    assert msg.type == NODE_NAMES[kind] and msg.topic == topic and msg.ttl == 16
    payload = zw.decode_payload(msg)
    if msg.type == zw.DATA:
        assert zw.encode_data(payload) == msg.payload
    elif msg.type == zw.COMMAND:
        assert zw.encode_command(payload) == msg.payload
    elif msg.type == zw.ROUTING_UPDATE:
        assert zw.encode_filter(payload) == msg.payload
    return msg, payload


@pytest.mark.parametrize("name", TRANSCRIPTS)
def test_transcript_decodes_and_reencodes(name):
    frames = load_transcript(name)
    assert frames
    for _, kind, topic, body in frames:
        decode_line(kind, topic, body)


def sent_by(frames, direction):
    return [(kind, topic, body) for d, kind, topic, body in frames if d == direction]


def node_payloads(frames, direction, mtype):
    out = []
    for kind, topic, body in sent_by(frames, direction):
        if kind in NODE_NAMES and NODE_NAMES[kind] == mtype:
            out.append(decode_line(kind, topic, body))
    return out


PUBLISHED = [
    None, True, Count(42), Integer(-7), Real(1.5), Real(math.inf), Real(-math.inf), "hello world",
    Address("192.168.9.8"), Address("2001:db8::1"), Subnet("10.0.0.0/8"), Subnet("2001:db8::/32"),
    Port(8080, zw.PORT_TCP), Port(53, zw.PORT_UDP), Port(8, zw.PORT_ICMP), Port(0, zw.PORT_UNKNOWN),
    Timestamp(1_700_000_000 * 10**9), Timespan(1_500_000_000), Set([Count(1), "two"]),
    Table({"a": Count(1)}), Vector([Integer(1), "two", Vector([Real(3.0)])]), Vector([]),
]


@pytest.mark.parametrize("name", TRANSCRIPTS[:2])
def test_pubsub_transcript_values(name):
    frames = load_transcript(name)
    dialer_id = zw.decode_handshake(sent_by(frames, "D->L")[0][2]).sender
    data = node_payloads(frames, "D->L", zw.DATA)
    assert all(m.sender == dialer_id and m.receiver == NIL for m, _ in data)
    values = [v for m, v in data]
    assert [m.topic for m, _ in data[:24]] == ["/topic/test"] * 24
    assert values[:22] == PUBLISHED
    assert zw.zeek_from_data(values[22]) == Event("ping", [Count(1)])
    assert zw.zeek_from_data(values[23]) == Event(
        "ping", [Count(2)], [(1, Timestamp(1_700_000_000 * 10**9)), (200, "user")])
    assert (data[24][0].topic, values[24]) == ("/late/topic/x", "after the update")
    assert len(values) == 25

    (reply, reply_value), = node_payloads(frames, "L->D", zw.DATA)
    assert reply.topic == "/reply" and zw.zeek_from_data(reply_value) == Event("pong", [Count(1)])
    (update, topics), = node_payloads(frames, "L->D", zw.ROUTING_UPDATE)
    assert topics == ["/late/topic", "/topic/test"] and update.receiver == dialer_id

    (ping, token), = node_payloads(frames, "D->L", zw.PING)
    (pong, echoed), = node_payloads(frames, "L->D", zw.PONG)
    assert zw.is_bye_token(token) and echoed == token
    assert (pong.sender, pong.receiver) == (ping.receiver, ping.sender)


def test_pubsub_transcript_handshake_orders():
    dialer = [zw.decode_handshake(b) for k, _, b in sent_by(load_transcript(TRANSCRIPTS[0]), "D->L")
              if k in HANDSHAKE_NAMES]
    listener = [zw.decode_handshake(b) for k, _, b in sent_by(load_transcript(TRANSCRIPTS[0]), "L->D")
                if k in HANDSHAKE_NAMES]
    assert [type(m) for m in dialer] == [Hello, VersionSelect, OriginatorSyn, OriginatorAck]
    assert [type(m) for m in listener] == [Probe, Hello, ResponderSynAck]
    assert dialer[0].sender < listener[1].sender  # the smaller id originates
    assert dialer[2].filter == ("/reply",) and listener[2].filter == ("/topic/test",)

    frames = load_transcript(TRANSCRIPTS[1])
    dialer = [zw.decode_handshake(b) for k, _, b in sent_by(frames, "D->L") if k in HANDSHAKE_NAMES]
    listener = [zw.decode_handshake(b) for k, _, b in sent_by(frames, "L->D") if k in HANDSHAKE_NAMES]
    assert [type(m) for m in dialer] == [Hello, ResponderSynAck]
    assert [type(m) for m in listener] == [Probe, VersionSelect, OriginatorSyn, OriginatorAck]
    assert listener[1].sender < dialer[0].sender


def test_store_transcript_values():
    frames = load_transcript(TRANSCRIPTS[2])
    master_cmds = [p for _, p in node_payloads(frames, "L->D", zw.COMMAND)]
    clone_cmds = [p for _, p in node_payloads(frames, "D->L", zw.COMMAND)]

    (_, l_topics), = node_payloads(frames, "L->D", zw.ROUTING_UPDATE)
    (_, d_topics), = node_payloads(frames, "D->L", zw.ROUTING_UPDATE)
    assert l_topics == ["/topic/test", "mystore/<$>/data/master"]
    assert d_topics == ["/reply", "mystore/<$>/data/clone"]

    # attach: NACK 0 broadcast, ack_clone with an empty snapshot, attach_writer
    assert clone_cmds[0].content == Nack([0]) and clone_cmds[0].receiver.endpoint == NIL
    ack_clone = next(c for c in master_cmds if isinstance(c.content, AckClone))
    assert ack_clone.content == AckClone(1, 5, Table())
    assert any(isinstance(c.content, AttachWriter) for c in clone_cmds)

    broadcast = [c.content for c in master_cmds
                 if c.receiver == NILE and not isinstance(c.content, zw.Keepalive)]
    kinds = [type(c) for c in broadcast]
    assert kinds == [Put, Put, Put, PutUniqueResult, Put, Put, Erase, Expire, Clear]
    puts = [(c.key, c.value, c.expiry) for c in broadcast if isinstance(c, Put)]
    assert puts == [("k", Count(42), None), ("from-clone", "v", None), ("u", Integer(1), None),
                    ("e", "expires", Timespan(300_000_000)), ("k", Count(43), None)]
    assert broadcast[3].inserted is True
    writes = [c.content for c in clone_cmds if c.seq >= 2 and not isinstance(c.content, Keepalive)]
    assert [type(w) for w in writes] == [Put, PutUnique, Add, Erase]
    assert writes[2] == Add("k", Count(1), 2, None, writes[2].publisher)

    seqs = [c.seq for c in master_cmds if c.receiver == NILE and not isinstance(c.content, Keepalive)]
    assert seqs == list(range(2, 2 + len(seqs)))  # the first event carries 2


# ---------------------------------------------------------------------------
# Two RawPeers over loopback

ROUND_TRIP_VALUES = PUBLISHED + [
    Real(math.nan), False, Count(2**64 - 1), Integer(-2**63), Enum("Conn::LOG"), "x" * 300,
    "caf\u00e9", "\udcff\udc80 raw bytes", Timestamp(-1),
    Set([Vector([Count(1)]), Set([]), Table({})]),
    Table({Vector(["a", Count(1)]): Set([Subnet("2001:db8::/32")]), Port(1, 3): None}),
    zw.zeek_to_data(Event("ping", [Count(1)], [(1, Timestamp(5))])),
]


@pytest.fixture
def pool():
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as executor:
        yield executor


def acceptor_script(listener, own_id):
    """Echo every received value back, then grow the filter, then serve
    until the connector says BYE."""
    peer = listener.accept(own_id, filter=["/acc"], timeout=WAIT)
    got = [peer.receive_data("/acc/data", timeout=WAIT)[1] for _ in ROUND_TRIP_VALUES]
    for value in got:
        peer.send_data("/con/echo", value)
    peer.send_routing_update(["/acc", "/late"])
    peer.wait_closed(timeout=WAIT)
    return peer, got


@pytest.mark.parametrize("tls", [False, True], ids=["plain", "tls"])
@pytest.mark.parametrize("connector_originates", [True, False], ids=["connector-orig", "acceptor-orig"])
def test_two_peers_full_session(pool, tls, connector_originates):
    con_id, acc_id = (A, B) if connector_originates else (B, A)
    with zw.Listener(tls=tls) as listener:
        acceptor = pool.submit(acceptor_script, listener, acc_id)
        peer = zw.RawPeer.connect("127.0.0.1", listener.port, con_id, tls=tls, filter=["/con"], timeout=WAIT)
        assert peer.is_originator == connector_originates
        assert peer.peer_id == acc_id and peer.peer_filter == ["/acc"]
        if tls:
            assert peer.sock.version() == "TLSv1.2" and peer.sock.cipher()[0] == "AECDH-AES256-SHA"
        for value in ROUND_TRIP_VALUES:
            peer.send_data("/acc/data", value)
        echoed = [peer.receive_data("/con/echo", timeout=WAIT)[1] for _ in ROUND_TRIP_VALUES]
        assert echoed == ROUND_TRIP_VALUES
        assert peer.wait_routing_update(timeout=WAIT) == ["/acc", "/late"]
        assert peer.peer_filter == ["/acc", "/late"] and peer.handshake_filter == ["/acc"]
        pong = peer.ping(b"foo", timeout=WAIT)
        assert (pong.sender, pong.receiver, pong.topic, pong.payload) == (acc_id, con_id, "<$>", b"foo")
        assert peer.bye(timeout=WAIT)

        remote, got = acceptor.result(timeout=WAIT)
    assert got == ROUND_TRIP_VALUES
    assert remote.is_originator == (not connector_originates)
    assert remote.handshake_filter == ["/con"] and remote.peer_id == con_id
    assert remote.peer_closed
    pings = [m for m in remote.inbox if m.type == zw.PING]
    assert [m.payload for m in pings][0] == b"foo" and zw.is_bye_token(pings[1].payload)
    expected_sent = {True: [Probe, Hello, ResponderSynAck],
                     False: [Probe, VersionSelect, OriginatorSyn, OriginatorAck]}[connector_originates]
    assert [type(m) for d, m in remote.handshake_log if d == "sent"] == expected_sent


@pytest.mark.parametrize("tls", [False, True], ids=["plain", "tls"])
def test_events_and_commands_between_peers(pool, tls):
    with zw.Listener(tls=tls) as listener:
        def acceptor():
            peer = listener.accept(B, filter=["/topic"], timeout=WAIT)
            event = peer.receive_event("ping", timeout=WAIT)
            cmd = peer.receive_command("s/<$>/data/master", timeout=WAIT)
            peer.send_event("/reply", "pong", event.args)
            peer.wait_closed(timeout=WAIT)
            return event, cmd
        result = pool.submit(acceptor)
        peer = zw.RawPeer.connect("127.0.0.1", listener.port, A, tls=tls, timeout=WAIT)
        peer.send_data("/topic/other", "not an event")
        peer.send_event("/topic/test", "ping", [Count(7)], metadata=[(1, Timestamp(1))])
        cmd = InternalCommand(2, EntityId(A, 1), NILE, Put("k", Count(1), None, EntityId(A, 1)))
        peer.send_command("s/<$>/data/master", cmd)
        assert peer.receive_event("pong", timeout=WAIT) == Event("pong", [Count(7)])
        peer.close()
        event, got_cmd = result.result(timeout=WAIT)
    assert event == Event("ping", [Count(7)], [(1, Timestamp(1))]) and got_cmd == cmd


def test_receive_times_out_instead_of_hanging(pool):
    with zw.Listener() as listener:
        accepted = pool.submit(listener.accept, B, timeout=WAIT)
        peer = zw.RawPeer.connect("127.0.0.1", listener.port, A, timeout=WAIT)
        remote = accepted.result(timeout=WAIT)
        with pytest.raises(zw.WaitTimeout):
            peer.receive(timeout=0.05)
        remote.send_data("/x", "late")  # the peer still works after a timeout
        assert peer.receive_data(timeout=WAIT) == ("/x", "late")
        peer.close()
        remote.close()


def test_hostile_frames_are_detected(pool):
    with zw.Listener() as listener:
        accepted = pool.submit(listener.accept, B, timeout=WAIT, max_frame=1024)
        peer = zw.RawPeer.connect("127.0.0.1", listener.port, A, timeout=WAIT)
        remote = accepted.result(timeout=WAIT)
        peer.send_raw(b"\x00\x00\x00\x00")                     # empty frames are ignored
        peer.send_data("/x", "after empty")
        assert remote.receive_data(timeout=WAIT) == ("/x", "after empty")
        peer.send_frame(zw.encode_handshake(OriginatorAck()))   # wrong phase
        with pytest.raises(zw.ProtocolError):
            remote.receive(timeout=WAIT)
        peer.send_raw(b"\x7f\xff\xff\xfb")                      # huge length
        with pytest.raises(zw.ProtocolError):
            remote.receive(timeout=WAIT)
        peer.close()
        remote.close()


# ---------------------------------------------------------------------------
# Rejections: redundant connections and version mismatch (§3.3, §3.5)

def test_redundant_connection_acceptor_originator(pool):
    """Acceptor has the smaller id: a second connection from a peered id
    gets drop_conn 39 and the first keeps working."""
    with zw.Listener() as listener:
        def acceptor():
            first = listener.accept(A, timeout=WAIT)
            with pytest.raises(zw.RedundantConnection):
                listener.accept(A, timeout=WAIT)
            first.wait_closed(timeout=WAIT)
            return first
        result = pool.submit(acceptor)
        first = zw.RawPeer.connect("127.0.0.1", listener.port, B, timeout=WAIT)
        with pytest.raises(zw.ConnectionDropped) as dropped:
            zw.RawPeer.connect("127.0.0.1", listener.port, B, timeout=WAIT)
        assert dropped.value.code == 39 and dropped.value.drop.sender == A
        assert dropped.value.drop.description == "redundant connection"
        assert first.ping(b"still alive", timeout=WAIT).payload == b"still alive"
        assert first.bye(timeout=WAIT)
        assert result.result(timeout=WAIT).peer_closed


def test_redundant_connection_acceptor_responder(pool):
    """Acceptor has the larger id: it answers the second connection's
    version_select with drop_conn 40."""
    with zw.Listener() as listener:
        def acceptor():
            first = listener.accept(B, timeout=WAIT)
            with pytest.raises(zw.HandshakeRejected) as rejected:
                listener.accept(B, timeout=WAIT)
            first.wait_closed(timeout=WAIT)
            return rejected.value.code
        result = pool.submit(acceptor)
        first = zw.RawPeer.connect("127.0.0.1", listener.port, A, timeout=WAIT)
        with pytest.raises(zw.ConnectionDropped) as dropped:
            zw.RawPeer.connect("127.0.0.1", listener.port, A, timeout=WAIT)
        assert dropped.value.code == 40
        assert first.ping(timeout=WAIT).type == zw.PONG
        first.close()
        assert result.result(timeout=WAIT) == 40


def test_connector_knows_peer_reports_redundant(pool):
    """A connector that shares its registry with an established connection
    treats drop_conn 39 as 'redundant' rather than an error."""
    with zw.Listener() as listener:
        def acceptor():
            first = listener.accept(A, timeout=WAIT)
            with pytest.raises(zw.RedundantConnection):
                listener.accept(A, timeout=WAIT)
            first.wait_closed(timeout=WAIT)
        result = pool.submit(acceptor)
        registry = zw.PeerRegistry()
        first = zw.RawPeer.connect("127.0.0.1", listener.port, B, registry=registry, timeout=WAIT)
        with pytest.raises(zw.RedundantConnection):
            zw.RawPeer.connect("127.0.0.1", listener.port, B, registry=registry, timeout=WAIT)
        first.close()
        result.result(timeout=WAIT)


@pytest.mark.parametrize("acceptor_id", [A, B], ids=["acceptor-smaller", "acceptor-larger"])
@pytest.mark.parametrize("tls", [False, True], ids=["plain", "tls"])
def test_version_mismatch_gets_drop_conn_2(pool, acceptor_id, tls):
    with zw.Listener(tls=tls) as listener:
        def acceptor():
            with pytest.raises(zw.HandshakeRejected) as rejected:
                listener.accept(acceptor_id, timeout=WAIT)
            return rejected.value.code
        result = pool.submit(acceptor)
        other = B if acceptor_id == A else A
        peer = zw.RawPeer.connect("127.0.0.1", listener.port, other, tls=tls, handshake=False, timeout=WAIT)
        peer.send_handshake(Hello(other, 200, 201))
        assert peer.recv_handshake(timeout=WAIT) == Probe()
        assert peer.recv_handshake(timeout=WAIT) == DropConn(acceptor_id, 2, "unsupported versions offered")
        assert result.result(timeout=WAIT) == 2
        with pytest.raises(zw.PeerClosed):
            peer.read_frame(timeout=WAIT)
        peer.close()


@pytest.mark.parametrize("body,code", [
    (zw.encode_handshake(Hello(A, magic=0x12345678)), 38),
    (h("63 00"), 20),
    (zw.encode_handshake(Hello(A))[:10], 20),
])
def test_bad_hello_gets_drop_conn(pool, body, code):
    with zw.Listener() as listener:
        def acceptor():
            with pytest.raises(zw.HandshakeRejected) as rejected:
                listener.accept(B, timeout=WAIT)
            return rejected.value.code
        result = pool.submit(acceptor)
        peer = zw.RawPeer.connect("127.0.0.1", listener.port, A, handshake=False, timeout=WAIT)
        peer.send_frame(body)
        assert peer.recv_handshake(timeout=WAIT) == Probe()
        assert peer.recv_handshake(timeout=WAIT).code == code
        assert result.result(timeout=WAIT) == code
        peer.close()


def test_connector_accepts_drop_conn_as_error(pool):
    """A raw acceptor refusing us: the connector's handshake raises with
    the received code."""
    with zw.Listener() as listener:
        def acceptor():
            peer = listener.accept(B, handshake=False, timeout=WAIT)
            peer.send_handshake(Probe())
            assert isinstance(peer.recv_handshake(timeout=WAIT), Hello)
            peer.send_handshake(DropConn(B, 28, "shutting down"))
            peer.close()
        result = pool.submit(acceptor)
        with pytest.raises(zw.ConnectionDropped) as dropped:
            zw.RawPeer.connect("127.0.0.1", listener.port, A, timeout=WAIT)
        assert dropped.value.code == 28
        result.result(timeout=WAIT)


def test_cli_decode(capsys):
    assert zw.main(["decode", "07 5a45454b"]) == 0
    assert "Probe" in capsys.readouterr().out
    body = load_transcript(TRANSCRIPTS[0])[-1][3]
    assert zw.main(["decode", body.hex()]) == 0
    assert "BYE" in capsys.readouterr().out
