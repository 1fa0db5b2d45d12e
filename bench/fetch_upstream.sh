#!/usr/bin/env bash
# Fetches upstream Broker 1.4 (Debian's libbroker-dev, libbroker2,
# python3-broker and the CAF 0.17 packages they need) and extracts them into
# <dir>/root without installing anything: installed system-wide, they would
# shadow our headers and our Python package. The upstream scenario programs
# are compiled against <dir>/root explicitly (-I, -L, rpath).
#
# Usage: bench/fetch_upstream.sh [dir]    (default: build-upstream)
# Exits 0 with <dir>/root/usr/include/broker/endpoint.hh in place, or 1 with
# the reason on stderr (no network, no apt): the driver then skips the
# upstream rows and says so.
set -euo pipefail
dir=${1:-build-upstream}
root="$dir/root"
if [ -f "$root/usr/include/broker/endpoint.hh" ]; then
  exit 0
fi
packages=(libbroker-dev libbroker2 python3-broker libcaf-dev
          libcaf-core0.17 libcaf-io0.17 libcaf-openssl0.17)
mkdir -p "$dir/debs" "$root"
cd "$dir/debs"
if ! apt-get download "${packages[@]}" >/dev/null 2>download.log; then
  # The package lists may be missing on a fresh machine; refresh them once.
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq >/dev/null 2>&1 || true
  fi
  if ! apt-get download "${packages[@]}" >/dev/null 2>>download.log; then
    echo "fetch_upstream: apt-get download failed:" >&2
    tail -n 3 download.log >&2
    exit 1
  fi
fi
for deb in ./*.deb; do
  dpkg -x "$deb" ../root
done
cd - >/dev/null
test -f "$root/usr/include/broker/endpoint.hh"
