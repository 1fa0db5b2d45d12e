#include "store/store_registry.hh"

namespace broker::detail {

store_registry::frontend_ptr
store_registry::find(frontend kind, const std::string& name) const {
  std::lock_guard guard{mtx_};
  auto i = entries_.find({kind, name});
  return i != entries_.end() && !i->second->stopped() ? i->second : nullptr;
}

void store_registry::add(const frontend_ptr& x) {
  std::lock_guard guard{mtx_};
  if (closed_) {
    x->stop();
    return;
  }
  entries_[{x->kind(), x->name()}] = x;
}

uint64_t store_registry::next_object_id() noexcept {
  std::lock_guard guard{mtx_};
  return ++next_id_;
}

std::vector<store_registry::frontend_ptr> store_registry::snapshot() const {
  std::lock_guard guard{mtx_};
  std::vector<frontend_ptr> result;
  for (auto& [key, x] : entries_)
    result.push_back(x);
  return result;
}

std::vector<store_summary> store_registry::stats() const {
  std::lock_guard guard{mtx_};
  std::vector<store_summary> result;
  for (auto& [key, x] : entries_) {
    if (x->stopped())
      continue;
    store_summary s;
    s.kind = x->kind();
    s.name = x->name();
    auto& st = x->stats();
    s.entries = st.entries();
    s.updates = st.updates();
    for (size_t i = 0; i < store_op_count; ++i)
      s.operations[i] = st.operations(static_cast<store_op>(i));
    s.channels = st.channels();
    result.push_back(std::move(s));
  }
  return result;
}

std::string store_registry::sync_all(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (auto& x : snapshot())
    if (!x->sync(deadline))
      return x->name();
  return {};
}

void store_registry::stop_all() {
  std::lock_guard stopping{stop_mtx_};
  std::map<std::pair<frontend, std::string>, frontend_ptr> entries;
  {
    std::lock_guard guard{mtx_};
    closed_ = true;
    entries.swap(entries_);
  }
  for (auto& [key, x] : entries)
    x->stop();
}

} // namespace broker::detail
