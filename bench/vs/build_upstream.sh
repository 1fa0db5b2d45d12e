#!/usr/bin/env bash
# Compiles bench/vs/upstream_bench.cc against upstream Broker 1.4 as
# extracted by bench/fetch_upstream.sh: its headers and libraries only, found
# through explicit -I/-L and an rpath, so nothing of ours is on the path.
#
# Usage: bench/vs/build_upstream.sh <upstream-dir> <output>
# DT_RPATH (not RUNPATH): it also applies to libbroker's own CAF dependencies.
# Rebuilds only when the source is newer than the output.
set -euo pipefail
dir=$1
out=$2
src="$(dirname "$0")/upstream_bench.cc"
root="$(cd "$dir/root" && pwd)"
lib="$root/usr/lib/x86_64-linux-gnu"
if [ -x "$out" ] && [ "$out" -nt "$src" ]; then
  exit 0
fi
mkdir -p "$(dirname "$out")"
# The headers of 1.4 predate C++20; CAF 0.17 builds with C++17.
nice g++ -std=c++17 -O2 -DNDEBUG -w -I"$root/usr/include" "$src" -o "$out" \
  -L"$lib" -Wl,--disable-new-dtags,-rpath,"$lib" -lbroker -lcaf_openssl -lcaf_io -lcaf_core \
  -lssl -lcrypto -lpthread
