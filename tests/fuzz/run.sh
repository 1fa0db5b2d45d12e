#!/usr/bin/env bash
# Builds the libFuzzer targets, replays each seed corpus, then fuzzes each
# target for <seconds>. Prints one line per target:
#   fuzz: PASS <target> (<execs> execs)
#   fuzz: FAIL <target> <reason>
# and exits non-zero if any target failed. The repository corpus is never
# modified: each target works on a copy inside <build-dir>/fuzz-work/, and
# crash inputs land in <build-dir>/fuzz-work/<target>/artifacts/.
#
# Usage: tests/fuzz/run.sh <build-dir> <seconds>
set -uo pipefail

if [ $# -lt 2 ]; then
  echo "usage: $0 <build-dir> <seconds>" >&2
  exit 2
fi
cd "$(dirname "$0")/../.."
build=$1
seconds=$2
case "$build" in /*) ;; *) build="$PWD/$build" ;; esac
targets=(fuzz_data_decoder fuzz_handshake fuzz_node_message fuzz_internal_command)
JOBS=${JOBS:-2}

fail_all() {
  for t in "${targets[@]}"; do
    echo "fuzz: FAIL $t ($1)"
  done
  exit 1
}

echo "fuzz: configuring $build"
mkdir -p "$build"
cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBROKER_ENABLE_FUZZ=ON \
  -DBROKER_ENABLE_TESTS=OFF >"$build/fuzz-configure.log" 2>&1 \
  || { tail -n 20 "$build/fuzz-configure.log"; fail_all "configure failed"; }
echo "fuzz: building ${targets[*]}"
cmake --build "$build" -j"$JOBS" --target "${targets[@]}" \
  >"$build/fuzz-build.log" 2>&1 \
  || { tail -n 30 "$build/fuzz-build.log"; fail_all "build failed"; }

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:quarantine_size_mb=64}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

failed=0
for t in "${targets[@]}"; do
  exe=$(find "$build" -type f -name "$t" -perm -u+x | head -n 1)
  if [ -z "$exe" ]; then
    echo "fuzz: FAIL $t (executable not found)"
    failed=1
    continue
  fi
  work="$build/fuzz-work/$t"
  rm -rf "$work"
  mkdir -p "$work/corpus" "$work/artifacts"
  if [ -d "tests/fuzz/corpus/$t" ]; then
    cp -R "tests/fuzz/corpus/$t/." "$work/corpus/"
  fi
  log="$work/fuzz.log"
  flags=(-artifact_prefix="$work/artifacts/" -timeout=10 -rss_limit_mb=2048
         -max_len=65536 -print_final_stats=1)

  # 1. Replay the seed corpus: every seed must pass on its own.
  if ! "$exe" "${flags[@]}" -runs=0 "$work/corpus" >"$work/replay.log" 2>&1; then
    tail -n 30 "$work/replay.log"
    echo "fuzz: FAIL $t (seed corpus replay; see $work/replay.log)"
    failed=1
    continue
  fi

  # 2. Fuzz for the given time, growing the scratch corpus.
  if ! "$exe" "${flags[@]}" -max_total_time="$seconds" "$work/corpus" \
       >"$log" 2>&1; then
    tail -n 40 "$log"
    crash=$(ls "$work/artifacts" 2>/dev/null | head -n 1)
    echo "fuzz: FAIL $t (finding: $work/artifacts/${crash:-?}; see $log)"
    failed=1
    continue
  fi
  execs=$(grep -E '^stat::number_of_executed_units:' "$log" | tail -n 1 \
          | awk '{print $2}')
  echo "fuzz: PASS $t (${execs:-0} execs)"
done
exit $failed
