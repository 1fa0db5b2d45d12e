#include "broker/status_subscriber.hh"

namespace broker {

namespace {

/// Converts an errors-topic or statuses-topic message; none if malformed.
status_variant to_status_variant(const data_message& msg) {
  if (msg.get_topic() == topic::errors()) {
    error err;
    if (convert(msg.get_data(), err))
      return err;
  } else {
    status st;
    if (convert(msg.get_data(), st))
      return st;
  }
  return none{};
}

} // namespace

status_variant status_subscriber::get() {
  // none once the subscriber can receive nothing more (shutdown, reset).
  return get_until(detail::steady_deadline::max());
}

status_variant status_subscriber::get_until(detail::steady_deadline deadline) {
  while (auto msg = impl_.get_until(deadline)) {
    auto result = to_status_variant(*msg);
    if (!std::holds_alternative<none>(result))
      return result;
  }
  return none{};
}

std::vector<status_variant> status_subscriber::get(size_t num) {
  return get_until(num, detail::steady_deadline::max());
}

std::vector<status_variant>
status_subscriber::get_until(size_t num, detail::steady_deadline deadline) {
  std::vector<status_variant> result;
  while (result.size() < num) {
    auto msgs = impl_.get_until(num - result.size(), deadline);
    if (msgs.empty())
      break;
    for (auto& msg : msgs) {
      auto x = to_status_variant(msg);
      if (!std::holds_alternative<none>(x))
        result.emplace_back(std::move(x));
    }
  }
  return result;
}

std::vector<status_variant> status_subscriber::poll() {
  std::vector<status_variant> result;
  for (auto& msg : impl_.poll()) {
    auto x = to_status_variant(msg);
    if (!std::holds_alternative<none>(x))
      result.emplace_back(std::move(x));
  }
  return result;
}

} // namespace broker
