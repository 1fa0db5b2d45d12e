"""Relaying along a chain A-B-C-D of TCP-peered endpoints (docs/architecture.md,
"Routing").

"Not delivered" is shown without waiting for a timeout: after the message
that must not arrive, the node before the receiver publishes a marker on the
same connection. Relaying happens when a node receives a message, so once
that node's own subscriber has the message (or a later one) anything it
relayed is already queued ahead of the marker; the marker arriving first
proves nothing was relayed."""

import broker
from conftest import TIMEOUT, make_chain


def chain(endpoints, cfgs=(None, None, None, None)):
    return [endpoints(cfg) for cfg in cfgs]


def no_forward_config():
    opts = broker.BrokerOptions()
    opts.forward = False
    return broker.Configuration(opts)


def ttl_config(ttl):
    opts = broker.BrokerOptions()
    opts.ttl = ttl
    return broker.Configuration(opts)


def test_relay_through_subscriptions(endpoints):
    a, b, c, d = chain(endpoints)
    subs = [ep.make_subscriber("/test") for ep in (b, c, d)]
    make_chain([a, b, c, d])
    a.publish("/test/x", "hello")
    for sub in subs:
        assert sub.get(TIMEOUT) == ("/test/x", "hello")


def test_relay_through_forward(endpoints):
    a, b, c, d = chain(endpoints)
    b.forward("/test")
    c.forward(["/test"])
    sub = d.make_subscriber("/test")
    make_chain([a, b, c, d])
    a.publish("/test/x", 1)
    assert sub.get(TIMEOUT) == ("/test/x", 1)


def test_forward_false_stops_relaying(endpoints):
    a, b, c = chain(endpoints, (None, no_forward_config(), None))
    sub_b = b.make_subscriber("/test")
    sub_c = c.make_subscriber("/test")
    make_chain([a, b, c])
    a.publish("/test/blocked", 1)
    assert sub_b.get(TIMEOUT) == ("/test/blocked", 1)  # local delivery stays
    b.publish("/test/marker", 2)
    assert sub_c.get(TIMEOUT) == ("/test/marker", 2)
    assert sub_c.poll() == []


def test_nothing_relayed_without_interest(endpoints):
    a, b, c = chain(endpoints, (None, None, None))
    sync_b = b.make_subscriber("/sync")  # B wants /sync only
    sub_c = c.make_subscriber("/test")
    make_chain([a, b, c])
    a.publish("/test/x", 1)
    a.publish("/sync", 2)  # same connection, after /test/x
    assert sync_b.get(TIMEOUT) == ("/sync", 2)
    b.publish("/test/marker", 3)
    assert sub_c.get(TIMEOUT) == ("/test/marker", 3)


def test_ttl_limits_the_hops(endpoints):
    a, b, c, d = chain(endpoints, (ttl_config(2), None, None, None))
    sub_b, sub_c, sub_d = (ep.make_subscriber("/test") for ep in (b, c, d))
    make_chain([a, b, c, d])
    a.publish("/test/ttl", 1)
    assert sub_b.get(TIMEOUT) == ("/test/ttl", 1)
    assert sub_c.get(TIMEOUT) == ("/test/ttl", 1)
    c.publish("/test/marker", 2)
    assert sub_d.get(TIMEOUT) == ("/test/marker", 2)
    # And with the default TTL the same message goes all the way.
    b.publish("/test/far", 3)
    assert sub_d.get(TIMEOUT) == ("/test/far", 3)
