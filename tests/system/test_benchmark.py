"""broker-benchmark as processes (tools/benchmark/README.md): for each event
type the receiver counts exactly what the sender sent and both report the
same bytes; the batch rate paces the sender; --duration and the
receiver's --count end a run; failures and usage errors give the documented
exit codes and messages."""

import re

import pytest

from conftest import TIMEOUT, unused_port
from toolproc import BENCHMARK, Procs, run


@pytest.fixture
def procs():
    p = Procs()
    yield p
    p.shutdown()


def fields(line):
    """The key=value fields of a summary line as a dict of strings."""
    return dict(f.split("=", 1) for f in line.split()[1:])


def receiver(procs, *extra):
    recv = procs.start([BENCHMARK, "--server", "127.0.0.1:0",
                        "--stats-interval", "0.05", *extra])
    port = int(recv.expect(recv.out, r"^listening (\d+)$").group(1))
    return recv, port


def summary(proc, role):
    line = proc.expect(proc.out, rf"^{role} ").string
    return fields(line)


@pytest.mark.parametrize("event_type", [1, 2, 3])
def test_counts_match_for_each_event_type(procs, event_type):
    n = 3000
    recv, port = receiver(procs)
    send = procs.start([BENCHMARK, "-t", event_type, "-r", "0", "-s", "50",
                        "-f", "1000", "-n", n, f"127.0.0.1:{port}"])
    assert send.wait(timeout=120) == 0
    assert recv.wait() == 0
    s, r = summary(send, "sender"), summary(recv, "receiver")
    assert s["events"] == s["confirmed"] == str(n)
    assert r["events"] == r[f"event_{event_type}"] == str(n)
    assert r["other"] == r["dropped"] == "0"
    assert int(r["bytes"]) > 0 and r["bytes"] == s["bytes"]
    assert float(r["events_per_s"]) > 0


def test_batch_rate_paces_the_sender(procs):
    """-r 20 -s 5 -n 50: ten batches, the tenth 9/20 s after the first."""
    recv, port = receiver(procs)
    send = procs.start([BENCHMARK, "-r", "20", "-s", "5", "-n", "50",
                        f"127.0.0.1:{port}"])
    assert send.wait() == 0
    s = summary(send, "sender")
    assert s["batches"] == "10" and s["confirmed"] == "50"
    assert 0.4 <= float(s["send_secs"]) < TIMEOUT
    assert recv.wait() == 0


def test_batch_size_increase(procs):
    recv, port = receiver(procs)
    send = procs.start([BENCHMARK, "-r", "50", "-s", "1", "-i", "0.1",
                        "-a", "2", "-n", "200", f"127.0.0.1:{port}"])
    assert send.wait() == 0
    s = summary(send, "sender")
    assert int(s["batch_size"]) > 1
    assert s["confirmed"] == "200"
    assert recv.wait() == 0


def test_duration_ends_the_sender(procs):
    recv, port = receiver(procs)
    send = procs.start([BENCHMARK, "-r", "20", "-d", "0.5",
                        f"127.0.0.1:{port}"])
    assert send.wait() == 0
    s = summary(send, "sender")
    assert 5 <= int(s["events"]) <= 12
    assert s["confirmed"] == s["events"]
    assert recv.wait() == 0
    assert summary(recv, "receiver")["events"] == s["events"]


def test_receiver_count_ends_the_receiver(procs):
    recv, port = receiver(procs, "-n", "30")
    send = procs.start([BENCHMARK, "-r", "0", "-s", "10", "-n", "30",
                        f"127.0.0.1:{port}"])
    assert recv.wait() == 0
    assert summary(recv, "receiver")["events"] == "30"
    send.wait()


def test_sigterm_ends_the_receiver_with_status_0(procs):
    recv, _ = receiver(procs)
    assert recv.stop() == 0
    assert summary(recv, "receiver")["events"] == "0"


def test_unreachable_receiver_without_retry_fails():
    rc, out, err = run([BENCHMARK, "--retry", "0", "--ready-timeout", "30",
                        f"127.0.0.1:{unused_port()}"])
    assert rc == 1
    assert re.search(r"^broker-benchmark: error: peer_unavailable ", err, re.M)


def test_no_receiver_subscription_is_a_failure(cluster):
    """A peer that never subscribes to /benchmark/events."""
    other = cluster.start("other", "subscribe", ["/other"], listen=0)
    rc, _, err = run([BENCHMARK, "--ready-timeout", "0.5",
                      f"127.0.0.1:{other.port}"])
    assert rc == 1
    other.expect(r"^status peer_added ")
    assert ("broker-benchmark: error: the receiver did not subscribe to "
            "/benchmark/events") in err


def test_listen_failure(procs):
    recv, port = receiver(procs)
    rc, _, err = run([BENCHMARK, "--server", f"127.0.0.1:{port}"])
    assert rc == 1
    # The library logs the failure too (docs/logging.md).
    assert (f"broker-benchmark: error: cannot listen on 127.0.0.1:{port}"
            in err.splitlines())


def test_help():
    rc, out, err = run([BENCHMARK, "--help"])
    assert rc == 0 and err == ""
    for flag in ("--server", "--event-type", "--batch-rate", "--batch-size",
                 "--batch-size-increase-interval", "--max-received",
                 "--max-in-flight", "--count", "--duration"):
        assert flag in out


@pytest.mark.parametrize("args,message", [
    ([], "give either HOST[:PORT] (sender) or --server ADDR:PORT"),
    (["--server", ":1", "h:2"], "give either HOST[:PORT]"),
    (["-t", "4", "h"], "--event-type: Value 4 not in range"),
    (["-s", "0", "h"], "--batch-size"),
    (["--server", "nowhere"], "bad --server address: nowhere"),
    (["host:70000"], "bad receiver address: host:70000"),
])
def test_usage_errors(args, message):
    rc, out, err = run([BENCHMARK, *args])
    assert rc == 2 and out == ""
    first = err.splitlines()[0]
    assert first.startswith("broker-benchmark: usage error: ")
    assert message in first
