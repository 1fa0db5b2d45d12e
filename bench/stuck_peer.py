"""A publisher whose only TCP peer stops reading: how much the publishing
process grows while it publishes 1 GiB of 1 KiB messages, with the peer
buffer bounded by bytes (broker.peer-buffer-bytes, default 8 MiB) and, as
the baseline of the same run, by the message count alone (bytes bound set
to 1 TiB). The peer is the independent raw v1 peer of tests/zeekwire: it
completes the handshake, answers the extension probe, then reads nothing.
The policy is drop_oldest, so that the peering stays and the buffer stays
full (with the default `disconnect` the peer is dropped at the bound).

Usage: PYTHONPATH=build/python python3 bench/stuck_peer.py [MiB]
(INBOX=N also sets broker.core-inbox-size.)"""

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "zeekwire"))


def kib(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(field)


def run_one(byte_bound, mib):
    import broker
    import zeekwire as zw
    cfg = broker.Configuration()
    cfg.set("broker.peer-overflow-policy", "drop_oldest")
    cfg.set("broker.peer-buffer-bytes", broker.Count(byte_bound))
    if os.environ.get("INBOX"):
        cfg.set("broker.core-inbox-size", broker.Count(int(os.environ["INBOX"])))
    opts = broker.BrokerOptions()
    opts.disable_ssl = True
    cfg.options = opts
    with broker.Endpoint(cfg) as ep:
        port = ep.listen("127.0.0.1", 0)
        peer = zw.RawPeer.connect("127.0.0.1", port, filter=["/t"])
        while "/t" not in [str(t) for t in ep.peer_subscriptions()]:
            try:  # reading answers the probe (auto pong)
                peer.receive(lambda m: False, timeout=0.05)
            except zw.WaitTimeout:
                pass
        payload = "x" * 1024
        before = kib("VmRSS")
        for _ in range(mib * 1024):
            ep.publish("/t", payload)
        grown = kib("VmHWM") - before
        peer.close()
    return grown


def main():
    mib = int(sys.argv[2]) if len(sys.argv) > 2 else 1024
    if len(sys.argv) > 1 and sys.argv[1] == "--one":
        print(run_one(int(sys.argv[3]), mib))
        return
    mib = int(sys.argv[1]) if len(sys.argv) > 1 else 1024
    rows = [("bytes bound 8 MiB (default)", 8 << 20),
            ("count bound only (65536 msgs)", 1 << 40)]
    print(f"stuck peer, {mib} MiB published in 1 KiB messages:")
    for name, bound in rows:
        # A fresh process per row: VmHWM never shrinks.
        out = subprocess.run([sys.executable, __file__, "--one", str(mib),
                              str(bound)], capture_output=True, text=True,
                             check=True)
        print(f"  {name:32s} publisher grew by {int(out.stdout) / 1024:7.1f} MiB")


if __name__ == "__main__":
    main()
