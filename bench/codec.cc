// Throughput of the binary data codec (src/format): values/s and bytes/s for
// encoding into a reused buffer and decoding from a byte span, for
//  - a small message: vector{count, 10-byte string, real};
//  - a 20-field Zeek-log-like record (timestamps, uid, addresses, ports,
//    counts, strings, a set of strings, a timespan, booleans, nil fields).

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <vector>

#include "broker/data.hh"
#include "format/data_reader.hh"
#include "format/data_writer.hh"

using namespace broker;

namespace {

address v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  return address{std::array<uint8_t, 16>{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff,
                                         0xff, a, b, c, d}};
}

data small_message() {
  return vector{count{42}, std::string{"0123456789"}, real{3.14159}};
}

// Shaped like a record of Zeek's conn.log.
data log_record() {
  return vector{
    timestamp{timespan{1600000000123456789}},      // ts
    std::string{"CHhAvVGS1DHFjwGM9"},              // uid
    v4(192, 168, 1, 10),                           // id.orig_h
    port{51234, port::protocol::tcp},              // id.orig_p
    v4(93, 184, 216, 34),                          // id.resp_h
    port{443, port::protocol::tcp},                // id.resp_p
    enum_value{"tcp"},                             // proto
    std::string{"ssl"},                            // service
    timespan{1234567890},                          // duration
    count{1432},                                   // orig_bytes
    count{48213},                                  // resp_bytes
    std::string{"SF"},                             // conn_state
    true,                                          // local_orig
    false,                                         // local_resp
    count{0},                                      // missed_bytes
    std::string{"ShADadFf"},                       // history
    count{17},                                     // orig_pkts
    count{2396},                                   // orig_ip_bytes
    set{std::string{"Site::LOCAL"}, std::string{"Notice::ACTION_LOG"}},
    data{},                                        // tunnel_parents (nil)
  };
}

std::vector<uint8_t> encoded(const data& x) {
  std::vector<uint8_t> buf;
  if (!format::encode(x, buf)) {
    std::cerr << "bench-codec: cannot encode the sample\n";
    std::abort();
  }
  return buf;
}

void run_encode(benchmark::State& state, const data& x) {
  std::vector<uint8_t> buf;
  buf.reserve(1024);
  for (auto _ : state) {
    buf.clear();
    format::encode(x, buf);
    benchmark::DoNotOptimize(buf.data());
    benchmark::ClobberMemory();
  }
  auto size = static_cast<int64_t>(encoded(x).size());
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * size);
  state.counters["bytes/value"] = static_cast<double>(size);
}

void run_decode(benchmark::State& state, const data& x) {
  auto buf = encoded(x);
  for (auto _ : state) {
    data y;
    auto err = format::decode(buf.data(), buf.size(), y);
    if (err) {
      state.SkipWithError("decode failed");
      break;
    }
    benchmark::DoNotOptimize(y);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations()
                          * static_cast<int64_t>(buf.size()));
  state.counters["bytes/value"] = static_cast<double>(buf.size());
}

void BM_EncodeSmall(benchmark::State& state) {
  run_encode(state, small_message());
}

void BM_DecodeSmall(benchmark::State& state) {
  run_decode(state, small_message());
}

void BM_EncodeLogRecord(benchmark::State& state) {
  run_encode(state, log_record());
}

void BM_DecodeLogRecord(benchmark::State& state) {
  run_decode(state, log_record());
}

} // namespace

BENCHMARK(BM_EncodeSmall);
BENCHMARK(BM_DecodeSmall);
BENCHMARK(BM_EncodeLogRecord);
BENCHMARK(BM_DecodeLogRecord);
