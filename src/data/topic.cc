#include "broker/topic.hh"

#include <ostream>

namespace broker {

namespace {

// Topics on this prefix are local by definition: the core never advertises
// or forwards them (errors, statuses, store events).
constexpr std::string_view internal_prefix = "<$>/local/";

} // namespace

std::vector<std::string> topic::split(const topic& t) {
  std::vector<std::string> result;
  std::string_view rest{t.str_};
  while (!rest.empty()) {
    auto pos = rest.find(sep);
    auto part = rest.substr(0, pos);
    if (!part.empty())
      result.emplace_back(part);
    if (pos == std::string_view::npos)
      break;
    rest.remove_prefix(pos + 1);
  }
  return result;
}

topic topic::join(const std::vector<std::string>& components) {
  topic result;
  for (const auto& component : components)
    result /= topic{component};
  return result;
}

topic topic::master_suffix() {
  return topic{std::string{master_suffix_str}};
}

topic topic::clone_suffix() {
  return topic{std::string{clone_suffix_str}};
}

topic topic::errors() {
  return topic{std::string{errors_str}};
}

topic topic::statuses() {
  return topic{std::string{statuses_str}};
}

topic topic::store_events() {
  return topic{std::string{store_events_str}};
}

topic& topic::operator/=(const topic& rhs) {
  if (!str_.empty() && !rhs.str_.empty() && rhs.str_.front() != sep)
    str_ += sep;
  str_ += rhs.str_;
  if (!str_.empty() && str_.back() == sep)
    str_.pop_back();
  return *this;
}

std::string topic::suffix() const {
  auto pos = str_.rfind(sep);
  if (pos == std::string::npos)
    return str_;
  return str_.substr(pos + 1);
}

bool topic::prefix_of(const topic& t) const noexcept {
  return is_prefix(t, str_);
}

topic operator/(const topic& lhs, const topic& rhs) {
  topic result{lhs};
  result /= rhs;
  return result;
}

bool is_prefix(const topic& t, std::string_view prefix) noexcept {
  return std::string_view{t.string()}.substr(0, prefix.size()) == prefix;
}

bool is_internal(const topic& t) noexcept {
  return is_prefix(t, internal_prefix);
}

std::string to_string(const topic& t) {
  return t.string();
}

bool convert(const topic& t, std::string& str) {
  str = t.string();
  return true;
}

std::ostream& operator<<(std::ostream& out, const topic& t) {
  return out << t.string();
}

} // namespace broker
