"""Zeek's message layouts on top of Broker data."""

import broker
from . import _broker


class Event(_broker.zeek.Event, broker.Message):
    """A Zeek event. ``Event(name, *args)`` builds one;
    ``Event(value)`` with a single non-str argument reads a received message
    (e.g. the value half of a subscriber's ``(topic, value)``)."""

    def __init__(self, *args):
        if not args:
            raise TypeError("Event() needs a name and arguments, or a message")
        if len(args) == 1 and not isinstance(args[0], str):
            _broker.zeek.Event.__init__(self, broker.Data(args[0]))
        else:
            name, rest = args[0], args[1:]
            if not isinstance(name, str):
                raise TypeError("an event name must be a str, not "
                                + type(name).__name__)
            _broker.zeek.Event.__init__(self, name, broker.Data(rest))

    def to_broker(self):
        return self.as_data()
