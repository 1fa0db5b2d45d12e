#!/usr/bin/env bash
# Runs every benchmark executable (bench-*) in <build-dir>/bench, one after
# the other, then the TCP benchmark between two broker-node processes
# (bench/tcp.py), then the Python throughput script if the build has the
# Python package, then Zeek events between two broker-benchmark processes
# (bench/broker_benchmark.py), and exits non-zero if any of them fails.
#
# Usage: bench/run.sh <build-dir> [extra benchmark flags...]
# e.g.   bench/run.sh build-bench --benchmark_repetitions=3
set -uo pipefail

if [ $# -lt 1 ]; then
  echo "usage: $0 <build-dir> [benchmark flags...]" >&2
  exit 2
fi
build=$1
shift
dir="$build/bench"
if [ ! -d "$dir" ]; then
  echo "bench: $dir does not exist; configure with -DBROKER_ENABLE_BENCH=ON" >&2
  exit 1
fi

status=0
found=0
for exe in "$dir"/bench-*; do
  [ -f "$exe" ] && [ -x "$exe" ] || continue
  found=1
  echo "== $(basename "$exe") =="
  if ! "$exe" "$@"; then
    echo "bench: $(basename "$exe") failed" >&2
    status=1
  fi
done
if [ -d "$build/python/broker" ]; then
  echo "== python_throughput.py =="
  if ! PYTHONPATH="$build/python" /usr/bin/python3 \
       "$(dirname "$0")/python_throughput.py"; then
    echo "bench: python_throughput.py failed" >&2
    status=1
  fi
fi
if [ $found -eq 0 ]; then
  echo "bench: no bench-* executables in $dir" >&2
  exit 1
fi

# Two broker-node processes over loopback (bench/tcp.py).
node="$build/tools/node/broker-node"
echo "== tcp (broker-node pairs) =="
if ! /usr/bin/python3 "$(dirname "$0")/tcp.py" "$node"; then
  echo "bench: tcp failed" >&2
  status=1
fi
# Zeek events between two broker-benchmark processes, with broker-node's
# small messages as the baseline (bench/broker_benchmark.py).
echo "== broker-benchmark (event types 1-3, broker-node baseline) =="
if ! /usr/bin/python3 "$(dirname "$0")/broker_benchmark.py" "$build"; then
  echo "bench: broker_benchmark.py failed" >&2
  status=1
fi
exit $status
