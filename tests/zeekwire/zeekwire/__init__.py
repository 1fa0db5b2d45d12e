"""An independent raw peer for Broker's native peering protocol v1.

Written from ZEEK-WIRE.md alone (standard library only) so that it can
check our C++ endpoint from the outside.  Section numbers (§) refer to that
document.

Layers, bottom up:
  * primitives (BE integers, varbyte, CAF doubles)               §4.2
  * data values (Count, Integer, Real, ... Set, Table, Vector)    §4.3
  * handshake messages (Hello, Probe, ... OriginatorAck)          §3.2
  * node-message envelope (NodeMessage)                           §4.1
  * Zeek messages (Event, Batch, LogCreate, ...)                  §4.4
  * store commands (InternalCommand and its 14 contents)         §6.2
  * RawPeer / Listener: sockets, TLS, handshake FSM, helpers      §1, §3.3, §5
  * the store channel (Producer, Consumer), driven by ticks       §6.3
  * store plumbing: add/subtract arithmetic, pump, ticks, thread  §6
  * RawStoreMaster / RawStoreClone on a connected RawPeer         §6
"""

from .values import *  # noqa: F401,F403
from .messages import *  # noqa: F401,F403
from .peer import *  # noqa: F401,F403
from .channel import *  # noqa: F401,F403
from .storebase import *  # noqa: F401,F403
from .store import *  # noqa: F401,F403
