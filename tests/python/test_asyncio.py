"""asyncio: get_async and async for on subscribers, awaitable store
queries; concurrent tasks, timeouts, cancellation, no helper threads."""

import asyncio
import threading

import broker
from conftest import TIMEOUT, peer_pair


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, TIMEOUT * 2))


def pair(endpoints, topic="/t"):
    """A publishing endpoint and a subscriber (on another endpoint) of it."""
    recv, send = endpoints(), endpoints()
    sub = recv.make_subscriber(topic)
    peer_pair(recv, send)
    return send, sub


def test_get_async_returns_what_get_returns(endpoints):
    send, sub = pair(endpoints)
    send.publish("/t/a", 1)
    send.publish("/t/b", ("x", broker.Count(2)))
    assert sub.get(TIMEOUT) == ("/t/a", 1)

    async def main():
        return await sub.get_async()

    assert run(main()) == ("/t/b", ("x", broker.Count(2)))


def test_get_async_times_out_with_none(endpoints):
    _, sub = pair(endpoints)

    async def main():
        return await sub.get_async(timeout=0.05)

    assert run(main()) is None


def test_concurrent_tasks_share_the_messages_without_loss(endpoints):
    send, sub = pair(endpoints)
    n = 200

    async def consume(got):
        async for topic, value in sub:
            got.append(value)
            if value == n - 1:
                return

    async def main():
        threads = threading.active_count()
        got = [[] for _ in range(4)]
        tasks = [asyncio.create_task(consume(g)) for g in got]
        await asyncio.sleep(0)  # every task is waiting now
        for i in range(n):
            send.publish("/t", i)
        # The task that sees the last one ends; the others wait on.
        done, pending = await asyncio.wait(
            tasks, return_when=asyncio.FIRST_COMPLETED)
        for t in pending:
            t.cancel()
        assert threading.active_count() == threads  # no thread per call
        return got

    got = run(main())
    values = sorted(v for g in got for v in g)
    assert values == list(range(n))


def test_cancelling_a_waiting_get_async_loses_nothing(endpoints):
    send, sub = pair(endpoints)

    async def main():
        waiting = [asyncio.create_task(sub.get_async()) for _ in range(3)]
        await asyncio.sleep(0)
        for t in waiting:
            t.cancel()
        await asyncio.gather(*waiting, return_exceptions=True)
        send.publish("/t", "after")
        return await sub.get_async(TIMEOUT)

    assert run(main()) == ("/t", "after")


def test_async_for_ends_after_reset(endpoints):
    _, sub = pair(endpoints)
    sub.reset()

    async def main():
        return [x async for x in sub]

    assert run(main()) == []


def test_status_subscriber_get_async(endpoints):
    a, b = endpoints(), endpoints()
    ss = a.make_status_subscriber(True)

    async def main():
        waiter = asyncio.create_task(ss.get_async())
        await asyncio.sleep(0)
        port = a.listen("127.0.0.1", 0)
        assert b.peer("127.0.0.1", port, 1.0)
        return await waiter

    st = run(main())
    assert isinstance(st, broker.Status)
    assert st.code() == broker.SC.PeerAdded


def test_awaitable_store_queries(endpoints):
    ep = endpoints()
    m = ep.attach_master("aio", broker.Backend.Memory)
    m.put("k", "v")
    m.put("v", (1, 2, 3))

    async def main():
        gets = [m.get_async("k") for _ in range(10)]
        return (await asyncio.gather(*gets), await m.exists_async("k"),
                await m.exists_async("nope"), await m.keys_async(),
                await m.get_index_from_value_async("v", broker.Count(1)),
                await m.put_unique_async("u", 1),
                await m.put_unique_async("u", 2),
                await m.get_async("missing"))

    got = run(main())
    assert got == (["v"] * 10, True, False, {"k", "v"}, 2, True, False, None)


def test_awaited_clone_query_waits_for_the_master(endpoints):
    ep0, ep1 = endpoints(), endpoints()
    m = ep0.attach_master("aio", broker.Backend.Memory)
    m.put("k", 42)
    c = ep1.attach_clone("aio")

    async def main():
        query = asyncio.create_task(c.get_async("k"))
        await asyncio.sleep(0)
        assert not query.done()
        # Peering blocks this thread briefly; the query stays in flight.
        peer_pair(ep0, ep1)
        return await query

    assert run(main()) == 42
