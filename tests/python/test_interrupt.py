"""Blocking calls release the GIL and give way to signal handlers."""

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

import broker
from conftest import TIMEOUT, free_port


class Interrupted(Exception):
    pass


@pytest.fixture
def alarm():
    """Raises Interrupted in the main thread 0.2 s after the test calls it."""
    def handler(signum, frame):
        raise Interrupted()

    old = signal.signal(signal.SIGALRM, handler)

    def arm():
        signal.setitimer(signal.ITIMER_REAL, 0.2)

    yield arm
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, old)


def wait_stopped(pid):
    """Waits until every thread of `pid` is stopped: kill() returns before
    a thread running on another CPU has stopped, and a master that answers
    in that moment would make the query below return."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        states = []
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                states.append(f.read().rsplit(")", 1)[1].split()[0])
        if all(st in ("T", "t") for st in states):
            return
        assert time.monotonic() < deadline, f"{pid} did not stop: {states}"
        time.sleep(0.001)


def assert_interrupted(call, arm):
    start = time.monotonic()
    arm()
    with pytest.raises(Interrupted):
        call()
    assert time.monotonic() - start < TIMEOUT


@pytest.mark.parametrize("how", ["get", "get_count", "get_long_timeout"])
def test_subscriber_get_is_interruptible(endpoints, alarm, how):
    ep = endpoints()
    with ep.make_subscriber("/nothing") as sub:
        call = {"get": sub.get, "get_count": lambda: sub.get(3),
                "get_long_timeout": lambda: sub.get(3600.0)}[how]
        assert_interrupted(call, alarm)
        # Still usable afterwards.
        assert sub.get(0.0) is None


def test_status_get_is_interruptible(endpoints, alarm):
    ep = endpoints()
    with ep.make_status_subscriber(True) as ss:
        assert_interrupted(ss.get, alarm)


def test_peer_with_retry_is_interruptible(endpoints, alarm):
    ep = endpoints()
    # Retrying forever against a closed port; shutdown() ends the attempt.
    assert_interrupted(lambda: ep.peer("127.0.0.1", free_port(), 1.0), alarm)


def test_store_query_is_interruptible(endpoints, alarm):
    # A master in a child process that we stop: put_unique through the clone
    # then waits for an answer that does not come (for up to 10 s).
    script = (
        "import broker, sys\n"
        "with broker.Endpoint() as ep:\n"
        "    port = ep.listen('127.0.0.1', 0)\n"
        "    m = ep.attach_master('frozen')\n"
        "    print(port, flush=True)\n"
        "    sys.stdin.read()\n")
    child = subprocess.Popen([sys.executable, "-c", script],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             text=True, env=dict(os.environ))
    try:
        port = int(child.stdout.readline())
        ep = endpoints()
        assert ep.peer("127.0.0.1", port, 1.0)
        c = ep.attach_clone("frozen")
        deadline = time.monotonic() + TIMEOUT
        while c.keys() is None:  # stale until synchronised
            assert time.monotonic() < deadline, "clone never synchronised"
            time.sleep(0.01)
        child.send_signal(signal.SIGSTOP)
        wait_stopped(child.pid)
        start = time.monotonic()
        alarm()
        with pytest.raises(Interrupted):
            c.put_unique("k", 1)
        # Well before the query's own timeout (10 s): it did not just run out.
        assert time.monotonic() - start < 5.0
        child.send_signal(signal.SIGCONT)
        assert c.put_unique("k2", 1) is True
    finally:
        child.send_signal(signal.SIGCONT)
        child.stdin.close()
        try:
            child.wait(TIMEOUT)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()


def test_other_threads_run_while_get_blocks(endpoints):
    a, b = endpoints(), endpoints()
    sub = a.make_subscriber("/t")
    port = a.listen("127.0.0.1", 0)
    assert b.peer("127.0.0.1", port, 1.0)
    # The publishing thread needs the GIL while the main thread waits in get().
    worker = threading.Thread(target=lambda: b.publish("/t", "from thread"))
    worker.start()
    assert sub.get(TIMEOUT) == ("/t", "from thread")
    worker.join()


def test_reset_from_another_thread_ends_a_waiting_get(endpoints):
    ep = endpoints()
    sub = ep.make_subscriber("/t")
    started = threading.Event()

    def reset_later():
        started.wait()
        sub.reset()

    worker = threading.Thread(target=reset_later)
    worker.start()
    started.set()
    with pytest.raises(ValueError, match="reset"):
        sub.get()
    worker.join()


def test_sigint_raises_keyboard_interrupt_in_blocking_get():
    script = (
        "import broker, sys\n"
        "ep = broker.Endpoint()\n"
        "sub = ep.make_subscriber('/nothing')\n"
        "try:\n"
        "    print('ready', flush=True)\n"
        "    sub.get()\n"
        "except KeyboardInterrupt:\n"
        "    print('interrupted', flush=True)\n"
        "    ep.shutdown()\n"
        "    sys.exit(3)\n")
    child = subprocess.Popen([sys.executable, "-c", script],
                             stdout=subprocess.PIPE, text=True,
                             env=dict(os.environ))
    try:
        assert child.stdout.readline().strip() == "ready"
        child.send_signal(signal.SIGINT)
        assert child.wait(TIMEOUT) == 3
        assert child.stdout.read().strip() == "interrupted"
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
