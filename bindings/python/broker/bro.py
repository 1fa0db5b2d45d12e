"""Deprecated spelling of broker.zeek (Zeek was called Bro). `import broker`
imports it, as upstream's package did."""

import sys
import traceback

from . import zeek

# The call sites (file, line) that were told already.
_warned = set()


def _warn_once(frame_summary):
    site = (frame_summary.filename, frame_summary.lineno)
    if site in _warned:
        return
    _warned.add(site)
    # Upstream's notice, on stderr, once per call site; not a Python
    # warning, so it shows whatever the warning filters say.
    print('File "{}", line {}: deprecated bro.event usage, use zeek.Event '
          'instead:\n    {}'.format(site[0], site[1], frame_summary.line),
          file=sys.stderr)


class Event(zeek.Event):
    """Deprecated: use broker.zeek.Event."""

    def __new__(cls, *args, **kwargs):
        # The caller's frame: the one below this one.
        _warn_once(traceback.extract_stack(limit=2)[0])
        return super().__new__(cls)
