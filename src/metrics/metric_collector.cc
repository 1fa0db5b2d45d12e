#include "metrics/metric_collector.hh"

#include "metrics/metric_export.hh"

namespace broker::detail::metrics {

expected<bool> metric_collector::add(const data& msg) {
  auto x = from_data(msg);
  if (!x)
    return x.error();
  auto i = latest_.find(x->id);
  if (i != latest_.end() && x->time <= i->second.time)
    return false; // Reordered or repeated: keep the newer one.
  // Each export is complete: it replaces the previous one, so a metric the
  // endpoint no longer has (a peer that left) disappears.
  x->metrics.set_label("endpoint", x->id);
  latest_[x->id] = entry{x->time, std::move(x->metrics)};
  return true;
}

void metric_collector::append_to(metric_set& out) const {
  for (auto& kvp : latest_)
    out.merge(kvp.second.metrics);
}

} // namespace broker::detail::metrics
