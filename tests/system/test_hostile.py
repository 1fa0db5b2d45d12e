"""Hostile input on a node's listening port, straight from Python sockets.
After each attack the node must still exchange messages with a
well-behaved peer (which must not notice anything) and must report the bad
connection."""

import random
import re
import select
import socket
import threading
import time

import pytest

import wire
from conftest import (LIVENESS_ARGS, LIVENESS_DEADLINE, PLAIN_ARGS, TIMEOUT,
                      eventually, peered)

FLOOD = 2000


def start_served(cluster, extra=()):
    """(node under attack, its well-behaved peer), peered and subscribed
    to /t both."""
    node = cluster.start("N", "pubsub", ["/t"], listen=0,
                         extra=PLAIN_ARGS + list(extra))
    good = cluster.start("W", "pubsub", ["/t"], peers=[node.port],
                         extra=PLAIN_ARGS)
    peered((node, good))
    return node, good


@pytest.fixture
def served(cluster):
    # Default settings: whatever handshake timeout the library has must not
    # cut the slow attacks short while a test still needs them.
    return start_served(cluster)


def assert_still_serving(node, good, tag):
    good.send(f"/t/w {tag}")
    node.expect(rf"^message /t/w {tag}$")
    node.send(f"/t/n {tag}")
    good.expect(rf"^message /t/n {tag}$")
    assert good.matching(r"^status peer_lost ") == []


def connect(port):
    sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    return sock, sock.getsockname()[1]


def send_quietly(sock, data):
    """Sends what the node still takes: it may close mid-way."""
    try:
        sock.sendall(data)
    except (BrokenPipeError, ConnectionResetError):
        pass


def read_until_closed(sock, timeout=TIMEOUT):
    """Everything the node sends until it closes the connection; None if
    it keeps it open past `timeout`."""
    received = b""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([sock], [], [], left)[0]:
            return None
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            return received
        if not chunk:
            return received
        received += chunk


def connection_error(node, client_port, codes=r"\S+", timeout=TIMEOUT):
    """The error line the node printed about this client connection."""
    return node.expect(
        rf"^error ({codes}) - 127\.0\.0\.1:{client_port} ", timeout=timeout)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_bytes_drop_only_that_connection(served, seed):
    node, good = served
    junk = random.Random(seed).randbytes(4096)
    # A wrong version or frame type in the first header makes the outcome
    # deterministic (a valid header would make the node wait for more).
    assert junk[4] != wire.WIRE_VERSION or junk[5] not in range(1, 6)
    sock, client_port = connect(node.port)
    send_quietly(sock, junk)
    assert read_until_closed(sock) is not None
    sock.close()
    connection_error(node, client_port, "invalid_data|peer_incompatible")
    assert_still_serving(node, good, f"random-{seed}")


@pytest.mark.parametrize("length", [0xFFFFFFFF, 16 * 1024 * 1024 + 1])
def test_huge_length_prefix_is_refused_before_allocating(served, length):
    node, good = served
    rss_before = node.rss_kib()
    sock, client_port = connect(node.port)
    send_quietly(sock, length.to_bytes(4, "big") + bytes([1, wire.HELLO]))
    assert read_until_closed(sock) is not None
    sock.close()
    connection_error(node, client_port, "invalid_data")
    assert node.rss_kib() - rss_before < 32 * 1024
    assert_still_serving(node, good, "huge")


def test_garbage_after_handshake_drops_that_peer(served):
    node, good = served
    sock, client_port = connect(node.port)
    hello, fake_id = wire.hello(topics=["/t"])
    sock.sendall(hello)
    node.expect(rf"^status peer_added {re.escape(fake_id)} ")
    send_quietly(sock, wire.frame(wire.DATA, b"\xff" * 64))
    assert read_until_closed(sock) is not None
    sock.close()
    node.expect(rf"^error invalid_data {re.escape(fake_id)} ")
    node.expect(rf"^status peer_lost {re.escape(fake_id)} ")
    assert_still_serving(node, good, "after-garbage")


def test_frame_before_hello_gets_a_goodbye(served):
    node, _ = served
    sock, client_port = connect(node.port)
    send_quietly(sock, wire.frame(wire.DATA, b"\x00" * 16))
    received = read_until_closed(sock)
    sock.close()
    connection_error(node, client_port, "invalid_data")
    frames = wire.parse_frames(received or b"")
    assert [t for t, _ in frames] == [wire.HELLO, wire.GOODBYE]
    assert frames[1][1][0] == wire.GOODBYE_PROTOCOL_ERROR


def truncated_handshake(port):
    """Half a hello, then close; returns the client port."""
    sock, client_port = connect(port)
    hello, _ = wire.hello(topics=["/t"])
    sock.sendall(hello[:len(hello) // 2])
    sock.close()
    return client_port


def assert_survives(node, good, attack, tag):
    """Runs `attack`; the node must still serve, and close every connection
    the attack opened."""
    fds = node.open_fds()
    attack()
    assert_still_serving(node, good, tag)
    eventually(lambda: node.open_fds() <= fds, what=f"{tag}: fds closed")


def test_truncated_handshake_leaves_the_node_serving(served):
    node, good = served
    assert_survives(node, good, lambda: truncated_handshake(node.port),
                    "after-truncated")


def test_truncated_handshake_is_reported(served):
    node, _ = served
    client_port = truncated_handshake(node.port)
    connection_error(node, client_port, "peer_disconnect_during_handshake")


class SlowClient:
    """Sends a valid hello one byte per second (slowloris) on a thread,
    reading whatever the node sends, until the node closes or stop()."""

    def __init__(self, port):
        self.sock, self.client_port = connect(port)
        self.sock.setblocking(False)
        self.hello, _ = wire.hello(topics=["/t"])
        self.sent = 0
        self.closed = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set() and self.sent < len(self.hello):
            try:
                self.sock.send(self.hello[self.sent:self.sent + 1])
                self.sent += 1
                # The attack's pace: one byte, then a second of reading.
                if select.select([self.sock], [], [], 1.0)[0] \
                        and not self.sock.recv(65536):
                    break
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                break
        self.closed.set()

    def stop(self):
        self._stop.set()
        self._thread.join()
        self.sock.close()


def test_slowloris_does_not_stall_other_peers(served):
    node, good = served
    slow = SlowClient(node.port)
    try:
        assert_still_serving(node, good, "during-slowloris")
        assert not slow.closed.is_set()
    finally:
        slow.stop()


def test_slowloris_is_dropped_after_handshake_timeout(cluster):
    node, good = start_served(cluster, LIVENESS_ARGS)
    slow = SlowClient(node.port)
    try:
        assert slow.closed.wait(LIVENESS_DEADLINE), (
            f"still connected after {slow.sent} bytes")
        assert slow.sent < len(slow.hello)
        connection_error(node, slow.client_port)
        assert_still_serving(node, good, "after-slowloris")
    finally:
        slow.stop()


def flood(port, n=FLOOD):
    """Opens and drops n connections: half closed (FIN), half reset (RST).
    Returns the client ports."""
    ports = []
    for i in range(n):
        sock, client_port = connect(port)
        if i % 2:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                            b"\x01\x00\x00\x00\x00\x00\x00\x00")
        sock.close()
        ports.append(client_port)
    return ports


def test_connection_flood_leaves_the_node_serving(served):
    node, good = served
    assert_survives(node, good, lambda: flood(node.port), "after-flood")


def test_connection_flood_reports_every_connection(served):
    node, _ = served
    ports = set(flood(node.port))
    lines = node.wait_count(
        r"^error peer_disconnect_during_handshake - 127\.0\.0\.1:\d+ ",
        len(ports))
    reported = {int(re.search(r":(\d+) ", l).group(1)) for l in lines}
    assert reported == ports
