#!/usr/bin/env bash
# Installs the Debian packages the build and the tests need, but only those
# that are missing, so a second run costs one dpkg query.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config
  clang libclang-rt-14-dev
  libasio-dev libssl-dev libsqlite3-dev openssl libspdlog-dev
  libwebsocketpp-dev nlohmann-json3-dev curl
  libgtest-dev libgmock-dev libbenchmark-dev libcli11-dev
  python3-dev pybind11-dev python3-pytest python3-venv python3-pip
  python3-setuptools python3-wheel
  # bench/compare.py (make bench, bench-smoke): ZeroMQ rows and the plot.
  libzmq3-dev cppzmq-dev python3-matplotlib
)

missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null \
       | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "deps: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "deps: missing packages and not root; run: apt-get install ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
