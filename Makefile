# Front door. `make test` and `make demo` each do the whole set-up on a fresh
# Debian 12 machine (as root): install missing packages, build, run.
JOBS ?= 2
FUZZ_SECONDS ?= 60
GENERATOR := -G Ninja
CMAKE_COMMON := $(GENERATOR) -DCMAKE_BUILD_TYPE=RelWithDebInfo

.PHONY: deps build demo test test-unit test-asan test-tsan test-fuzz bench bench-smoke bench-micro fuzz clean

deps:
	@bash scripts/deps.sh

build: deps
	cmake -S . -B build $(CMAKE_COMMON) >/dev/null
	cmake --build build -j$(JOBS)

# The demo program, then the manual's Zeek ping/pong between two broker-node
# processes (tools/demo-ping-pong.sh).
demo: build
	./build/examples/broker-demo
	bash tools/demo-ping-pong.sh build

# Every suite; the last line is the combined `N passed, N failed` summary.
test: deps
	@bash scripts/run-tests.sh

test-unit: build
	cd build && ctest --output-on-failure -j$(JOBS)

test-asan: deps
	@bash scripts/run-tests.sh asan

test-tsan: deps
	@bash scripts/run-tests.sh tsan

test-fuzz: deps
	@bash scripts/run-tests.sh fuzz

fuzz: deps
	@bash tests/fuzz/run.sh build-fuzz $(FUZZ_SECONDS)

# One interleaved run against upstream Broker 1.4 (fetched into
# build-upstream/, never installed), ZeroMQ and a raw TCP echo: the table of
# speed-ups, bench/results.json and bench/results.png (bench/README.md).
BENCH_ROUNDS ?= 3
bench: deps
	cmake -S . -B build-bench $(GENERATOR) -DCMAKE_BUILD_TYPE=Release \
	  -DBROKER_ENABLE_BENCH=ON -DBROKER_ENABLE_TESTS=OFF \
	  -DBROKER_ENABLE_PYTHON=ON >/dev/null
	cmake --build build-bench -j$(JOBS)
	/usr/bin/python3 bench/compare.py --build build-bench \
	  --rounds $(BENCH_ROUNDS) --json bench/results.json --plot bench/results.png

# The same ratios on small counts, failing only when one falls below its
# floor in bench/smoke_floors.json (CI runs it as a phase of `make test`).
bench-smoke: deps
	@bash scripts/run-tests.sh bench

# The micro-benchmarks (codec, store backends, ...) and the older drivers.
bench-micro: deps
	cmake -S . -B build-bench $(GENERATOR) -DCMAKE_BUILD_TYPE=Release \
	  -DBROKER_ENABLE_BENCH=ON -DBROKER_ENABLE_TESTS=OFF >/dev/null
	cmake --build build-bench -j$(JOBS)
	@bash bench/run.sh build-bench

clean:
	rm -rf build build-asan build-tsan build-fuzz build-bench build-upstream
