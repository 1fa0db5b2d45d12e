#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "core/envelope.hh"
#include "format/wire.hh"

namespace broker::detail {

/// The data frames encoded during one flush of the core, so that a message
/// going to several TCP peers is encoded once and its bytes copied to each.
class frame_cache {
public:
  struct frame {
    const uint8_t* data = nullptr;
    size_t size = 0;
    bool empty() const noexcept { return size == 0; }
  };

  /// The frame of `env`, encoding it on first use; empty if the message
  /// exceeds the wire format's limits. Valid until the next call.
  frame frame_of(const envelope& env) {
    key k{&env.msg.get_topic(), env.ttl};
    if (auto i = index_.find(k); i != index_.end())
      return frame{bytes_.data() + i->second.first, i->second.second};
    auto start = bytes_.size();
    if (!format::write_data_frame(env.origin, env.seq, env.ttl, env.targeted,
                                  env.msg.get_topic(), env.msg.get_data(),
                                  bytes_))
      bytes_.resize(start);
    auto size = bytes_.size() - start;
    index_.emplace(k, std::make_pair(start, size));
    return frame{bytes_.data() + start, size};
  }

  void clear() {
    if (!bytes_.empty() || !index_.empty()) {
      bytes_.clear();
      index_.clear();
    }
  }

private:
  /// A message is shared by every peer's envelope: its address names it.
  struct key {
    const void* msg;
    uint16_t ttl;
    bool operator==(const key& other) const noexcept {
      return msg == other.msg && ttl == other.ttl;
    }
  };

  struct key_hash {
    size_t operator()(const key& k) const noexcept {
      return std::hash<const void*>{}(k.msg) ^ k.ttl;
    }
  };

  std::vector<uint8_t> bytes_;
  std::unordered_map<key, std::pair<size_t, size_t>, key_hash> index_;
};

} // namespace broker::detail
