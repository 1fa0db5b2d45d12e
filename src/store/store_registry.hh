#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/store_frontend.hh"

namespace broker::detail {

/// The masters and clones of one endpoint, by store name. The endpoint owns
/// it; used from user threads (attach_*, advance_time) and by the
/// endpoint's shutdown.
class store_registry {
public:
  using frontend_ptr = std::shared_ptr<store_frontend>;

  /// The live frontend of that kind and name, or null.
  frontend_ptr find(frontend kind, const std::string& name) const;

  void add(const frontend_ptr& x);

  /// A number for the next frontend's publisher id (1, 2, ...).
  uint64_t next_object_id() noexcept;

  /// Waits up to `timeout` until every frontend ran what was posted to it
  /// so far; returns the name of one that did not, or "".
  std::string sync_all(std::chrono::milliseconds timeout);

  /// The counters of every live frontend (any thread; no frontend escapes,
  /// so the caller never ends up holding the last reference to one).
  std::vector<store_summary> stats() const;

  /// Stops every frontend and forgets it; later calls find nothing. A
  /// second caller returns only when the first one is done, so that no
  /// caller goes on to stop the core while a store still runs.
  void stop_all();

private:
  std::vector<frontend_ptr> snapshot() const;

  mutable std::mutex mtx_;
  std::mutex stop_mtx_;
  std::map<std::pair<frontend, std::string>, frontend_ptr> entries_;
  uint64_t next_id_ = 0;
  bool closed_ = false;
};

} // namespace broker::detail
