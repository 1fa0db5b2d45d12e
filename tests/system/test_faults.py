"""Peers that die, hang, or are not there yet."""

import re
import signal

import pytest

from conftest import LIVENESS_ARGS, LIVENESS_DEADLINE, peered, unused_port


def exchange(sender, receiver, text):
    """`sender` (publish mode, topic /t/p) publishes `text`; `receiver`
    (subscribed to /t) must print it."""
    sender.send(text)
    receiver.expect(rf"^message /t/p {re.escape(text)}$")


def peered_pair(cluster, extra=()):
    """(listener L subscribed to /t, dialler D publishing on /t/p), peered;
    D dials with a retry of 1 s."""
    listener = cluster.start("L", "subscribe", ["/t"], listen=0, extra=extra)
    dialler = cluster.start("D", "publish", ["/t/p"], peers=[listener.port],
                            retry=1, extra=extra)
    peered((dialler, listener))
    return listener, dialler


def test_killed_listener_is_lost_then_redialled(cluster):
    listener, dialler = peered_pair(cluster)
    port = listener.port
    exchange(dialler, listener, "before")
    listener.kill()
    dialler.expect(
        rf"^status peer_lost {re.escape(listener.node_id)} 127\.0\.0\.1:{port} ")
    # The same port again, a new endpoint: the dialler (retry 1 s) finds it.
    reborn = cluster.start("L2", "subscribe", ["/t"], listen=port)
    peered((dialler, reborn))
    exchange(dialler, reborn, "after")


def test_killed_dialler_is_lost_and_listener_keeps_serving(cluster):
    listener, dialler = peered_pair(cluster)
    dialler.kill()
    listener.expect(rf"^status peer_lost {re.escape(dialler.node_id)} ")
    # Inbound peers are never redialled; a new one is welcome.
    other = cluster.start("D2", "publish", ["/t/p"], peers=[listener.port])
    peered((other, listener))
    exchange(other, listener, "still serving")


def test_refused_then_retry_succeeds(cluster):
    port = unused_port()
    dialler = cluster.start("D", "publish", ["/t/p"], peers=[port], retry=1)
    dialler.expect(rf"^error peer_unavailable - 127\.0\.0\.1:{port} ")
    listener = cluster.start("L", "subscribe", ["/t"], listen=port)
    peered((dialler, listener))
    exchange(dialler, listener, "made it")


def test_shutdown_is_an_orderly_peer_lost(cluster):
    listener, dialler = peered_pair(cluster)
    assert dialler.stop() == 0
    # The process has exited, but its last lines may still be on their way
    # through the reader thread: wait for them rather than look once.
    dialler.wait_count(r"^exit 0$", 1)
    listener.expect(rf"^status peer_lost {re.escape(dialler.node_id)} ")
    assert listener.matching(r"^error ") == []


def test_hung_peer_is_lost_after_heartbeat_timeout(cluster):
    listener, dialler = peered_pair(cluster, extra=LIVENESS_ARGS)
    dialler.signal(signal.SIGSTOP)
    listener.expect(rf"^status peer_lost {re.escape(dialler.node_id)} ",
                    timeout=LIVENESS_DEADLINE)
