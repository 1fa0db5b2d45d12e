#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "core/envelope.hh"
#include "format/node_message.hh"

namespace broker::detail {

/// The data messages encoded during one flush of the core, so that a
/// message going to several TCP peers is encoded once and its bytes copied
/// to each. Only broadcasts (receiver nil) are shared; a peer of ours gets
/// the extended form, any other the plain one.
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
  frame frame_of(const envelope& env, const node_id& sender, bool ours) {
    bool ext = ours && env.seq != 0;
    // The ttl means hops left only to our endpoints; others get upstream's.
    uint16_t ttl = ours ? env.ttl : format::upstream_ttl;
    key k{&env.msg.get_topic(), ttl, ext};
    if (auto i = index_.find(k); i != index_.end())
      return frame{bytes_.data() + i->second.first, i->second.second};
    auto start = bytes_.size();
    if (!format::write_data_message(bytes_, sender, node_id{}, ttl,
                                    env.msg.get_topic(), env.msg.get_data(),
                                    ext ? env.origin : node_id{}, env.seq))
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
    bool ext;
    bool operator==(const key& other) const noexcept {
      return msg == other.msg && ttl == other.ttl && ext == other.ext;
    }
  };

  struct key_hash {
    size_t operator()(const key& k) const noexcept {
      return std::hash<const void*>{}(k.msg) ^ (size_t{k.ttl} << 1) ^ k.ext;
    }
  };

  std::vector<uint8_t> bytes_;
  std::unordered_map<key, std::pair<size_t, size_t>, key_hash> index_;
};

} // namespace broker::detail
