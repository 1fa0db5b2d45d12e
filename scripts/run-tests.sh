#!/usr/bin/env bash
# Builds and runs every test suite: sanitizer builds, the fuzz smoke run, the
# main suite, then the Python tests (pytest's summary line comes last), then
# one combined line `N passed, N failed` for CI.
#
# Usage: run-tests.sh [phase ...]
#   phases: asan tsan fuzz main python bench (default: all; python and bench
#   reuse main's build)
set -uo pipefail
cd "$(dirname "$0")/.."

JOBS=${JOBS:-2}
# Seconds per fuzz target; three targets keep the whole fuzz run within 60 s.
FUZZ_SECONDS=${FUZZ_SECONDS:-20}
# The suites that exercise threads; ThreadSanitizer runs these.
CONCURRENCY_TESTS=${CONCURRENCY_TESTS:-"^(Endpoint|Routing|Message|MpscRing|ManualSnippets|SubscriberQueue|Tcp|TcpFault|Tls|Store|StoreAudience|StoreHost|StoreReplication|StoreHeldQuery|CoreTimeout)\\."}
phases=("$@")
[ ${#phases[@]} -eq 0 ] && phases=(asan tsan fuzz main python bench)

passed=0
failed=0
failed_phases=()

# Adds the counts of a ctest log to the totals.
count_ctest() {
  local log=$1 line total nfail
  line=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n 1)
  if [ -z "$line" ]; then
    failed=$((failed + 1))
    return 1
  fi
  nfail=$(sed -E 's/.* ([0-9]+) tests? failed out of.*/\1/' <<<"$line")
  total=$(sed -E 's/.*out of ([0-9]+).*/\1/' <<<"$line")
  passed=$((passed + total - nfail))
  failed=$((failed + nfail))
  [ "$nfail" -eq 0 ]
}

# configure_and_build DIR [CMAKE_ARGS...]; TARGETS="a b" limits the build.
configure_and_build() {
  local dir=$1; shift
  local targets=()
  [ -n "${TARGETS:-}" ] && targets=(--target $TARGETS)
  cmake -S . -B "$dir" -G Ninja "$@" >/dev/null &&
    cmake --build "$dir" -j"$JOBS" "${targets[@]}" | tail -n 3
}

run_ctest() {
  local name=$1 dir=$2; shift 2
  local log="$dir/ctest-$name.log"
  (cd "$dir" && ctest --output-on-failure -j"$JOBS" "$@") 2>&1 | tee "$log" | tail -n 40
  count_ctest "$log" || failed_phases+=("$name")
}

phase_asan() {
  echo "== ASan+UBSan unit tests =="
  if configure_and_build build-asan -DCMAKE_BUILD_TYPE=Debug \
       -DBROKER_SANITIZERS=address,undefined; then
    # The system tests too: hostile input against a sanitized node.
    ASAN_OPTIONS=detect_leaks=1 run_ctest asan build-asan -L "unit|system"
  else
    failed=$((failed + 1)); failed_phases+=(asan-build)
  fi
}

phase_tsan() {
  echo "== ThreadSanitizer concurrency tests =="
  # Every concurrency test is in broker-test: tools and examples are not
  # built under TSan.
  if TARGETS=broker-test configure_and_build build-tsan \
       -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBROKER_SANITIZERS=thread; then
    TSAN_OPTIONS=halt_on_error=1 run_ctest tsan build-tsan -R "$CONCURRENCY_TESTS"
  else
    failed=$((failed + 1)); failed_phases+=(tsan-build)
  fi
}

phase_fuzz() {
  echo "== Fuzz targets: corpus replay + ${FUZZ_SECONDS}s each =="
  local out
  out=$(bash tests/fuzz/run.sh build-fuzz "$FUZZ_SECONDS" 2>&1)
  local rc=$?
  tail -n 20 <<<"$out"
  local ok bad
  ok=$(grep -c '^fuzz: PASS' <<<"$out")
  bad=$(grep -c '^fuzz: FAIL' <<<"$out")
  passed=$((passed + ok))
  failed=$((failed + bad))
  if [ $rc -ne 0 ] || [ "$bad" -ne 0 ]; then
    [ "$bad" -eq 0 ] && failed=$((failed + 1))
    failed_phases+=(fuzz)
  fi
}

phase_main() {
  echo "== Main build: all tests =="
  if bash scripts/deps.sh && configure_and_build build -DCMAKE_BUILD_TYPE=RelWithDebInfo; then
    # The python phase runs the pytest suite case by case instead.
    run_ctest main build -E '^python\.pytest$'
  else
    failed=$((failed + 1)); failed_phases+=(main-build)
  fi
}

# Adds the counts of pytest's summary line (e.g. "2 failed, 80 passed in
# 5.1s") to the totals; errors count as failures.
count_pytest() {
  local line=$1 ok bad err
  ok=$(grep -oE '[0-9]+ passed' <<<"$line" | grep -oE '[0-9]+' || true)
  bad=$(grep -oE '[0-9]+ failed' <<<"$line" | grep -oE '[0-9]+' || true)
  err=$(grep -oE '[0-9]+ errors?' <<<"$line" | grep -oE '[0-9]+' || true)
  passed=$((passed + ${ok:-0}))
  failed=$((failed + ${bad:-0} + ${err:-0}))
  [ -n "$ok" ] && [ -z "$bad" ] && [ -z "$err" ]
}

phase_python() {
  echo "== Python bindings: pytest =="
  if [ ! -d build/python/broker ]; then
    echo "python: build/python/broker missing (run the main phase first)"
    failed=$((failed + 1)); failed_phases+=(python)
    return
  fi
  local log=build/pytest.log
  PYTHONPATH=$PWD/build/python PYTHONDONTWRITEBYTECODE=1 \
    /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/python 2>&1 \
    | tee "$log" | tail -n 40
  count_pytest "$(tail -n 1 "$log")" || failed_phases+=(python)
}

# The programs bench/compare.py runs, built in main's build directory; the
# option goes back off afterwards so the next main phase does not build the
# other benchmarks.
BENCH_TARGETS=(broker broker-node bench-endpoint bench-store-api vs-tcp-echo vs-run
               _broker broker-python-modules)

build_bench_targets() {
  local targets=("${BENCH_TARGETS[@]}") rc
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DBROKER_ENABLE_BENCH=ON >/dev/null || return 1
  ninja -C build -t targets all 2>/dev/null | grep -q '^vs-zmq:' && targets+=(vs-zmq)
  cmake --build build -j"$JOBS" --target "${targets[@]}" | tail -n 2
  rc=${PIPESTATUS[0]}
  cmake -S . -B build -DBROKER_ENABLE_BENCH=OFF >/dev/null
  return "$rc"
}

# One check: every speed-up of bench/smoke_floors.json at or above its floor
# (ratios from one run on small counts, never absolute times).
phase_bench() {
  echo "== Bench smoke: ratios against upstream Broker 1.4, ZeroMQ, raw TCP =="
  if ! bash scripts/deps.sh || ! build_bench_targets; then
    failed=$((failed + 1)); failed_phases+=(bench-build)
    return
  fi
  local log=build/bench-smoke.log
  /usr/bin/python3 bench/compare.py --smoke --rounds 3 --build build \
    --check bench/smoke_floors.json --json build/bench-smoke.json >"$log" 2>&1
  local rc=$?
  grep -E '^(compare|bench-smoke):|FAILED' "$log"
  if [ $rc -eq 0 ]; then
    passed=$((passed + 1)); echo "bench-smoke: PASS"
  else
    failed=$((failed + 1)); failed_phases+=(bench); echo "bench-smoke: FAIL (full output in $log)"
  fi
}

for phase in "${phases[@]}"; do
  "phase_$phase"
done

if [ ${#failed_phases[@]} -gt 0 ]; then
  echo "failing phases: ${failed_phases[*]}"
fi
echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
