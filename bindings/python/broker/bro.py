"""Deprecated spelling of broker.zeek (Zeek was called Bro)."""

import warnings

from . import zeek


class Event(zeek.Event):
    """Deprecated: use broker.zeek.Event."""

    def __init__(self, *args):
        warnings.warn("broker.bro.Event is deprecated, use broker.zeek.Event",
                      category=DeprecationWarning, stacklevel=2)
        super().__init__(*args)
