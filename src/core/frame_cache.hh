#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "core/envelope.hh"
#include "format/compact_message.hh"
#include "format/node_message.hh"

namespace broker::detail {

/// The data messages encoded during one flush of the core, so that a
/// message going to several TCP peers is encoded once and its bytes copied
/// to each. Only broadcasts (not targeted) are shared; a peer of ours gets
/// the compact form, any other the plain v1 one.
class frame_cache {
public:
  struct frame {
    const uint8_t* data = nullptr;
    size_t size = 0;
    bool empty() const noexcept { return size == 0; }
  };

  /// The frame of `env` as `sender` broadcasts it, encoding it on first
  /// use; empty if the message exceeds the wire format's limits. Valid
  /// until the next call.
  frame frame_of(const envelope& env, const node_id& sender, bool compact) {
    // Peers that are not ours get upstream's ttl.
    uint16_t ttl = compact ? env.ttl : format::upstream_ttl;
    key k{&env.msg.get_topic(), ttl, compact};
    if (auto i = index_.find(k); i != index_.end())
      return frame{bytes_.data() + i->second.first, i->second.second};
    auto start = bytes_.size();
    auto& topic = env.msg.get_topic();
    auto& value = env.msg.get_data();
    auto origin = env.origin == sender ? node_id{} : env.origin;
    bool ok = compact ? format::write_compact_data(bytes_, false, ttl, topic,
                                                   value, origin, env.seq)
                      : format::write_data_message(bytes_, sender, node_id{},
                                                   ttl, topic, value);
    if (!ok)
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
    bool compact;
    bool operator==(const key& other) const noexcept {
      return msg == other.msg && ttl == other.ttl && compact == other.compact;
    }
  };

  struct key_hash {
    size_t operator()(const key& k) const noexcept {
      return std::hash<const void*>{}(k.msg) ^ (size_t{k.ttl} << 1) ^ k.compact;
    }
  };

  std::vector<uint8_t> bytes_;
  std::unordered_map<key, std::pair<size_t, size_t>, key_hash> index_;
};

} // namespace broker::detail
