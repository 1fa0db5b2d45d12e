"""Fixtures for the multi-process system tests: broker-node processes over
loopback, driven through stdin and observed through their stdout lines
(tools/node/README.md). Every wait has a deadline; no test sleeps to
synchronise."""

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest

# The independent raw v1 peer (tests/zeekwire/README.md): `import zeekwire`.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                os.pardir, "zeekwire"))

NODE = os.environ.get("BROKER_NODE")

# Deadline for one expected line. Generous: the machine may be loaded.
TIMEOUT = 15.0

# Short liveness settings (docs/configuration.md): a handshake timeout and
# heartbeats. The tests that need them allow LIVENESS_DEADLINE.
LIVENESS_ARGS = [
    "--broker.handshake-timeout=2",
    "--broker.heartbeat-interval=1",
    "--broker.peer-timeout=3",
]

# The tests that speak the wire protocol from a raw socket need plain TCP
# (endpoints use TLS by default).
PLAIN_ARGS = ["--broker.disable_ssl=true"]
LIVENESS_DEADLINE = 20.0


def pytest_configure(config):
    if not NODE or not os.access(NODE, os.X_OK):
        raise pytest.UsageError(
            "set BROKER_NODE to the broker-node executable "
            "(ctest does; see tests/system/README.md)")


class Node:
    """One broker-node process. A reader thread collects its stdout lines;
    expect() waits for the next matching line after the last one it
    returned."""

    def __init__(self, name, args):
        self.name = name
        self.args = [NODE, "-N", name] + args
        self.proc = subprocess.Popen(
            self.args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, bufsize=1)
        self.lines = []
        self._cursor = 0
        self._cond = threading.Condition()
        self._eof = False
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.port = None
        self._id = None

    @property
    def node_id(self):
        """The endpoint's id, from the node's first line."""
        if self._id is None:
            self._id = self.wait_count(r"^node ", 1)[0].split()[2]
        return self._id

    def _read(self):
        for line in self.proc.stdout:
            with self._cond:
                self.lines.append(line.rstrip("\n"))
                self._cond.notify_all()
        with self._cond:
            self._eof = True
            self._cond.notify_all()

    @property
    def pid(self):
        return self.proc.pid

    def expect(self, pattern, timeout=TIMEOUT):
        """The match of the next line (after the previous expect) that
        matches `pattern`; fails after `timeout` seconds."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                while self._cursor < len(self.lines):
                    line = self.lines[self._cursor]
                    self._cursor += 1
                    m = regex.search(line)
                    if m:
                        return m
                left = deadline - time.monotonic()
                if self._eof or left <= 0:
                    raise AssertionError(
                        f"{self.name}: no line matching {pattern!r} within "
                        f"{timeout}s (exited: {self._eof}); output:\n"
                        + "\n".join(self.lines))
                self._cond.wait(left)

    def matching(self, pattern):
        """Every line so far that matches `pattern`."""
        regex = re.compile(pattern)
        with self._cond:
            return [l for l in self.lines if regex.search(l)]

    def wait_count(self, pattern, n, timeout=TIMEOUT):
        """Waits until at least `n` lines match `pattern`; returns them."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [l for l in self.lines if regex.search(l)]
                left = deadline - time.monotonic()
                if len(found) >= n or self._eof or left <= 0:
                    break
                self._cond.wait(left)
        assert len(found) >= n, (
            f"{self.name}: {len(found)} of {n} lines matching {pattern!r}")
        return found

    def messages(self):
        """(topic, data) of every `message` line so far."""
        return [tuple(l.split(" ", 2)[1:])
                for l in self.matching(r"^message ")]

    def send(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def signal(self, sig):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)

    def kill(self):
        self.signal(signal.SIGCONT)
        self.signal(signal.SIGKILL)
        self.proc.wait(timeout=TIMEOUT)

    def stop(self):
        """SIGTERM, then the exit status (SIGKILL if it hangs)."""
        self.signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"{self.name} ignored SIGTERM")

    def open_fds(self):
        return len(os.listdir(f"/proc/{self.pid}/fd"))

    def rss_kib(self):
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return -1


class Cluster:
    """Starts nodes and always kills them at the end of the test."""

    def __init__(self):
        self.nodes = []

    def start(self, name, mode, topics, listen=None, peers=(), retry=1,
              extra=()):
        """A node; with `listen` (a port, 0 for any) waits until it
        listens and records its port."""
        args = ["-m", mode, "-r", str(retry)]
        for t in topics:
            args += ["-t", t]
        if listen is not None:
            args += ["-l", str(listen)]
        for p in peers:
            args += ["-p", f"127.0.0.1:{p}"]
        node = Node(name, args + list(extra))
        self.nodes.append(node)
        if listen is not None:
            node.port = int(node.expect(r"^listening (\d+)$").group(1))
        return node

    def shutdown(self):
        for node in self.nodes:
            node.kill()
        for node in self.nodes:
            print(f"--- {node.name}: {' '.join(node.args[1:])}")
            print("\n".join(node.lines))


@pytest.fixture
def cluster():
    c = Cluster()
    yield c
    c.shutdown()


def eventually(predicate, timeout=TIMEOUT, what="condition"):
    """Polls `predicate` until it holds; fails after `timeout` seconds. For
    state that no output line announces (e.g. a process's open fds)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not hold within {timeout}s")
        time.sleep(0.05)


def unused_port():
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def peered(*pairs):
    """Waits until both nodes of every (a, b) pair report peer_added for
    each other, in whatever order the lines come."""
    for a, b in pairs:
        a.wait_count(rf"^status peer_added {re.escape(b.node_id)} ", 1)
        b.wait_count(rf"^status peer_added {re.escape(a.node_id)} ", 1)
