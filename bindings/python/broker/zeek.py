"""Zeek's message layouts on top of Broker data."""

import broker
from . import _broker


class MetadataType:
    """Keys of event metadata (Zeek 6+). Keys below ``UserMetadataStart``
    are reserved for Zeek."""

    NetworkTimestamp = broker.Count(1)
    UserMetadataStart = broker.Count(200)


def _count(key):
    # As upstream: anything but a Count goes through Count(), which takes
    # ints and raises for the rest.
    return key if isinstance(key, broker.Count) else broker.Count(key)


def _metadata_entries(metadata):
    """[(Count key, value), ...] from a mapping or an iterable of pairs."""
    items = metadata.items() if hasattr(metadata, "items") else metadata
    entries = []
    for item in items:
        key, value = item
        entries.append((_count(key), value))
    return entries


class Event(_broker.zeek.Event, broker.Message):
    """A Zeek event. ``Event(name, *args, metadata=None)`` builds one, the
    name a str (or bytes, with arguments); ``metadata`` (a dict or an
    iterable of (key, value) pairs, keys converted to Count) selects the
    Zeek 6+ form with metadata, otherwise the 2-field form every Zeek
    accepts is sent. ``Event(value)`` with a single argument that is not a
    str reads a received message (e.g. the value half of a subscriber's
    ``(topic, value)``), as upstream."""

    def __init__(self, *args, metadata=None):
        if not args:
            raise TypeError("Event() needs a name and arguments, or a message")
        if len(args) == 1 and not isinstance(args[0], str):
            if metadata is not None:
                raise TypeError("metadata goes with a name, not a message")
            _broker.zeek.Event.__init__(self, broker.Data(args[0]))
            return
        name, rest = args[0], args[1:]
        if not isinstance(name, (str, bytes)):
            raise TypeError("an event name must be a str, not "
                            + type(name).__name__)
        if metadata is None:
            _broker.zeek.Event.__init__(self, name, broker.Data(rest))
        else:
            _broker.zeek.Event.__init__(
                self, name, broker.Data(rest),
                broker.Data(_metadata_entries(metadata)))

    def metadata_value(self, key):
        """The value of metadata entry ``key``, or None."""
        return _broker.zeek.Event.metadata_value(self, _count(key).value)

    def to_broker(self):
        return self.as_data()


class SafeEvent(Event):
    """An Event whose ``args()`` convert as ``broker.ImmutableData`` (hashable,
    read-only values), for arguments Python's own types cannot hold, such as
    a set of tables (upstream 2.3+). Use it with ``broker.SafeSubscriber``."""

    def args(self):
        return _broker.zeek.Event._immutable_args(self)
