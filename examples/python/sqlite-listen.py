# The manual's Python SQLite store example, listening side (section 2.5.6):
# a master store kept in mystore.sqlite (in the current directory), printing
# each status and the current value of 'foo'. Runs until killed.
# Usage: python3 sqlite-listen.py [port]   (default 9999, as in the manual)
#
# Difference from the manual's text: the port can be given.

import sys

import broker

port = int(sys.argv[1]) if len(sys.argv) > 1 else 9999

with broker.Endpoint() as ep, \
        ep.make_subscriber('/test') as s, \
        ep.make_status_subscriber(True) as ss:

    ep.listen('127.0.0.1', port)

    m = ep.attach_master('mystore',
                         broker.Backend.SQLite, {'path': 'mystore.sqlite'})

    while True:
        print(ss.get())
        print(m.get('foo'))
