// Throughput of the store backends (src/store): put and get operations per
// second for the memory backend and the SQLite backend, the latter with one
// transaction per put (as without batching) and with batched transactions.
//
// Keys cycle through 10,000 strings ("key-<n>"); values are small vectors
// {count, 10-byte string, real}. SQLite files live in a fresh directory
// under $TMPDIR (default /tmp), removed afterwards.

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "broker/backend.hh"
#include "broker/data.hh"
#include "store/backend_factory.hh"

using namespace broker;
using namespace broker::detail;

namespace {

constexpr size_t key_space = 10'000;

struct samples {
  std::vector<data> keys;
  std::vector<data> values;

  samples() {
    for (size_t i = 0; i < key_space; ++i) {
      keys.emplace_back("key-" + std::to_string(i));
      values.emplace_back(vector{count{i}, std::string{"0123456789"},
                                 real{1.5}});
    }
  }
};

const samples& sample_data() {
  static const samples instance;
  return instance;
}

// A scratch directory for one benchmark run.
class scratch_dir {
public:
  scratch_dir() {
    auto base = std::getenv("TMPDIR");
    std::string pattern = base && *base ? base : "/tmp";
    pattern += "/bench-store-XXXXXX";
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    if (::mkdtemp(buf.data()) == nullptr) {
      std::cerr << "bench-store: mkdtemp failed for " << pattern << '\n';
      std::abort();
    }
    path_ = buf.data();
  }

  ~scratch_dir() {
    std::error_code err;
    std::filesystem::remove_all(path_, err);
  }

  const std::string& path() const {
    return path_;
  }

private:
  std::string path_;
};

std::unique_ptr<abstract_backend> open_backend(backend type,
                                               const scratch_dir& dir,
                                               backend_options opts = {}) {
  opts["path"] = dir.path() + "/store.sqlite";
  auto res = make_backend(type, opts);
  if (!res) {
    std::cerr << "bench-store: " << to_string(res.error()) << '\n';
    std::abort();
  }
  return std::move(*res);
}

// Puts with a commit every `batch` operations (0: no batches at all).
void run_put(benchmark::State& state, abstract_backend& db, size_t batch) {
  auto& xs = sample_data();
  size_t i = 0;
  size_t in_batch = 0;
  for (auto _ : state) {
    if (batch > 0 && in_batch == 0 && !db.begin_batch()) {
      state.SkipWithError("begin_batch failed");
      break;
    }
    auto j = i++ % key_space;
    if (!db.put(xs.keys[j], xs.values[j], std::nullopt)) {
      state.SkipWithError("put failed");
      break;
    }
    if (batch > 0 && ++in_batch == batch) {
      in_batch = 0;
      if (!db.commit_batch()) {
        state.SkipWithError("commit_batch failed");
        break;
      }
    }
  }
  if (db.in_batch())
    db.commit_batch();
  state.SetItemsProcessed(state.iterations());
}

void run_get(benchmark::State& state, abstract_backend& db) {
  auto& xs = sample_data();
  db.begin_batch();
  for (size_t j = 0; j < key_space; ++j)
    db.put(xs.keys[j], xs.values[j], std::nullopt);
  db.commit_batch();
  size_t i = 0;
  for (auto _ : state) {
    auto res = db.get(xs.keys[i++ % key_space]);
    if (!res) {
      state.SkipWithError("get failed");
      break;
    }
    benchmark::DoNotOptimize(res);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_MemoryPut(benchmark::State& state) {
  scratch_dir dir;
  auto db = open_backend(backend::memory, dir);
  run_put(state, *db, 0);
}

void BM_MemoryGet(benchmark::State& state) {
  scratch_dir dir;
  auto db = open_backend(backend::memory, dir);
  run_get(state, *db);
}

// One transaction per put. Arg: 0 = synchronous=normal (the default),
// 1 = synchronous=full (an fsync per commit).
void BM_SqlitePutPerOp(benchmark::State& state) {
  scratch_dir dir;
  backend_options opts;
  opts["synchronous"] = std::string{state.range(0) ? "full" : "normal"};
  auto db = open_backend(backend::sqlite, dir, opts);
  run_put(state, *db, 0);
}

// Arg: the number of puts per batch (one transaction each).
void BM_SqlitePutBatched(benchmark::State& state) {
  scratch_dir dir;
  auto db = open_backend(backend::sqlite, dir);
  run_put(state, *db, static_cast<size_t>(state.range(0)));
}

void BM_SqliteGet(benchmark::State& state) {
  scratch_dir dir;
  auto db = open_backend(backend::sqlite, dir);
  run_get(state, *db);
}

} // namespace

// Wall-clock rates: SQLite spends much of a commit waiting for the disk,
// which CPU time would hide.
BENCHMARK(BM_MemoryPut)->UseRealTime();
BENCHMARK(BM_MemoryGet)->UseRealTime();
BENCHMARK(BM_SqlitePutPerOp)->Arg(0)->Arg(1)->UseRealTime();
BENCHMARK(BM_SqlitePutBatched)->Arg(10)->Arg(100)->Arg(1000)->UseRealTime();
BENCHMARK(BM_SqliteGet)->UseRealTime();
