"""broker-pipe as processes (tools/pipe/README.md): stdin lines published
over a real peering arrive in order on the subscriber's stdout, in both
directions of the peering and with every -i implementation; the message
cap, the rate limit and -r; failures and usage errors give the documented
exit codes and messages."""

import re
import signal

import pytest

from conftest import PLAIN_ARGS, TIMEOUT, unused_port
from toolproc import PIPE, Procs, run

LISTENING = r"^broker-pipe: listening on .*:(\d+)$"


@pytest.fixture
def procs():
    p = Procs()
    yield p
    p.shutdown()


def subscriber(procs, *extra, topic="/t"):
    """A subscribing pipe that listens on a free loopback port."""
    sub = procs.start([PIPE, "-m", "subscribe", "-t", topic, "-l", "0",
                       "--local-address", "127.0.0.1", *extra])
    port = int(sub.expect(sub.err, LISTENING).group(1))
    return sub, port


def publisher(procs, port, lines, *extra, topic="/t"):
    text = "".join(line + "\n" for line in lines)
    return procs.start([PIPE, "-m", "publish", "-t", topic,
                        "-p", f"127.0.0.1:{port}", *extra], stdin_text=text)


@pytest.mark.parametrize("sub_impl,pub_impl", [
    ("blocking", "blocking"), ("select", "select"), ("stream", "stream"),
    ("select", "stream"), ("stream", "blocking")])
def test_lines_arrive_in_order(procs, sub_impl, pub_impl):
    lines = [f"line {i} with some text" for i in range(5000)]
    sub, port = subscriber(procs, "-i", sub_impl, "-c", len(lines))
    pub = publisher(procs, port, lines, "-i", pub_impl)
    assert pub.wait() == 0
    assert sub.wait() == 0
    assert sub.out.lines == lines
    pub.expect(pub.err, rf"^broker-pipe: published {len(lines)} messages, ")
    sub.expect(sub.err,
               rf"^broker-pipe: received {len(lines)} messages, .* 0 dropped$")


def test_publisher_listens_and_subscriber_dials(procs):
    lines = ["alpha", "beta", "gamma"]
    pub = procs.start([PIPE, "-m", "publish", "-t", "/t/x", "-l", "0",
                       "--local-address", "127.0.0.1"])
    port = int(pub.expect(pub.err, LISTENING).group(1))
    sub = procs.start([PIPE, "-m", "subscribe", "-t", "/t",
                       "-p", f"tcp://127.0.0.1:{port}", "-c", "3",
                       "-f", "topic"])
    pub.feed("".join(line + "\n" for line in lines), close=True)
    assert pub.wait() == 0
    assert sub.wait() == 0
    assert sub.out.lines == [f"/t/x {line}" for line in lines]


def test_tuple_format(procs):
    sub, port = subscriber(procs, "-c", "1", "-f", "tuple")
    publisher(procs, port, ["hello"])
    assert sub.wait() == 0
    assert sub.out.lines == ["(/t, hello)"]


def test_publisher_cap(procs):
    """-c 5 publishes the first five lines only: the subscriber's sixth
    message is the sentinel a second publisher sends afterwards."""
    sub, port = subscriber(procs, "-c", "6")
    first = publisher(procs, port, [str(i) for i in range(20)], "-c", "5")
    assert first.wait() == 0
    first.expect(first.err, r"^broker-pipe: published 5 messages, ")
    second = publisher(procs, port, ["END"])
    assert second.wait() == 0
    assert sub.wait() == 0
    assert sub.out.lines == ["0", "1", "2", "3", "4", "END"]


def test_subscriber_cap(procs):
    sub, port = subscriber(procs, "-c", "3")
    pub = publisher(procs, port, [str(i) for i in range(10)])
    assert sub.wait() == 0
    assert sub.out.lines == ["0", "1", "2"]
    pub.wait()


def test_rate_limit(procs):
    """--rate-limit 40: message n leaves n/40 s after the first, so 21
    messages take at least half a second."""
    n = 21
    sub, port = subscriber(procs, "-c", n)
    pub = publisher(procs, port, [str(i) for i in range(n)],
                    "--rate-limit", "40")
    assert pub.wait() == 0
    assert sub.wait() == 0
    assert sub.out.lines == [str(i) for i in range(n)]
    spread = sub.out.times[-1] - sub.out.times[0]
    assert 0.45 <= spread < TIMEOUT


def test_rate_printing(procs):
    """-r prints one count per second on stdout instead of the messages."""
    n = 60
    sub, port = subscriber(procs, "-r", "-c", n)
    pub = publisher(procs, port, [f"m{i}" for i in range(n)],
                    "--rate-limit", "40")
    assert pub.wait() == 0
    assert sub.wait() == 0
    counts = [int(line) for line in sub.out.lines]
    assert counts, sub.dump()
    assert all(re.fullmatch(r"\d+", line) for line in sub.out.lines)
    assert 0 < sum(counts) <= n


def test_library_settings_reach_the_endpoint(procs):
    """--broker.disable_ssl=true on one side only: TLS against plain TCP,
    so the publisher finds no subscriber; on both sides it works."""
    sub, port = subscriber(procs, "-c", "1", *PLAIN_ARGS)
    rc, _, err = run([PIPE, "-m", "publish", "-t", "/t", "-p",
                      f"127.0.0.1:{port}", "--ready-timeout", "2"], "x\n")
    assert rc == 1
    assert "broker-pipe: error: no peer subscribed to /t within" in err
    rc, _, err = run([PIPE, "-m", "publish", "-t", "/t", "-p",
                      f"127.0.0.1:{port}", *PLAIN_ARGS], "x\n")
    assert rc == 0, err
    assert sub.wait() == 0
    assert sub.out.lines == ["x"]


def test_no_subscriber_is_a_failure():
    rc, out, err = run([PIPE, "-m", "publish", "-t", "/t",
                        "--ready-timeout", "0.3"], "x\n")
    assert rc == 1
    assert out == ""
    # The library's own log lines (docs/logging.md) may come first.
    assert ("broker-pipe: error: no peer subscribed to /t within 0.3 s"
            in err.splitlines())


def test_unreachable_peer_without_retry_fails():
    rc, _, err = run([PIPE, "-m", "subscribe", "-t", "/t", "--retry", "0",
                      "-p", f"127.0.0.1:{unused_port()}"])
    assert rc == 1
    assert re.search(r"^broker-pipe: error: peer_unavailable ", err, re.M)


def test_sigterm_ends_a_subscriber_with_status_0(procs):
    sub, port = subscriber(procs)
    publisher(procs, port, ["one"]).wait()
    sub.wait_lines(1)
    assert sub.stop(signal.SIGTERM) == 0
    sub.expect(sub.err, r"^broker-pipe: received 1 messages, ")


def test_bad_library_setting_is_a_usage_error():
    rc, out, err = run([PIPE, "-m", "subscribe", "-t", "/t",
                        "--broker.ttl=0"])
    assert rc == 2 and out == ""
    first = err.splitlines()[0]
    assert first.startswith("broker-pipe: usage error: configuration: ")
    assert "broker.ttl" in first


def test_unknown_library_setting_is_passed_on_with_a_warning(procs):
    """The configuration keeps an unknown key and warns; the pipe runs."""
    sub, port = subscriber(procs, "-c", "1", "--broker.no-such-key=1")
    assert any("no-such-key" in line for line in sub.err.lines)
    publisher(procs, port, ["x"]).wait()
    assert sub.wait() == 0


def test_library_help():
    rc, out, err = run([PIPE, "--library-help"])
    assert rc == 0 and err == ""
    for key in ("broker.ttl", "broker.disable_ssl", "broker.peer-buffer-size"):
        assert key in out


def test_help():
    rc, out, err = run([PIPE, "--help"])
    assert rc == 0 and err == ""
    for flag in ("--mode", "--topic", "--peers", "--local-port", "--impl",
                 "--message-cap", "--rate", "--rate-limit", "--config-file",
                 "--library-help"):
        assert flag in out
    assert "Exit status: 0" in out


@pytest.mark.parametrize("args,message", [
    (["-t", "/t"], "--mode is required"),
    (["-m", "publish"], "--topic is required"),
    (["-m", "both", "-t", "/t"], "--mode: both not in {publish,subscribe}"),
    (["-m", "publish", "-t", "/t", "--bogus"],
     "The following argument was not expected: --bogus"),
    (["-m", "publish", "-t", "/t", "-p", "nowhere"],
     "bad peer address: nowhere"),
    (["-m", "publish", "-t", "/t", "-l", "99999"], "bad port: 99999"),
    (["-m", "publish", "-t", "/t", "-i", "fast"], "--impl: fast not in"),
])
def test_usage_errors(args, message):
    rc, out, err = run([PIPE, *args])
    assert rc == 2
    assert out == ""
    first = err.splitlines()[0]
    assert first.startswith("broker-pipe: usage error: ")
    assert message in first
    assert err.splitlines()[1] == "Run 'broker-pipe --help' for the flags."


def test_progress_line_only_on_a_terminal(procs):
    """With stderr on a pseudo-terminal the subscriber redraws a progress
    line (carriage return, text, erase to the end of the line); with stderr
    on a pipe (every other test) there is none."""
    import os
    import pty
    import subprocess
    import threading
    import time

    master, slave = pty.openpty()
    sub = subprocess.Popen(
        [PIPE, "-m", "subscribe", "-t", "/t", "-l", "0", "--local-address",
         "127.0.0.1", "-c", "30"], stdout=subprocess.PIPE, stderr=slave,
        stdin=subprocess.DEVNULL, text=True)
    os.close(slave)
    chunks = []

    def read_terminal():
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:  # EIO: the other end is gone
                return
            if not data:
                return
            chunks.append(data.decode(errors="replace"))

    reader = threading.Thread(target=read_terminal, daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + TIMEOUT
        port = None
        while port is None and time.monotonic() < deadline:
            m = re.search(r"listening on .*:(\d+)", "".join(chunks))
            port = int(m.group(1)) if m else None
            time.sleep(0.02)
        assert port, "".join(chunks)
        pub = publisher(procs, port, [str(i) for i in range(30)],
                        "--rate-limit", "30")
        assert pub.wait() == 0
        assert sub.wait(timeout=TIMEOUT) == 0
        reader.join(TIMEOUT)
    finally:
        if sub.poll() is None:
            sub.kill()
        os.close(master)
    text = "".join(chunks)
    assert re.search(r"\rbroker-pipe: received \d+ messages \(", text), text
    assert "\x1b[K" in text
    assert "broker-pipe: received 30 messages, " in text
    # The publisher's stderr is a pipe: no progress line there, only the
    # summary (translated newlines would split a redrawn line into more).
    own = [l for l in pub.err.lines if l.startswith("broker-pipe: ")]
    assert len(own) == 1, pub.err.lines
    assert own[0].startswith("broker-pipe: published 30 messages")
