"""broker.zeek.Event, the deprecated broker.bro, and the manual's ping
example against a responder thread standing in for Zeek."""

import datetime
import os
import subprocess
import sys
import threading

import pytest

import broker
import broker.bro
from conftest import TIMEOUT

EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "..", "examples",
                        "python")


def test_event_layout():
    ev = broker.zeek.Event("ping", 1, "x")
    assert ev.valid() and ev.name() == "ping" and ev.args() == [1, "x"]
    # [ProtocolVersion=1, Type=Event(1), [name, args]] with counts.
    assert broker.Data.to_py(ev.as_data()) == \
        (broker.Count(1), broker.Count(1), ("ping", (1, "x")))
    assert str(ev) == "(1, 1, (ping, (1, x)))"
    assert broker.zeek.Event("none").args() == []


def test_event_parses_a_received_message():
    raw = broker.Data.to_py(broker.zeek.Event("pong", broker.Count(3)).as_data())
    ev = broker.zeek.Event(raw)
    assert ev.name() == "pong" and ev.args() == [broker.Count(3)]


def test_invalid_events():
    # The last two are well-formed events but for their type tag (Batch,
    # LogCreate): as upstream's, only the Event tag makes an Event.
    for raw in [(1, 2), 5, (broker.Count(1), broker.Count(1), 5),
                (broker.Count(1), broker.Count(1), (1, ())),
                (broker.Count(1), broker.Count(5), ("ping", ())),
                (broker.Count(1), broker.Count(2), ("ping", ()))]:
        ev = broker.zeek.Event(raw)
        assert not ev.valid()
        with pytest.raises(ValueError):
            ev.name()
        with pytest.raises(ValueError):
            ev.args()
    with pytest.raises(TypeError):
        broker.zeek.Event()
    with pytest.raises(TypeError):
        broker.zeek.Event(5, 1)       # a name must be a str
    with pytest.raises(TypeError):
        broker.zeek.Event("e", object())


def test_events_convert_inside_values():
    ev = broker.zeek.Event("e", 1)
    assert broker.Data([ev]) == broker.Data([ev.as_data()])
    assert isinstance(ev, broker.Message)


NETWORK_TIME = datetime.datetime(2023, 11, 14, 22, 13, 20, 500000,
                                 tzinfo=datetime.timezone.utc)


def test_events_without_metadata_use_the_two_field_form():
    ev = broker.zeek.Event("ping", broker.Count(1))
    content = broker.Data.to_py(ev.as_data())[2]
    assert len(content) == 2
    assert ev.metadata() is None and ev.ts() is None  # None, as upstream


def test_event_with_network_time_metadata():
    md = {broker.zeek.MetadataType.NetworkTimestamp: NETWORK_TIME}
    ev = broker.zeek.Event("ping", broker.Count(1), metadata=md)
    assert ev.valid()
    # Zeek 6-7's form: [1, 1, ["ping", [1], [[1, ts]]]].
    assert broker.Data.to_py(ev.as_data()) == (
        broker.Count(1), broker.Count(1),
        ("ping", (broker.Count(1),), ((broker.Count(1), NETWORK_TIME),)))
    assert ev.metadata() == [(broker.Count(1), NETWORK_TIME)]
    assert ev.ts() == NETWORK_TIME
    assert ev.args() == [broker.Count(1)]


def test_metadata_as_pairs_with_int_keys():
    ev = broker.zeek.Event("e", 1, metadata=[(200, "a"), (201, 2)])
    assert ev.valid()
    assert ev.metadata() == [(broker.Count(200), "a"), (broker.Count(201), 2)]
    assert ev.metadata_value(broker.zeek.MetadataType.UserMetadataStart) == "a"
    assert ev.metadata_value(201) == 2
    assert ev.metadata_value(1) is None and ev.ts() is None


def test_empty_metadata_is_zeek_8_form():
    ev = broker.zeek.Event("ping", broker.Count(1), metadata={})
    assert broker.Data.to_py(ev.as_data())[2] == ("ping", (broker.Count(1),), ())
    assert ev.valid() and ev.metadata() is None


def test_metadata_type_constants():
    assert broker.zeek.MetadataType.NetworkTimestamp == broker.Count(1)
    assert broker.zeek.MetadataType.UserMetadataStart == broker.Count(200)


def test_received_event_with_metadata():
    raw = (broker.Count(1), broker.Count(1),
           ("pong", (5,), ((broker.Count(1), NETWORK_TIME),
                           (broker.Count(300), "x"))))
    ev = broker.zeek.Event(raw)
    assert ev.valid() and ev.name() == "pong" and ev.args() == [5]
    assert ev.ts() == NETWORK_TIME
    assert ev.metadata_value(300) == "x"


def test_malformed_metadata():
    bad = [
        {1: 1.5},                      # network time must be a timestamp
        [(broker.Count(7), 1, 2)],     # not a pair: rejected in Python
    ]
    ev = broker.zeek.Event("e", metadata=bad[0])
    assert not ev.valid()
    with pytest.raises(ValueError):
        ev.metadata()
    with pytest.raises(ValueError):
        broker.zeek.Event("e", metadata=bad[1])
    with pytest.raises(TypeError):
        broker.zeek.Event("e", metadata={"k": 1})
    with pytest.raises(TypeError):
        broker.zeek.Event("e", metadata=5)
    raw = (broker.Count(1), broker.Count(1), ("e", (), ((1, 2),)))
    assert not broker.zeek.Event(raw).valid()   # key is an integer
    with pytest.raises(TypeError):
        broker.zeek.Event(raw, metadata={})


def test_bytes_name():
    ev = broker.zeek.Event(b"ping", 1)
    assert ev.valid() and ev.name() == "ping" and ev.args() == [1]
    # A lone argument that is not a str is a message to parse, as upstream.
    assert not broker.zeek.Event(b"none").valid()


def test_bro_event_is_deprecated(capsys):
    for _ in range(2):
        ev = broker.bro.Event("ping", 1)
    assert ev.name() == "ping"
    err = capsys.readouterr().err
    # Upstream's notice on stderr, once for this call site.
    assert err.count("deprecated bro.event usage") == 1, err
    assert "test_zeek.py" in err


class Responder:
    """Stands in for the manual's ping.zeek: subscribes to /topic/test,
    listens, and answers each ping(n) with pong(n)."""

    def __init__(self):
        self.ep = broker.Endpoint()
        self.sub = self.ep.make_subscriber("/topic/test")
        self.port = self.ep.listen("127.0.0.1", 0)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run)
        self.thread.start()

    def run(self):
        while not self.stop.is_set():
            msg = self.sub.get(0.05)
            if msg is None:
                continue
            ev = broker.zeek.Event(msg[1])
            if ev.valid() and ev.name() == "ping":
                self.ep.publish("/topic/test",
                                broker.zeek.Event("pong", *ev.args()))

    def close(self):
        self.stop.set()
        self.thread.join()
        self.sub.reset()
        self.ep.shutdown()


def test_ping_example_against_a_responder():
    responder = Responder()
    try:
        out = subprocess.run(
            [sys.executable, os.path.join(EXAMPLES, "ping.py"),
             str(responder.port)],
            capture_output=True, text=True, timeout=TIMEOUT * 3)
    finally:
        responder.close()
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == \
        ["received pong[{}]".format(n) for n in range(5)]
