"""Processes of the command-line tools (broker-pipe, broker-benchmark, and
broker-node where a test needs its exact command line) for the tool tests:
stdout and stderr are read by threads, each line with its arrival time, and
every wait has a deadline."""

import os
import re
import signal
import subprocess
import threading
import time

from conftest import NODE, TIMEOUT

_TOOLS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(NODE or ".")))

PIPE = os.environ.get("BROKER_PIPE") or os.path.join(
    _TOOLS_DIR, "pipe", "broker-pipe")
BENCHMARK = os.environ.get("BROKER_BENCHMARK") or os.path.join(
    _TOOLS_DIR, "benchmark", "broker-benchmark")


class Stream:
    """The lines of one output stream, with their arrival times."""

    def __init__(self, pipe):
        self.lines = []
        self.times = []
        self.eof = False
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._read, args=(pipe,),
                                        daemon=True)
        self._thread.start()

    def _read(self, pipe):
        for line in pipe:
            with self._cond:
                self.lines.append(line.rstrip("\n"))
                self.times.append(time.monotonic())
                self._cond.notify_all()
        with self._cond:
            self.eof = True
            self._cond.notify_all()

    def wait_for(self, predicate, timeout):
        """Waits until predicate(lines) holds or the stream ended; returns
        whether it holds."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not predicate(self.lines):
                left = deadline - time.monotonic()
                if self.eof or left <= 0:
                    return predicate(self.lines)
                self._cond.wait(left)
            return True

    def join(self, timeout=TIMEOUT):
        self._thread.join(timeout)


class Proc:
    """One tool process; `out` and `err` are its streams."""

    def __init__(self, args, stdin_text=None):
        self.args = [str(a) for a in args]
        self.proc = subprocess.Popen(
            self.args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, bufsize=1)
        self.out = Stream(self.proc.stdout)
        self.err = Stream(self.proc.stderr)
        if stdin_text is not None:
            self.feed(stdin_text, close=True)

    def feed(self, text, close=False):
        """Writes to stdin. A process that exited early has no reader: the
        test then sees its status and output instead of a broken pipe."""
        try:
            self.proc.stdin.write(text)
            self.proc.stdin.flush()
            if close:
                self.proc.stdin.close()
        except BrokenPipeError:
            pass

    def expect(self, stream, pattern, timeout=TIMEOUT):
        """The match of the first line of `stream` matching `pattern`."""
        regex = re.compile(pattern)
        found = []

        def match(lines):
            found[:] = [m for m in map(regex.search, lines) if m][:1]
            return bool(found)

        if not stream.wait_for(match, timeout):
            raise AssertionError(
                f"no line matching {pattern!r} within {timeout}s from "
                f"{' '.join(self.args)}\n{self.dump()}")
        return found[0]

    def wait_lines(self, n, timeout=TIMEOUT):
        """Waits until stdout has at least n lines; returns them."""
        if not self.out.wait_for(lambda ls: len(ls) >= n, timeout):
            raise AssertionError(
                f"{len(self.out.lines)} of {n} lines within {timeout}s\n"
                + self.dump())
        return self.out.lines

    def wait(self, timeout=TIMEOUT):
        """The exit status; fails if the process is still running after
        `timeout` seconds. Also waits for the output readers."""
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"still running after {timeout}s: "
                                 f"{' '.join(self.args)}\n{self.dump()}")
        self.out.join()
        self.err.join()
        return rc

    def stop(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        return self.wait()

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            pass

    def dump(self):
        return ("--- stdout\n" + "\n".join(self.out.lines)
                + "\n--- stderr\n" + "\n".join(self.err.lines))


class Procs:
    """Starts tool processes and kills them all at the end of a test,
    printing their output (shown when the test fails)."""

    def __init__(self):
        self.all = []

    def start(self, args, stdin_text=None):
        p = Proc(args, stdin_text)
        self.all.append(p)
        return p

    def shutdown(self):
        for p in self.all:
            p.kill()
        for p in self.all:
            print(f"--- {' '.join(p.args)}")
            print(p.dump())


def run(args, stdin_text="", timeout=TIMEOUT):
    """Runs a short command to its end: (status, stdout, stderr)."""
    done = subprocess.run([str(a) for a in args], input=stdin_text,
                          capture_output=True, text=True, timeout=timeout)
    return done.returncode, done.stdout, done.stderr
