// The three event shapes. Their arguments match the Zeek script upstream's
// benchmark pairs with (event_1, event_2, event_3), so a Zeek receiver
// accepts them. Every string has a fixed length, so each type's events
// have one size on the wire.
#include <chrono>
#include <cstdio>

#include "benchmark.hh"
#include "broker/address.hh"
#include "broker/port.hh"
#include "broker/zeek.hh"

namespace broker::benchmark {

namespace {

timestamp now() {
  return std::chrono::time_point_cast<timespan>(
    std::chrono::system_clock::now());
}

/// A Zeek-like connection uid: "C" and 17 characters derived from `n`.
std::string uid(size_t n) {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "C%017zx", n);
  return buf;
}

/// An IPv4 address in its IPv4-mapped IPv6 form (::ffff:a.b.c.d).
address ipv4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  return address{std::array<uint8_t, 16>{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff,
                                         0xff, a, b, c, d}};
}

/// event_1(i: int, s: string).
vector args_1(size_t n) {
  return {integer{static_cast<integer>(n)}, std::string{"broker-benchmark"}};
}

/// event_2: the fields of a conn.log entry, in the order of Zeek's
/// Conn::Info (ts, uid, id, proto, service, duration, bytes, state, ...).
vector args_2(size_t n) {
  auto low = static_cast<uint8_t>(n & 0xff);
  vector conn_id{ipv4(10, 0, 0, low), port{49152, port::protocol::tcp},
                 ipv4(192, 168, 1, 1), port{443, port::protocol::tcp}};
  return {now(),
          uid(n),
          std::move(conn_id),
          enum_value{"tcp"},
          std::string{"ssl"},
          timespan{std::chrono::milliseconds{1500}},
          count{1024},
          count{4096},
          std::string{"SF"},
          true,
          false,
          count{0},
          std::string{"ShADadFf"},
          count{10},
          count{1500},
          count{12},
          count{5000},
          set{uid(n + 1)}};
}

/// The table of event_3: ten keys of five members each.
table make_table_3() {
  table t;
  for (int k = 0; k < 10; ++k) {
    set members;
    for (int m = 0; m < 5; ++m) {
      char buf[16];
      std::snprintf(buf, sizeof(buf), "member-%d-%d", k, m);
      members.emplace(std::string{buf});
    }
    char key[16];
    std::snprintf(key, sizeof(key), "key-%d", k);
    t.emplace(std::string{key}, std::move(members));
  }
  return t;
}

/// event_3(ts: time, t: table[string] of set[string]). The table is built
/// once and copied into each event (the copy allocates as a new one would).
vector args_3() {
  static const table t = make_table_3();
  return {now(), t};
}

} // namespace

data make_event(int type, size_t n) {
  switch (type) {
    case 2:
      return zeek::Event{"event_2", args_2(n)};
    case 3:
      return zeek::Event{"event_3", args_3()};
    default:
      return zeek::Event{"event_1", args_1(n)};
  }
}

} // namespace broker::benchmark
