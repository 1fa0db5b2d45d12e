"""Helpers shared by the Python tests. Every wait is on a condition with a
deadline; no test sleeps to synchronise."""

import contextlib
import time

import pytest

import broker

# Generous: the machine is shared, and a passing test never waits this long.
TIMEOUT = 10.0


def wait_until(predicate, timeout=TIMEOUT, what="condition"):
    """Polls `predicate` until it holds; fails the test after `timeout`."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail("timed out waiting for " + what)
        time.sleep(0.005)


def expect_status(ss, code, timeout=TIMEOUT):
    """The next item of status subscriber `ss`, which must have `code`."""
    st = ss.get(timeout)
    assert st is not None, "no status within {}s".format(timeout)
    assert st.code() == code, str(st)
    return st


def peer_pair(left, right, left_ss=None, right_ss=None):
    """Peers `right` with `left` over TCP loopback and waits for PeerAdded on
    both sides. Subscriptions made before this are known to both afterwards
    (the handshake carries the filters)."""
    with contextlib.ExitStack() as stack:
        if left_ss is None:
            left_ss = stack.enter_context(left.make_status_subscriber(True))
        if right_ss is None:
            right_ss = stack.enter_context(right.make_status_subscriber(True))
        port = left.listen("127.0.0.1", 0)
        assert port > 0
        assert right.peer("127.0.0.1", port, 1.0)
        expect_status(left_ss, broker.SC.PeerAdded)
        expect_status(right_ss, broker.SC.PeerAdded)
        return port


def make_chain(endpoints):
    """Peers endpoints[i] with endpoints[i+1] for each i (a line)."""
    for left, right in zip(endpoints, endpoints[1:]):
        peer_pair(left, right)


@pytest.fixture
def endpoints():
    """A factory for endpoints that are all shut down after the test."""
    created = []

    def make(cfg=None):
        ep = broker.Endpoint(cfg)
        created.append(ep)
        return ep

    yield make
    for ep in created:
        ep.shutdown()


def free_port():
    """A loopback TCP port with no listener (bound once, then released)."""
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
