#include "format/peer_extensions.hh"

#include <cstring>

#include "format/byte_io.hh"

namespace broker::format {

namespace {

constexpr uint8_t probe_magic[] = {'B', 'R', 'K', 'X'};
constexpr uint8_t probe_version = 1;
constexpr uint8_t flag_shortcut = 0x01;

} // namespace

std::vector<uint8_t> extension_probe(const peer_extensions& mine) {
  std::vector<uint8_t> out{std::begin(probe_magic), std::end(probe_magic)};
  out.push_back(probe_version);
  out.push_back(mine.shortcut ? flag_shortcut : 0);
  put_be(out, mine.process_token, 8);
  return out;
}

bool read_extension_probe(const uint8_t* payload, size_t size,
                          peer_extensions& theirs) {
  // A later version may append fields: only the prefix must match.
  if (size < extension_probe_size
      || std::memcmp(payload, probe_magic, sizeof(probe_magic)) != 0
      || payload[4] < probe_version)
    return false;
  theirs.ours = true;
  theirs.shortcut = (payload[5] & flag_shortcut) != 0;
  auto pos = payload + 6;
  get_be(pos, payload + size, 8, theirs.process_token);
  return true;
}

std::vector<uint8_t> heartbeat_payload(uint64_t counter) {
  std::vector<uint8_t> out{'B', 'R', 'K', 'H'};
  put_be(out, counter, 8);
  return out;
}

std::vector<uint8_t> bye_payload(uint64_t id) {
  std::vector<uint8_t> out{'B', 'Y', 'E'};
  put_be(out, id, 8);
  return out;
}

bool is_bye(const uint8_t* payload, size_t size) {
  return size == 11 && std::memcmp(payload, "BYE", 3) == 0;
}

} // namespace broker::format
