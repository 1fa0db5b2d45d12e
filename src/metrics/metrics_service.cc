#include "metrics/metrics_service.hh"

#include <unistd.h>

#include "broker/message.hh"
#include "log/log.hh"
#include "metrics/metric_export.hh"
#include "metrics/prometheus_text.hh"
#include "metrics/status_json.hh"

namespace broker::detail::metrics {

metrics_service::metrics_service(asio::io_context& io, metrics_params params,
                                 metrics_source& source,
                                 std::shared_ptr<subscriber_queue> imports)
  : io_(io),
    params_(std::move(params)),
    source_(source),
    imports_(std::move(imports)),
    import_fd_(io),
    export_timer_(io) {}

metrics_service::~metrics_service() {
  stopped_ = true;
  std::error_code ignored;
  export_timer_.cancel();
  import_fd_.close(ignored);
  server_.reset();
}

error metrics_service::start() {
  if (!params_.export_topic.empty())
    start_export();
  if (imports_) {
    import_fd_.assign(::dup(imports_->fd()));
    watch_imports();
  }
  if (!params_.port)
    return {};
  server_ = std::make_unique<http_server>(
    io_, [this](const std::string& method, const std::string& path) {
      return handle(method, path);
    });
  auto bound = server_->listen(params_.address, *params_.port);
  if (!bound) {
    BROKER_ERROR("metrics: {}", bound.error().message());
    source_.report(bound.error());
    server_.reset();
    return bound.error();
  }
  port_ = *bound;
  BROKER_INFO("metrics: serving HTTP on {}:{}",
              params_.address.empty() ? "*" : params_.address, *bound);
  return {};
}

http_response metrics_service::handle(const std::string& method,
                                      const std::string& path) {
  if (path != "/metrics" && path != "/v1/status/json")
    return {404, "text/plain", "not found: try /metrics or /v1/status/json\n"};
  if (method != "GET")
    return {405, "text/plain", "only GET is supported\n"};
  BROKER_DEBUG("metrics: serving {}", path);
  if (path == "/metrics")
    return {200, prometheus_content_type, metrics_text()};
  return {200, "application/json", status_json(source_.status())};
}

std::string metrics_service::metrics_text() {
  auto xs = source_.collect();
  if (imports_) {
    drain_imports();
    collector_.append_to(xs);
  }
  return prometheus_text(xs);
}

void metrics_service::export_now() {
  metric_export x;
  x.id = params_.export_id();
  x.time = broker::now();
  x.metrics = source_.collect().select(params_.export_prefixes);
  // The id names the source; a local endpoint label would repeat it.
  x.metrics.remove_label("endpoint");
  if (x.metrics.empty())
    return; // Upstream sends nothing without metrics either.
  source_.publish(topic{params_.export_topic}, to_data(x));
}

void metrics_service::change_export(
  const std::function<void(metrics_params&)>& change) {
  change(params_);
  ++export_generation_;
  export_timer_.cancel();
  if (params_.export_topic.empty()) {
    BROKER_INFO("metrics: export stopped");
    return;
  }
  start_export();
}

void metrics_service::start_export() {
  BROKER_INFO("metrics: publishing on {} every {} ms as '{}'",
              params_.export_topic,
              std::chrono::duration_cast<std::chrono::milliseconds>(
                params_.export_interval)
                .count(),
              params_.export_id());
  next_export_ = asio::steady_timer::clock_type::now();
  schedule_export();
}

void metrics_service::schedule_export() {
  // Ticks on a fixed grid from the start: a slow export does not shift
  // the ones after it.
  next_export_ += std::chrono::duration_cast<asio::steady_timer::duration>(
    params_.export_interval);
  export_timer_.expires_at(next_export_);
  export_timer_.async_wait([this, gen = export_generation_](std::error_code ec) {
    if (ec || stopped_ || gen != export_generation_)
      return;
    export_now();
    schedule_export();
  });
}

void metrics_service::watch_imports() {
  import_fd_.async_wait(asio::posix::stream_descriptor::wait_read,
                        [this](std::error_code ec) {
                          if (ec || stopped_)
                            return;
                          drain_imports();
                          if (!imports_->closed())
                            watch_imports();
                        });
}

void metrics_service::drain_imports() {
  for (auto& msg : imports_->pop_all())
    if (auto ok = collector_.add(msg.get_data()); !ok)
      BROKER_WARNING("metrics: ignoring a message on {}: {}", msg.get_topic().string(),
                     ok.error().message());
}

} // namespace broker::detail::metrics
