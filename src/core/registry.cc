#include "core/registry.hh"

#include <mutex>
#include <random>
#include <unordered_map>

namespace broker::detail::registry {

namespace {

struct table {
  std::mutex mtx;
  std::unordered_map<node_id, std::weak_ptr<core>> cores;
};

table& instance() {
  // Never destroyed: endpoints in static objects may outlive it otherwise.
  static auto* result = new table;
  return *result;
}

} // namespace

void add(const node_id& id, const std::weak_ptr<core>& ptr) {
  auto& t = instance();
  std::lock_guard guard{t.mtx};
  t.cores[id] = ptr;
}

void remove(const node_id& id) {
  auto& t = instance();
  std::lock_guard guard{t.mtx};
  t.cores.erase(id);
}

std::shared_ptr<core> find(const node_id& id) {
  auto& t = instance();
  std::lock_guard guard{t.mtx};
  auto i = t.cores.find(id);
  return i != t.cores.end() ? i->second.lock() : nullptr;
}

uint64_t process_token() {
  static const uint64_t token = [] {
    std::random_device rd;
    return (uint64_t{rd()} << 32) ^ rd();
  }();
  return token;
}

} // namespace broker::detail::registry
