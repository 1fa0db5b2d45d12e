"""broker.zeek.Event, the deprecated broker.bro, and the manual's ping
example against a responder thread standing in for Zeek."""

import os
import subprocess
import sys
import threading
import warnings

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
    for raw in [(1, 2), 5, (broker.Count(1), broker.Count(1), 5),
                (broker.Count(1), broker.Count(1), (1, ()))]:
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


def test_bro_event_is_deprecated():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ev = broker.bro.Event("ping", 1)
    assert ev.name() == "ping"
    assert any(issubclass(w.category, DeprecationWarning) for w in caught)


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
