"""Upstream 2.2's SafeSubscriber and ImmutableData, and 2.3's SafeEvent:
values Python's own types cannot hold (a Zeek set of tables) decode as
hashable, read-only forms."""

import types

import pytest

import broker
from broker import Data, ImmutableData

from conftest import TIMEOUT, peer_pair

# A Zeek `set[table[string] of count]` with one element.
SET_OF_TABLES = broker.Set([broker.Table({"a": broker.Count(1)})])


def test_immutable_data_converts_sets_of_tables():
    with pytest.raises(TypeError):
        Data.to_py(Data(SET_OF_TABLES))
    x = ImmutableData.to_py(Data(SET_OF_TABLES))
    assert isinstance(x, frozenset) and len(x) == 1
    (table,) = x
    assert isinstance(table, ImmutableData.HashableReadOnlyDict)
    assert table == {"a": broker.Count(1)} and hash(table) == hash(table)
    with pytest.raises(TypeError):
        table["b"] = 2
    with pytest.raises(TypeError):
        table.update(b=2)
    with pytest.raises(TypeError):
        del table["a"]
    # Vectors are tuples and nested sets frozensets at every level.
    nested = ImmutableData.to_py(Data(([{1}], {"k": {2}})))
    assert nested == ((frozenset({1}),), {"k": frozenset({2})})
    assert isinstance(nested[1]["k"], frozenset)
    assert isinstance(ImmutableData(1), Data)


def test_mapping_proxy_converts_as_a_table():
    proxy = types.MappingProxyType({"a": 1, "b": (2,)})
    assert Data.to_py(Data(proxy)) == {"a": 1, "b": (2,)}
    assert Data(proxy) == Data({"a": 1, "b": (2,)})


def test_safe_subscriber_decodes_a_set_of_tables(endpoints):
    a, b = endpoints(), endpoints()
    with a.make_safe_subscriber("/safe") as safe, \
            a.make_subscriber("/safe") as plain, \
            a.make_subscriber("/safe", subscriber_class=broker.SafeSubscriber) \
            as chosen:
        assert isinstance(safe, broker.SafeSubscriber)
        assert isinstance(chosen, broker.SafeSubscriber)
        assert type(plain) is broker.Subscriber
        peer_pair(a, b)
        b.publish("/safe", SET_OF_TABLES)
        for sub in (safe, chosen):
            topic, value = sub.get(TIMEOUT)
            assert topic == "/safe"
            assert value == frozenset({ImmutableData.HashableReadOnlyDict(
                {"a": broker.Count(1)})})
        with pytest.raises(TypeError):
            plain.get(TIMEOUT)  # as upstream's Subscriber


def test_subscriber_class_gets_the_extension_object(endpoints):
    class Mine(broker.Subscriber):
        def __init__(self, internal):
            super().__init__(internal)
            self.made = True

    ep = endpoints()
    with ep.make_subscriber("/x", subscriber_class=Mine) as sub:
        assert sub.made and sub.available() == 0


def test_safe_event_args_are_immutable():
    ev = broker.zeek.SafeEvent("e", SET_OF_TABLES, [1])
    (tables, vec) = ev.args()
    assert isinstance(tables, frozenset) and vec == (1,)
    with pytest.raises(TypeError):
        broker.zeek.Event("e", SET_OF_TABLES).args()
    received = broker.zeek.SafeEvent(ImmutableData.to_py(ev.as_data()))
    assert received.valid() and received.args() == [tables, (1,)]
