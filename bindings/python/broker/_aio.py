"""asyncio support: awaiting subscribers and store queries on the running
event loop through their descriptors (a subscriber's fd, a store proxy's
mailbox fd), with no thread per call and no polling.

A reader's descriptor is readable while items are pending. An awaiting task
takes an item only after the loop reported the descriptor readable, without
an ``await`` between taking and returning it: a task cancelled while it
waits has taken nothing, so cancelling loses no message."""

import asyncio

from . import _broker

# The blocking store queries give up after 10 s (timeout::frontend); the
# awaitable ones do the same unless told otherwise.
_STORE_TIMEOUT = 10.0


class _Readiness:
    """The tasks of one event loop waiting for one descriptor. asyncio allows
    one reader callback per descriptor, so concurrent waiters share it; the
    first readiness wakes them all and unregisters the callback."""

    def __init__(self, loop, fd):
        self._loop = loop
        self._fd = fd
        self._futures = []

    def wait(self):
        fut = self._loop.create_future()
        if not self._futures:
            self._loop.add_reader(self._fd, self._wake)
        self._futures.append(fut)
        return fut

    def _wake(self):
        self._loop.remove_reader(self._fd)
        futures, self._futures = self._futures, []
        for fut in futures:
            if not fut.done():
                fut.set_result(None)

    def forget(self, fut):
        """A waiter that gave up (timeout, cancellation)."""
        if fut in self._futures:
            self._futures.remove(fut)
            if not self._futures:
                self._loop.remove_reader(self._fd)


def _shared_readiness(owner, loop, fd):
    """The one _Readiness of reader `owner` on `loop`."""
    table = owner.__dict__.setdefault("_aio_readiness", {})
    for old in [x for x in table if x.is_closed()]:
        del table[old]  # an earlier asyncio.run()'s loop
    entry = table.get(loop)
    if entry is None:
        entry = table[loop] = _Readiness(loop, fd)
    return entry


async def _until_readable(readiness, loop, deadline):
    """False once `deadline` (loop time, or None) passed first."""
    remaining = None if deadline is None else deadline - loop.time()
    if remaining is not None and remaining <= 0:
        return False
    fut = readiness.wait()
    try:
        await asyncio.wait_for(asyncio.shield(fut), remaining)
        return True
    except asyncio.TimeoutError:
        return False
    finally:
        readiness.forget(fut)


class AsyncReader:
    """``await reader.get_async(timeout=None)`` and ``async for item in
    reader`` for Subscriber, SafeSubscriber and StatusSubscriber."""

    async def get_async(self, timeout=None):
        """The next item, as get() returns it; None once `timeout` seconds
        (float or timedelta) passed without one."""
        loop = asyncio.get_running_loop()
        deadline = None
        if timeout is not None:
            deadline = loop.time() + _timeout_seconds(timeout)
        while True:
            item = self._impl.get_timeout(0.0)
            if item is not None:
                return item
            readiness = _shared_readiness(self, loop, self._impl.fd())
            if not await _until_readable(readiness, loop, deadline):
                return None

    def __aiter__(self):
        return self

    async def __anext__(self):
        try:
            return await self.get_async()
        except ValueError:  # reset(): the reader is gone
            raise StopAsyncIteration from None


class AsyncStore:
    """Awaitable store queries: each is sent at once through a proxy of its
    own and awaited on its mailbox descriptor; the answer is what the
    blocking query returns (None on any error, also after `timeout`)."""

    async def exists_async(self, key, timeout=_STORE_TIMEOUT):
        return await self._await(self._impl.start_exists(key), timeout)

    async def get_async(self, key, timeout=_STORE_TIMEOUT):
        return await self._await(self._impl.start_get(key), timeout)

    async def put_unique_async(self, key, value, expiry=None,
                               timeout=_STORE_TIMEOUT):
        pending = self._impl.start_put_unique(key, value, expiry)
        return await self._await(pending, timeout)

    async def get_index_from_value_async(self, key, index,
                                         timeout=_STORE_TIMEOUT):
        pending = self._impl.start_get_index_from_value(key, index)
        return await self._await(pending, timeout)

    async def keys_async(self, timeout=_STORE_TIMEOUT):
        return await self._await(self._impl.start_keys(), timeout)

    async def _await(self, pending, timeout):
        loop = asyncio.get_running_loop()
        deadline = None
        if timeout is not None:
            deadline = loop.time() + _timeout_seconds(timeout)
        readiness = _Readiness(loop, pending.fd())
        while not pending.ready():
            if not await _until_readable(readiness, loop, deadline):
                return None
        answer = pending.result()
        return None if isinstance(answer, _broker.Error) else answer


def _timeout_seconds(x):
    if hasattr(x, "total_seconds"):
        return x.total_seconds()
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise TypeError("a timeout must be seconds or a timedelta, not "
                        + type(x).__name__)
    return float(x)
