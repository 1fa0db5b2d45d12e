"""broker.Vector, Set and Table as upstream's bound STL containers: element
classes, list methods, slicing, reprs."""

import pytest

import broker
from broker import _broker, Data


def to_py(xs):
    return [Data.to_py(x) for x in xs]


def test_elements_are_plain_broker_data_objects():
    # Upstream's broker.Data is a Python subclass of _broker.Data; what the
    # containers hand out are _broker.Data objects, not broker.Data.
    d = Data({1: "a"})
    assert isinstance(d, broker.Data) and isinstance(d, _broker.Data)
    assert Data.from_py(1).__class__ is broker.Data
    v = Data([1, 2]).as_vector()
    elems = [v[0], next(iter(v)), next(iter(Data({1}).as_set())),
             next(iter(d.as_table().items()))[1], d.as_table()[1]]
    for x in elems:
        assert isinstance(x, _broker.Data)
        assert not isinstance(x, broker.Data)
        # broker.Data accepts them and keeps the value.
        assert Data(x) == x and isinstance(Data(x), broker.Data)
    assert Data.to_py(Data(v[1])) == 2


def test_vector_list_methods():
    v = broker.Vector([1, 2, 3])
    v.extend([4, 5])
    v.insert(0, 0)
    v.insert(-1, "x")  # before the last element, as list.insert
    v.insert(100, 9)   # past the end: appended
    assert to_py(v) == [0, 1, 2, 3, 4, "x", 5, 9]
    assert Data.to_py(v.pop()) == 9
    assert Data.to_py(v.pop(0)) == 0
    assert Data.to_py(v.pop(-2)) == "x"
    assert to_py(v) == [1, 2, 3, 4, 5]
    v.append(2)
    assert v.count(2) == 2 and v.count(7) == 0
    v.remove(2)
    assert to_py(v) == [1, 3, 4, 5, 2]
    assert 3 in v and 7 not in v
    with pytest.raises(ValueError):
        v.remove(7)
    with pytest.raises(IndexError):
        broker.Vector().pop()
    with pytest.raises(IndexError):
        v.pop(10)


def test_vector_slicing():
    v = broker.Vector(range(6))
    part = v[1:4]
    assert isinstance(part, broker.Vector) and to_py(part) == [1, 2, 3]
    assert to_py(v[::-2]) == [5, 3, 1]
    v[0:2] = ["a"]            # a contiguous slice may change the length
    assert to_py(v) == ["a", 2, 3, 4, 5]
    v[::2] = [7, 8, 9]        # an extended one needs the same size
    assert to_py(v) == [7, 2, 8, 4, 9]
    with pytest.raises(ValueError):
        v[::2] = [1]
    del v[1::2]
    assert to_py(v) == [7, 8, 9]
    del v[:]
    assert len(v) == 0 and not v


def test_vector_and_table_reprs_as_upstream():
    v = broker.Vector([1, "a", broker.Count(2)])
    assert repr(v) == str(v) == "Vector[1, a, 2]"
    assert repr(broker.Vector()) == "Vector[]"
    t = broker.Table({"k": 1, "j": (1, 2)})
    assert repr(t) == str(t) == "Table{j: (1, 2), k: 1}"
    assert repr(broker.Set([2, 1])) == "Set{1, 2}"


def test_table_views():
    t = broker.Table({1: "a", 2: "b"})
    assert to_py(t.keys()) == [1, 2]
    assert to_py(t.values()) == ["a", "b"]
    assert [(Data.to_py(k), Data.to_py(x)) for k, x in t.items()] == [
        (1, "a"), (2, "b")]


def test_set_remove_of_a_missing_element_is_silent():
    s = broker.Set([1])
    s.remove(2)
    s.remove(1)
    assert len(s) == 0
