"""The log as the manual's troubleshooting section uses it (§2.1.4,
docs/logging.md): BROKER_CONSOLE_VERBOSITY=info makes broker-node print its
connections, handshakes and peerings on stderr; by default stderr stays
free of them; a bad name stops the node with a message naming it."""

import os
import re
import subprocess
import threading
import time

from conftest import NODE, PLAIN_ARGS, TIMEOUT

INFO = r"^\[broker/info\] \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3} \[[0-9a-f]{8}\] "


class LoggedNode:
    """A broker-node whose stdout and stderr are read apart."""

    def __init__(self, name, args, verbosity=None):
        env = dict(os.environ)
        env.pop("BROKER_CONSOLE_VERBOSITY", None)
        env.pop("BROKER_FILE_VERBOSITY", None)
        if verbosity is not None:
            env["BROKER_CONSOLE_VERBOSITY"] = verbosity
        self.name = name
        self.proc = subprocess.Popen(
            [NODE, "-N", name] + PLAIN_ARGS + args, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, bufsize=1)
        self.out, self.err = [], []
        self._cond = threading.Condition()
        self._open = 2
        for stream, lines in ((self.proc.stdout, self.out),
                              (self.proc.stderr, self.err)):
            threading.Thread(target=self._read, args=(stream, lines),
                             daemon=True).start()

    def _read(self, stream, lines):
        for line in stream:
            with self._cond:
                lines.append(line.rstrip("\n"))
                self._cond.notify_all()
        with self._cond:
            self._open -= 1
            self._cond.notify_all()

    def wait_for(self, lines, pattern, timeout=TIMEOUT):
        """The first line of `lines` (self.out or self.err) that matches."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for line in lines:
                    m = regex.search(line)
                    if m:
                        return m
                left = deadline - time.monotonic()
                if left <= 0 or self._open == 0:
                    raise AssertionError(
                        f"{self.name}: no line matching {pattern!r}; "
                        f"stdout:\n" + "\n".join(self.out)
                        + "\nstderr:\n" + "\n".join(self.err))
                self._cond.wait(left)

    def finish(self):
        """SIGTERM; returns the exit status once both streams are read to
        their end."""
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            status = self.proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise AssertionError(f"{self.name} ignored SIGTERM")
        with self._cond:
            self._cond.wait_for(lambda: self._open == 0, timeout=TIMEOUT)
        return status


def node_id(node):
    return node.wait_for(node.out, r"^node \S+ (\S+)").group(1)


def run_pair(verbosity):
    """A listens, B peers with it; returns both once peered."""
    a = LoggedNode("a", ["-t", "/log", "-m", "subscribe", "-l", "0"],
                   verbosity)
    port = int(a.wait_for(a.out, r"^listening (\d+)$").group(1))
    b = LoggedNode("b", ["-t", "/log", "-m", "subscribe", "-r", "0",
                         "-p", f"127.0.0.1:{port}"], verbosity)
    a.wait_for(a.out, r"^status peer_added ")
    b.wait_for(b.out, r"^status peer_added ")
    return a, b, port


def test_info_shows_connections_and_handshakes_on_stderr():
    a, b, port = run_pair("info")
    try:
        id_a, id_b = node_id(a), node_id(b)
        addr = re.escape(f"127.0.0.1:{port}")
        a.wait_for(a.err, INFO + rf"listening on 127\.0\.0\.1:{port} "
                                 r"\(plain TCP\)$")
        a.wait_for(a.err, INFO + r"accepted a connection from 127\.0\.0\.1:")
        a.wait_for(a.err, INFO + r"handshake with 127\.0\.0\.1:\d+ done: "
                                 rf"peer id {id_b} \(it dialled\)$")
        a.wait_for(a.err, INFO + rf"peered with {id_b} at 127\.0\.0\.1:\d+")
        b.wait_for(b.err, INFO + rf"dialling {addr}$")
        b.wait_for(b.err, INFO + rf"connected to {addr}$")
        b.wait_for(b.err, INFO + rf"handshake with {addr} done: "
                                 rf"peer id {id_a} \(we dialled\)$")
        b.wait_for(b.err, INFO + rf"peered with {id_a} at {addr} over "
                                 r"compact frames")
        # The end of a peering, with the reason.
        b.finish()
        a.wait_for(a.err, INFO + rf"peering with {id_b} at 127\.0\.0\.1:\d+ "
                                 r"ended: \S.*$")
        # Log lines go to stderr only: stdout keeps the node's own lines.
        assert not [l for l in a.out + b.out if l.startswith("[broker/")]
    finally:
        a.finish()
        b.finish()


def test_default_keeps_stderr_free_of_info():
    a, b, _ = run_pair(None)
    # Peered: the lines of the handshake would have been written already;
    # finish() reads stderr to its end.
    a.finish()
    b.finish()
    assert not [l for l in a.err + b.err if "[broker/info]" in l], a.err + b.err


def test_bad_verbosity_stops_the_node_with_its_name():
    node = LoggedNode("bad", ["-t", "/log", "-m", "subscribe"], "loud")
    node.proc.wait(timeout=TIMEOUT)
    assert node.finish() != 0
    node.wait_for(node.err, r"BROKER_CONSOLE_VERBOSITY: invalid value for "
                            r"caf\.logger\.console\.verbosity: 'loud' "
                            r"\(expected one of quiet, error, warning, info, "
                            r"debug or trace\)")
