"""Python <-> Broker conversions (manual section 2.5.4)."""

import datetime
import ipaddress
import sys

import pytest

import broker
from broker import Data

UTC = datetime.timezone.utc


def roundtrip(x):
    return Data.to_py(Data(x))


def broker_type(x):
    return Data(x).get_type()


@pytest.mark.parametrize("value, type_", [
    (None, Data.Type.Nil),
    (True, Data.Type.Boolean),
    (False, Data.Type.Boolean),
    (broker.Count(42), Data.Type.Count),
    (-42, Data.Type.Integer),
    (4.25, Data.Type.Real),
    ("foo", Data.Type.String),
    (b"bar", Data.Type.String),
    (ipaddress.IPv4Address("1.2.3.4"), Data.Type.Address),
    (ipaddress.IPv6Address("::1"), Data.Type.Address),
    (ipaddress.IPv4Network("10.0.0.0/8"), Data.Type.Subnet),
    (ipaddress.IPv6Network("fc00::/7"), Data.Type.Subnet),
    (broker.Port(80, broker.Port.TCP), Data.Type.Port),
    (datetime.timedelta(seconds=1), Data.Type.Timespan),
    (datetime.datetime(2020, 1, 1, tzinfo=UTC), Data.Type.Timestamp),
    (broker.Enum("Conn::LOG"), Data.Type.EnumValue),
    ((1, 2), Data.Type.Vector),
    ([1, 2], Data.Type.Vector),
    ({1, 2}, Data.Type.Set),
    (frozenset({1}), Data.Type.Set),
    ({1: 2}, Data.Type.Table),
])
def test_python_types_map_to_broker_types(value, type_):
    assert broker_type(value) == type_


def test_bool_is_checked_before_int():
    assert roundtrip(True) is True
    assert roundtrip(1) == 1 and type(roundtrip(1)) is int


def test_scalars_roundtrip():
    for x in [None, True, False, 0, -1, 2**63 - 1, -2**63, 0.5, -1e300, "",
              "üñï€ode"]:
        y = roundtrip(x)
        assert y == x and type(y) is type(x)


def test_int_out_of_range_is_an_overflow_error():
    with pytest.raises(OverflowError, match="Count"):
        Data(2**63)
    with pytest.raises(OverflowError):
        Data(-2**63 - 1)


def test_count_wrapper():
    c = roundtrip(broker.Count(2**64 - 1))
    assert isinstance(c, broker.Count) and c.value == 2**64 - 1
    assert broker.Count(3) == broker.Count(3)
    assert broker.Count(3) != 3  # counts compare with counts only
    assert broker.Count(1) < broker.Count(2)
    with pytest.raises(TypeError):
        broker.Count(1) < 2
    assert hash(broker.Count(7)) == hash(broker.Count(7))
    assert str(broker.Count(7)) == "7" and repr(broker.Count(7)) == "Count(7)"
    for bad in (-1, 2**64):
        with pytest.raises(ValueError):
            broker.Count(bad)
    with pytest.raises(TypeError):
        broker.Count("1")


def test_bytes_and_invalid_utf8():
    assert roundtrip(b"abc") == "abc"
    raw = roundtrip(b"\xff\xfe")
    assert raw == b"\xff\xfe" and type(raw) is bytes
    assert Data(b"\xff").as_string() == b"\xff"


def test_unencodable_str_raises_not_crashes():
    with pytest.raises(UnicodeEncodeError):
        Data("\udc80")


def test_addresses_and_subnets():
    for text in ["1.2.3.4", "::1", "2001:db8::1", "::"]:
        assert roundtrip(ipaddress.ip_address(text)) == ipaddress.ip_address(text)
    # A v4-mapped IPv6 address is a v4 address in Broker.
    assert roundtrip(ipaddress.IPv6Address("::ffff:1.2.3.4")) == \
        ipaddress.IPv4Address("1.2.3.4")
    for text in ["10.0.0.0/8", "192.168.1.0/24", "0.0.0.0/0", "fc00::/7",
                 "::/0", "2001:db8::/128"]:
        assert roundtrip(ipaddress.ip_network(text)) == ipaddress.ip_network(text)
    # Interfaces subclass the address classes: they convert as addresses.
    iface = ipaddress.IPv4Interface("10.1.2.3/8")
    assert roundtrip(iface) == ipaddress.IPv4Address("10.1.2.3")


def test_port():
    p = roundtrip(broker.Port(53, broker.Port.UDP))
    assert isinstance(p, broker.Port)
    assert p.number() == 53 and p.get_type() == broker.Port.UDP
    assert p == broker.Port(53, broker.Port.Protocol.UDP)
    assert str(p) == "53/udp"
    assert str(broker.Port(8, broker.Port.ICMP)) == "8/icmp"
    assert str(broker.Port()) == "0/?"
    assert broker.Port.Unknown == broker.Port.Protocol.Unknown
    assert broker.Port(1, broker.Port.TCP) < broker.Port(2, broker.Port.TCP)
    with pytest.raises(TypeError):
        broker.Port(70000, broker.Port.TCP)


def test_timedelta_roundtrip_and_rounding():
    for td in [datetime.timedelta(0), datetime.timedelta(microseconds=1),
               datetime.timedelta(days=-1, seconds=5),
               datetime.timedelta(days=365, microseconds=999999)]:
        assert roundtrip(td) == td
    # Nanoseconds round half to even, like timedelta(seconds=float).
    assert Data.to_py(Data(broker.Timespan(1500))) == \
        datetime.timedelta(microseconds=2)
    assert Data.to_py(Data(broker.Timespan(2500))) == \
        datetime.timedelta(microseconds=2)
    assert Data.to_py(Data(broker.Timespan(-1499))) == \
        datetime.timedelta(microseconds=-1)
    with pytest.raises(OverflowError):
        Data(datetime.timedelta(days=300 * 365))


def test_datetime_aware_and_naive():
    aware = datetime.datetime(2021, 6, 1, 12, 30, 15, 123456, tzinfo=UTC)
    back = roundtrip(aware)
    assert back == aware and back.tzinfo == UTC
    # Another zone: the same instant comes back in UTC.
    plus2 = datetime.timezone(datetime.timedelta(hours=2))
    other = datetime.datetime(2021, 6, 1, 14, 30, 15, 123456, tzinfo=plus2)
    assert roundtrip(other) == aware
    # Naive datetimes are local time, as datetime.timestamp() has it.
    naive = datetime.datetime(2021, 6, 1, 12, 0, 0)
    expected = datetime.datetime.fromtimestamp(naive.timestamp(), UTC)
    assert roundtrip(naive) == expected
    # Exact to the microsecond (no float on the way).
    ts = Data(aware).as_timestamp()
    assert ts == pytest.approx(aware.timestamp())
    assert roundtrip(datetime.datetime(1969, 12, 31, 23, 59, 59, 999999,
                                       tzinfo=UTC)).microsecond == 999999
    with pytest.raises(OverflowError):
        Data(datetime.datetime(9999, 1, 1, tzinfo=UTC))


def test_vectors_come_back_as_tuples():
    assert roundtrip([1, [2, (3,)]]) == (1, (2, (3,)))
    assert roundtrip(()) == ()


def test_sets_and_tables():
    assert roundtrip({1, "a"}) == {1, "a"}
    assert roundtrip({"a": 1, (1, 2): {3}}) == {"a": 1, (1, 2): {3}}
    assert roundtrip(set()) == set() and roundtrip({}) == {}
    # A set inside a set (or a key) must be hashable: frozenset.
    inner = roundtrip({frozenset({1, 2})})
    assert inner == {frozenset({1, 2})}
    assert roundtrip({frozenset({1}): 2}) == {frozenset({1}): 2}
    # A table as a key has no hashable Python form.
    table_key = broker.Data({broker.Data({1: 2}): 1})
    with pytest.raises(TypeError, match="hashable"):
        Data.to_py(table_key)


def test_zeek_record_layout_from_the_manual():
    rec = (broker.Count(42), None, "hi", {1: "one", 2: "two"})
    assert roundtrip(rec) == rec
    assert str(Data(rec)) == "(42, nil, hi, {1 -> one, 2 -> two})"


def test_enum_values():
    e = roundtrip(broker.Enum("Conn::LOG"))
    assert isinstance(e, broker.Enum) and e.name == "Conn::LOG"
    assert e == broker.Enum("Conn::LOG") and str(e) == "Conn::LOG"
    assert hash(e) == hash(broker.Enum("Conn::LOG"))


def test_int_enum_members_are_ints():
    import enum

    class Color(enum.IntEnum):
        RED = 1

    assert broker_type(Color.RED) == Data.Type.Integer


def test_unsupported_types_raise_type_error():
    class Thing:
        pass

    for bad in [object(), Thing(), 1j, datetime.date(2020, 1, 1),
                bytearray(b"x"), [1, object()], {1: object()}, {object()}]:
        with pytest.raises(TypeError, match="unsupported data type"):
            Data(bad)


def test_deep_and_self_referencing_containers():
    nested = []
    for _ in range(63):
        nested = [nested]
    assert broker_type(nested) == Data.Type.Vector  # 64 levels are fine
    with pytest.raises(ValueError, match="nested"):
        Data([nested])
    loop = []
    loop.append(loop)
    with pytest.raises(ValueError):
        Data(loop)
    d = {}
    d["self"] = d
    with pytest.raises(ValueError):
        Data(d)


def test_list_mutated_during_conversion_does_not_crash():
    victim = [None] * 10

    class Shrinking(datetime.tzinfo):
        def utcoffset(self, dt):
            victim.clear()
            return datetime.timedelta(0)

    victim[0] = datetime.datetime(2020, 1, 1, tzinfo=Shrinking())
    assert len(roundtrip(victim)) == 1


def test_message_subclasses_convert_through_to_broker():
    class Pair(broker.Message):
        def to_broker(self):
            return (1, 2)

    class Loop(broker.Message):
        def to_broker(self):
            return self

    assert roundtrip(Pair()) == (1, 2)
    assert roundtrip([Pair()]) == ((1, 2),)
    with pytest.raises(ValueError):
        Data(Loop())
    with pytest.raises(NotImplementedError):
        Data(broker.Message())


def test_data_accessors_and_type():
    assert Data(True).as_boolean() is True
    assert Data(broker.Count(5)).as_count() == 5
    assert Data(-5).as_integer() == -5
    assert Data(1.5).as_real() == 1.5
    assert Data("s").as_string() == b"s"
    assert str(Data(ipaddress.ip_address("1.2.3.4")).as_address()) == "1.2.3.4"
    assert Data(ipaddress.ip_network("10.0.0.0/8")).as_subnet().length() == 8
    assert Data(broker.Port(1, broker.Port.TCP)).as_port().number() == 1
    assert Data(datetime.timedelta(seconds=2)).as_timespan() == 2.0
    assert Data(broker.Enum("x")).as_enum_value().name == "x"
    assert len(Data({1}).as_set()) == 1
    assert len(Data({1: 2}).as_table()) == 1
    assert len(Data((1, 2)).as_vector()) == 2
    with pytest.raises(TypeError, match="holds a integer"):
        Data(1).as_string()
    assert Data().get_type() == Data.Type.Nil
    assert getattr(Data.Type, "None") == Data.Type.Nil


def test_data_compare_hash_and_str():
    assert Data(1) == Data(1) and Data(1) != Data(broker.Count(1))
    # Broker's order: by type index first (count < integer), then value.
    assert Data(broker.Count(5)) < Data(1)
    assert hash(Data("x")) == hash(Data("x"))
    assert str(Data([1, "a", 2.5])) == "(1, a, 2.500000)"
    assert str(Data({broker.Count(1): True})) == "{1 -> T}"
    assert repr(Data(None)) == "Data(nil)"
    assert Data.from_py([1]) == Data((1,))


def test_containers():
    v = broker.Vector([1, "x"])
    v.append(broker.Count(2))
    assert len(v) == 3 and v[-1] == Data(broker.Count(2))
    v[0] = 7
    del v[1]
    assert [Data.to_py(x) for x in v] == [7, broker.Count(2)]
    assert str(v) == "Vector[7, 2]"
    with pytest.raises(IndexError):
        v[5]
    s = broker.Set([1, 2])
    s.add(3)
    s.discard(1)
    assert 2 in s and 1 not in s and len(s) == 2
    s.remove(9)  # silent, as upstream's
    assert str(s) == "Set{2, 3}"
    t = broker.Table({"a": 1})
    t["b"] = broker.Count(2)
    assert t["a"] == Data(1) and "b" in t and len(t) == 2
    assert sorted(Data.to_py(k) for k in t) == ["a", "b"]
    assert [(Data.to_py(k), Data.to_py(x)) for k, x in t.items()][0] == ("a", 1)
    del t["a"]
    with pytest.raises(KeyError):
        t["a"]
    assert str(t) == "Table{b: 2}"
    # Changing a container while iterating over it is safe.
    for container in (broker.Vector([1, 2]), broker.Set([1, 2]),
                      broker.Table({1: 2, 3: 4})):
        it = iter(container)
        next(it)
        container.clear()
        assert next(it) is not None
    # Wrappers convert as themselves.
    assert roundtrip(broker.Vector([1])) == (1,)
    assert roundtrip(broker.Set([1])) == {1}
    assert roundtrip(broker.Table({1: 2})) == {1: 2}


def test_address_wrapper():
    a = broker.Address(b"\x01\x02\x03\x04", 4)
    assert a.is_v4() and not a.is_v6() and str(a) == "1.2.3.4"
    assert len(a.bytes()) == 16
    b = broker.Address(b"\x00" * 15 + b"\x01", broker.Address.Family.IPv6)
    assert b.is_v6() and str(b) == "::1"
    assert a.mask(96 + 16) and str(a) == "1.2.0.0"
    assert not a.mask(129)
    with pytest.raises(ValueError):
        broker.Address(b"\x01", 4)
    assert roundtrip(a) == ipaddress.IPv4Address("1.2.0.0")
    assert broker.Address.ByteOrder.Host != broker.Address.ByteOrder.Network


def test_subnet_wrapper():
    net = broker.Subnet(broker.Address(b"\x0a\x01\x02\x03", 4), 8)
    assert str(net) == "10.0.0.0/8" and net.length() == 8
    assert net.contains(broker.Address(b"\x0a\xff\x00\x01", 4))
    assert str(net.network()) == "10.0.0.0"
    assert str(broker.Subnet(broker.Address(b"\x0a\x00\x00\x00", 4), 33)) == "::/0"
    assert roundtrip(net) == ipaddress.ip_network("10.0.0.0/8")


def test_timespan_and_timestamp_wrappers():
    assert broker.Timespan(5).count() == 5           # int: nanoseconds
    assert broker.Timespan(1.5).count() == 1500000000  # float: seconds
    a, b = broker.Timespan(10), broker.Timespan(3)
    assert (a + b).count() == 13 and (a - b).count() == 7
    assert (a * 2).count() == 20 and (a / 3).count() == 3
    assert (-a).count() == -10 and b < a and str(a) == "10ns"
    with pytest.raises(ZeroDivisionError):
        a / 0
    with pytest.raises(OverflowError):
        broker.Timespan(2**63 - 1) + broker.Timespan(1)
    with pytest.raises(OverflowError):
        broker.Timespan(float("nan"))
    ts = broker.Timestamp(broker.Timespan(10))
    assert ts.time_since_epoch().count() == 10
    assert broker.Timestamp(2.0).time_since_epoch().count() == 2 * 10**9
    assert (ts + b).time_since_epoch().count() == 13
    assert (ts - broker.Timestamp(broker.Timespan(4))).count() == 6
    assert roundtrip(broker.Timestamp(0.0)) == \
        datetime.datetime(1970, 1, 1, tzinfo=UTC)
    assert roundtrip(broker.Timespan(3000)) == datetime.timedelta(microseconds=3)


def test_now_and_utc():
    before = datetime.datetime.now(UTC)
    n = Data.to_py(Data(broker.now()))
    after = datetime.datetime.now(UTC)
    slack = datetime.timedelta(seconds=1)
    assert before - slack <= n <= after + slack
    assert broker.utc is UTC


def test_topic():
    t = broker.Topic("/a") / "b"
    assert t.string() == "/a/b" and str(t) == "/a/b"
    t /= broker.Topic("c")
    assert t == broker.Topic("/a/b/c")
    assert (broker.Topic("/a/") / broker.Topic("/b/c")).string() == "/a//b/c"
    assert ("x" / broker.Topic("y")).string() == "x/y"
    assert hash(broker.Topic("x")) == hash(broker.Topic("x"))
    assert broker.Topic("a") < broker.Topic("b")
    with pytest.raises(TypeError):
        broker.Topic("a") / 1
