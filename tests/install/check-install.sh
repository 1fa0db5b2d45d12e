#!/usr/bin/env bash
# Installs the library from BUILD_DIR into SCRATCH/prefix, then builds and runs
# a small consumer twice: with pkg-config and with find_package(Broker).
set -euo pipefail
build_dir=$1 scratch=$2 src_dir=$3
rm -rf "$scratch"
mkdir -p "$scratch"
prefix="$scratch/prefix"
cmake --install "$build_dir" --prefix "$prefix" >/dev/null

# 1. pkg-config, the way the manual's examples are built.
export PKG_CONFIG_PATH
PKG_CONFIG_PATH=$(dirname "$(find "$prefix" -name broker.pc | head -n 1)")
g++ -std=c++17 "$src_dir/consumer.cc" -o "$scratch/consumer-pc" \
  $(pkg-config --cflags --libs broker)
"$scratch/consumer-pc"

# 2. CMake package.
mkdir -p "$scratch/cmake-src"
cp "$src_dir/consumer.cc" "$scratch/cmake-src/"
cat > "$scratch/cmake-src/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.16)
project(consumer CXX)
find_package(Broker REQUIRED)
add_executable(consumer consumer.cc)
target_link_libraries(consumer PRIVATE Broker::broker)
CMAKE
cmake -S "$scratch/cmake-src" -B "$scratch/cmake-build" \
  -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$scratch/cmake-build" >/dev/null
"$scratch/cmake-build/consumer"
echo "install check passed"
