# The manual's Python ping example (section 2.5.3): sends ping(n) events to a
# Zeek (or any responder) listening on 127.0.0.1 and prints the pong replies.
# Usage: python3 ping.py [port]   (default 9999, as in the manual)
#
# Differences from the manual's text: the port can be given, and the print
# shows the arguments too (the manual's format string has one placeholder
# for two values, yet its sample output shows "received pong[0]").

import sys

import broker

port = int(sys.argv[1]) if len(sys.argv) > 1 else 9999

# Setup endpoint and connect to Zeek.
with broker.Endpoint() as ep, \
        ep.make_subscriber("/topic/test") as sub, \
        ep.make_status_subscriber(True) as ss:

    ep.peer("127.0.0.1", port)

    # Wait until connection is established.
    st = ss.get()

    if not (type(st) == broker.Status and st.code() == broker.SC.PeerAdded):
        print("could not connect")
        sys.exit(0)

    for n in range(5):
        # Send event "ping(n)".
        ping = broker.zeek.Event("ping", n)
        ep.publish("/topic/test", ping)

        # Wait for "pong" reply event.
        (t, d) = sub.get()
        pong = broker.zeek.Event(d)
        print("received {}{}".format(pong.name(), pong.args()))
