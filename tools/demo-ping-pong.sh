#!/usr/bin/env bash
# The manual's Zeek ping/pong example ("Exchanging Zeek Events") between two
# processes, for `make demo`: `broker-node -m pong` stands in for
# `zeek ping.zeek` (subscribes to /topic/test, answers each ping(n) event
# with pong(n)), and `broker-node -m zeek-ping` is the manual's ping.cc: it
# peers, sends ping(0) .. ping(4) and prints each answer as the manual shows.
#
# Usage: tools/demo-ping-pong.sh [build-dir]   (default: build)
set -euo pipefail

build=${1:-build}
node="$build/tools/node/broker-node"
if [ ! -x "$node" ]; then
  echo "demo-ping-pong: $node is missing; build first (make build)" >&2
  exit 1
fi

work=$(mktemp -d)
pong_pid=
cleanup() {
  if [ -n "$pong_pid" ] && kill -0 "$pong_pid" 2>/dev/null; then
    kill -TERM "$pong_pid" 2>/dev/null || true
    wait "$pong_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# The stand-in's stdout goes through a FIFO, so the script can wait for its
# `listening <port>` line (at most 10 s) instead of guessing a delay.
mkfifo "$work/pong"
"$node" -N zeek-stand-in -m pong -t /topic/test -l 0 -v >"$work/pong" 2>&1 &
pong_pid=$!
exec 3<"$work/pong"
port=
while IFS= read -r -t 10 line <&3; do
  case $line in
    "listening "*) port=${line#listening }; break ;;
  esac
done
if [ -z "$port" ]; then
  echo "demo-ping-pong: the pong node did not start listening" >&2
  exit 1
fi

echo "== Zeek events: the manual's ping/pong between two processes =="
echo "  [zeek stand-in, pid $pong_pid] broker-node -m pong -t /topic/test," \
     "listening on 127.0.0.1:$port"
echo "  [ping] broker-node -m zeek-ping -t /topic/test -p 127.0.0.1:$port -n 5"
if ! "$node" -N ping -m zeek-ping -t /topic/test -p "127.0.0.1:$port" \
       -r 0 -n 5 >"$work/ping" 2>&1; then
  echo "demo-ping-pong: the pinger failed:" >&2
  cat "$work/ping" >&2
  exit 1
fi
# The pinger's `received pong[n]` lines are the manual's output.
sed -n 's/^received /  [ping] received /p' "$work/ping"

kill -TERM "$pong_pid"
while IFS= read -r -t 10 line <&3; do
  case $line in
    "answered "*) echo "  [zeek stand-in] ${line}" ;;
    "pong_stats "*) echo "  [zeek stand-in] ${line}" ;;
  esac
done
wait "$pong_pid"
pong_pid=
