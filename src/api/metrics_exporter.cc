// endpoint::metrics_exporter(): upstream's run-time setters for the metrics
// export. Each one changes the settings on the core thread, starting the
// metrics service if the configuration asked for none.
#include <utility>

#include "api/endpoint_metrics.hh"
#include "broker/endpoint.hh"
#include "metrics/metrics_params.hh"

namespace broker {

using detail::metrics::metrics_params;

void endpoint::metrics_exporter_t::set_interval(timespan interval) {
  if (interval.count() <= 0)
    return;
  parent_->change_metrics_export(
    [interval](metrics_params& p) { p.export_interval = interval; });
}

void endpoint::metrics_exporter_t::set_target(topic target) {
  if (target.string().empty())
    return;
  parent_->change_metrics_export(
    [t = std::move(target)](metrics_params& p) { p.export_topic = t.string(); });
}

void endpoint::metrics_exporter_t::set_id(std::string id) {
  parent_->change_metrics_export(
    [id = std::move(id)](metrics_params& p) { p.export_name = id; });
}

void endpoint::metrics_exporter_t::set_prefixes(
  std::vector<std::string> prefixes) {
  parent_->change_metrics_export(
    [xs = std::move(prefixes)](metrics_params& p) { p.export_prefixes = xs; });
}

void endpoint::change_metrics_export(
  std::function<void(metrics_params&)> change) {
  std::lock_guard guard{metrics_mtx_};
  if (core_->is_shutdown())
    return;
  if (!metrics_) {
    metrics_ = std::make_unique<detail::endpoint_metrics>(
      core_, *stores_, metrics_params::from(core_->config()));
    metrics_->start();
  }
  metrics_->change_export(change);
}

} // namespace broker
