"""Broker: type-rich publish/subscribe for Zeek, from Python.

The C++ core lives in the extension ``broker._broker``; this module adds the
Python-level classes of upstream Broker 2.1's API (``Endpoint``,
``Subscriber``, ``StatusSubscriber``, ``Publisher``, ``Store``, ``Data``,
``Message``).
Values convert between Python and Broker as the manual's table says: e.g. an
int is a Broker integer, ``broker.Count(n)`` a count, and a Broker vector
comes back as a tuple.
"""

import datetime

from . import _broker
from ._aio import AsyncReader as _AsyncReader, AsyncStore as _AsyncStore
from ._broker import (  # noqa: F401  (re-exports)
    Address,
    APIFlags,
    Backend,
    BrokerOptions,
    Configuration,
    Count,
    EC,
    EndpointInfo,
    Enum,
    Error,
    Frontend,
    NetworkInfo,
    OptionalNetworkInfo,
    PeerFlags,
    PeerInfo,
    PeerStatus,
    Port,
    PublisherID,
    SC,
    Set,
    Status,
    Subnet,
    Table,
    Timespan,
    Timestamp,
    Topic,
    Vector,
    Version,
    now,
)

utc = datetime.timezone.utc


class Message:
    """Base of Python objects that stand for a Broker value: publish() and
    the conversions accept any instance and use ``to_broker()``."""

    def to_broker(self):
        raise NotImplementedError("Message subclasses define to_broker()")


_broker._set_message_base(Message)


class Data(_broker.Data):
    """Any Broker value. ``Data(x)`` converts a Python value (see the
    manual's table), ``Data.to_py(d)`` converts back. As upstream's, this is
    a subclass of ``_broker.Data``: the elements that containers hand out
    (``as_vector()``, ``Vector[i]``, ``Table.items()``, ...) are plain
    ``_broker.Data`` objects, which ``Data(x)`` accepts too."""

    def __init__(self, x=None):
        _broker.Data.__init__(self, x)

    @staticmethod
    def from_py(x):
        return Data(x)

    @staticmethod
    def to_py(d):
        return _broker.Data.to_py(d)


class ImmutableData(Data):
    """Data whose ``to_py`` gives hashable, read-only Python values: sets
    become frozensets and tables ``HashableReadOnlyDict``s at every level,
    so that values Python's own types cannot hold (a set of tables) convert
    too. ``SafeSubscriber`` and ``zeek.SafeEvent`` convert this way."""

    class HashableReadOnlyDict(dict):
        """A dict that refuses changes and hashes by its items."""

        def _refuse(self, *args, **kwargs):
            raise TypeError("this dict is read-only (broker.ImmutableData)")

        __setitem__ = __delitem__ = _refuse
        clear = pop = popitem = setdefault = update = _refuse
        __ior__ = _refuse

        def __hash__(self):
            return hash(frozenset(self.items()))

    @staticmethod
    def from_py(x):
        return ImmutableData(x)

    @staticmethod
    def to_py(d):
        return _broker.Data._to_py_immutable(d)


_broker._set_readonly_dict(ImmutableData.HashableReadOnlyDict)


def _get(impl, args):
    """Dispatches get() as upstream does: no argument blocks for one item, a
    float (or timedelta) is a timeout, an int a number of items, and
    (int, float) both."""
    if not args:
        return impl.get()
    if len(args) == 1:
        (x,) = args
        if _is_count(x):
            return impl.get_count(x)
        return impl.get_timeout(_seconds(x))
    if len(args) == 2:
        num, secs = args
        if not _is_count(num):
            raise TypeError("get(num, timeout): num must be an int")
        return impl.get_count_timeout(num, _seconds(secs))
    raise TypeError("get() takes at most 2 arguments ({} given)".format(len(args)))


def _is_count(x):
    if isinstance(x, bool) or not isinstance(x, int):
        return False
    if x < 0:
        raise ValueError("the number of items to get must not be negative")
    return True


def _seconds(x):
    # An int is a timeout only as get()'s second argument; alone it is a
    # count (see _get).
    if isinstance(x, datetime.timedelta):
        return x.total_seconds()
    if isinstance(x, (float, int)) and not isinstance(x, bool):
        return float(x)
    raise TypeError("a timeout must be seconds (float) or a timedelta, not "
                    + type(x).__name__)


class _Handle:
    """What the objects an endpoint hands out share: the extension object,
    and the endpoint, which they keep alive (upstream's rule). As context
    managers they reset() on exit. Constructible from the extension object
    alone, as upstream's (``subscriber_class`` gets only that)."""

    def __init__(self, impl, parent=None):
        self._impl = impl
        self._parent = parent

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.reset()

    def reset(self):
        """Releases the object; it is unusable afterwards."""
        self._impl.reset()


class _Reader(_AsyncReader, _Handle):
    """What Subscriber and StatusSubscriber share."""

    def get(self, *args):
        """get(): the next item (blocks); get(secs: float): the next item or
        None after secs; get(n: int): a list of n items (blocks);
        get(n, secs): a list of at most n items."""
        return _get(self._impl, args)

    def poll(self):
        """All pending items, without blocking."""
        return self._impl.poll()

    def available(self):
        return self._impl.available()

    def fd(self):
        """A descriptor that is readable while items are pending."""
        return self._impl.fd()

    def reset(self):
        """Unsubscribes; the object is unusable afterwards."""
        self._impl.reset()


class Subscriber(_Reader):
    """Receives ``(topic, value)`` tuples from an endpoint's peers."""

    # How values convert: as Data.to_py, or as ImmutableData.to_py.
    _immutable = False

    def __init__(self, internal_subscriber, parent=None):
        super().__init__(internal_subscriber, parent)
        internal_subscriber.immutable = self._immutable

    def add_topic(self, topic, block=False):
        self._impl.add_topic(topic, block)

    def remove_topic(self, topic, block=False):
        self._impl.remove_topic(topic, block)


class SafeSubscriber(Subscriber):
    """A Subscriber whose values convert as ``ImmutableData.to_py``
    (frozensets, hashable read-only dicts, tuples), so that every Broker
    value decodes, e.g. a Zeek set of tables (upstream 2.2+)."""

    _immutable = True


class StatusSubscriber(_Reader):
    """Receives ``broker.Error`` and (on request) ``broker.Status`` items."""


class Publisher(_Handle):
    """Publishes to one topic through a bounded queue."""

    def demand(self):
        return self._impl.demand()

    def buffered(self):
        return self._impl.buffered()

    def capacity(self):
        return self._impl.capacity()

    def free_capacity(self):
        return self._impl.free_capacity()

    def send_rate(self):
        return self._impl.send_rate()

    def fd(self):
        return self._impl.fd()

    def publish(self, data=None, **kwargs):
        """Publishes one value. (``value=`` is our earlier keyword.)"""
        self._impl.publish(_renamed(data, kwargs, "value"))

    def publish_batch(self, *values):
        self._impl.publish_batch(*values)


def _renamed(value, kwargs, old_name):
    """An argument given under upstream's name, or under our earlier one."""
    if old_name in kwargs:
        if value is not None:
            raise TypeError("got the same argument twice (" + old_name + ")")
        value = kwargs.pop(old_name)
    if kwargs:
        raise TypeError("unexpected keyword arguments: " + ", ".join(kwargs))
    return value


def _value(x):
    """A store answer as upstream returns it: None on any error."""
    return None if isinstance(x, Error) else x


class Store(_AsyncStore, _Handle):
    """A master or clone of a data store (``Endpoint.attach_master``,
    ``Endpoint.attach_clone``); use it as a context manager.

    Queries return the value, or None on any error: a missing key, a clone
    that has not synchronised with its master yet (stale), a timeout. (So a
    stored nil also reads as None.) Mutators return at once; a clone
    forwards them to the master and sees their effect once the master's
    update comes back. ``expiry`` is seconds (float or int), a timedelta or
    a ``broker.Timespan``; None means none.
    """

    def __repr__(self):
        if not self._impl.alive():
            return "Store(<reset>)"
        return "Store({!r}, {})".format(self.name(), self.frontend().name)

    def name(self):
        return self._impl.name()

    def frontend(self):
        """broker.Frontend.Master or broker.Frontend.Clone."""
        return self._impl.frontend()

    def frontend_id(self):
        """The broker.PublisherID that store events name for changes made
        through this handle."""
        return self._impl.frontend_id()

    def exists(self, key):
        """True or False; None if the store cannot answer (e.g. stale)."""
        return _value(self._impl.exists(key))

    def get(self, key):
        return _value(self._impl.get(key))

    def get_index_from_value(self, key, index):
        """A vector's element, whether a set contains index, or a table's
        value at index; any other value whole."""
        return _value(self._impl.get_index_from_value(key, index))

    def keys(self):
        """The set of all keys."""
        return _value(self._impl.keys())

    def put(self, key, value, expiry=None):
        self._impl.put(key, value, expiry)

    def put_unique(self, key, value, expiry=None):
        """True if the key was new and is now set; False if it existed."""
        return _value(self._impl.put_unique(key, value, expiry))

    def erase(self, data=None, **kwargs):
        """Removes a key. (``key=`` is our earlier keyword.)"""
        self._impl.erase(_renamed(data, kwargs, "key"))

    def clear(self):
        self._impl.clear()

    def increment(self, key, amount, expiry=None):
        self._impl.increment(key, amount, expiry)

    def decrement(self, key, amount, expiry=None):
        self._impl.decrement(key, amount, expiry)

    def append(self, key, s, expiry=None):
        self._impl.append(key, s, expiry)

    def insert_into(self, key, index, value=None, expiry=None):
        """Adds index to a set, or, with a value, maps index to value in a
        table. Only None means "no value"."""
        self._impl.insert_into(key, index, value, expiry)

    def remove_from(self, key, index, expiry=None):
        self._impl.remove_from(key, index, expiry)

    def push(self, key, value, expiry=None):
        self._impl.push(key, value, expiry)

    def pop(self, key, expiry=None):
        """Removes a vector's last element."""
        self._impl.pop(key, expiry)

    def await_idle(self, timeout=None):
        """Waits until the store has nothing in flight (upstream 2.3+): a
        master until every clone acknowledged its updates, a clone until the
        master acknowledged its writes. True once idle, False after
        `timeout` seconds (None: 10 s, as upstream's default)."""
        secs = 10.0 if timeout is None else _seconds(timeout)
        return self._impl.await_idle(secs)

    def reset(self):
        """Releases the handle (the master or clone lives on with its
        endpoint); the object is unusable afterwards."""
        self._impl.reset()


class Endpoint(_broker.Endpoint):
    """A Broker endpoint; use it as a context manager (exit shuts it down).

    listen, unpeer, peers, peer_subscriptions and attach_master raise
    TimeoutError if the endpoint's core does not answer within
    broker.core-call-timeout (default 10s); upstream blocks or answers a
    default instead.
    """

    def __init__(self, cfg=None):
        if cfg is None:
            cfg = Configuration()
        if not isinstance(cfg, Configuration):
            raise TypeError("Endpoint takes a broker.Configuration, not "
                            + type(cfg).__name__)
        super().__init__(cfg)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.shutdown()

    def __repr__(self):
        return self.node_id()

    def make_subscriber(self, topics, qsize=20, subscriber_class=None):
        """A subscriber to `topics`; `subscriber_class` (upstream 2.2+)
        picks the class, e.g. SafeSubscriber, and is called with the
        extension's subscriber as its one argument."""
        cls = Subscriber if subscriber_class is None else subscriber_class
        sub = cls(super().make_subscriber(topics, qsize))
        sub._parent = self
        return sub

    def make_safe_subscriber(self, topics, qsize=20):
        """A SafeSubscriber (upstream 2.2+)."""
        return self.make_subscriber(topics, qsize, SafeSubscriber)

    def await_peer(self, node, timeout=None):
        """Waits until the endpoint with node id `node` (as its node_id()
        gives it) is a peer; True then, False after `timeout` seconds (None:
        10 s). Upstream 2.3+."""
        secs = 10.0 if timeout is None else _seconds(timeout)
        return super().await_peer(node, secs)

    def make_status_subscriber(self, receive_statuses=False):
        impl = super().make_status_subscriber(receive_statuses)
        return StatusSubscriber(impl, self)

    def make_publisher(self, topic):
        return Publisher(super().make_publisher(topic), self)

    def attach_master(self, name, type=None, opts=None):
        """The master of store `name` (type: a broker.Backend, default
        Memory; opts: backend options such as {'path': 'x.sqlite'}), or
        None if it cannot be attached."""
        impl = super().attach_master(name, type, opts)
        return None if isinstance(impl, Error) else Store(impl, self)

    def attach_clone(self, name, resync_interval=10.0, stale_interval=300.0,
                     mutation_buffer_interval=120.0):
        """A clone of store `name`, or None (e.g. when this endpoint has the
        master). It answers queries once it has found the master among the
        direct peers."""
        impl = super().attach_clone(name, resync_interval, stale_interval,
                                    mutation_buffer_interval)
        return None if isinstance(impl, Error) else Store(impl, self)


from . import zeek  # noqa: E402,F401  (needs the names above)
from . import bro  # noqa: E402,F401  (as upstream, deprecated)
