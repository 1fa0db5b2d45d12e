# The manual's Python SQLite store example, connecting side (section 2.5.6):
# a clone of the store of sqlite-listen.py that increments 'foo' once a
# second and prints the value it sees. Runs until killed.
# Usage: python3 sqlite-connect.py [port]   (default 9999, as in the manual)
#
# Difference from the manual's text: the port can be given.

import sys
import time

import broker

port = int(sys.argv[1]) if len(sys.argv) > 1 else 9999

with broker.Endpoint() as ep, \
        ep.make_subscriber('/test') as s, \
        ep.make_status_subscriber(True) as ss:

    ep.peer('127.0.0.1', port, 1.0)

    st = ss.get()

    if not (type(st) == broker.Status and st.code() == broker.SC.PeerAdded):
        print('could not connect')
        sys.exit(1)

    c = ep.attach_clone('mystore')

    while True:
        time.sleep(1)
        c.increment('foo', 1)
        print(c.get('foo'))
