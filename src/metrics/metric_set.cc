#include "metrics/metric_set.hh"

#include <algorithm>

namespace broker::detail::metrics {

const char* to_string(metric_type x) noexcept {
  return x == metric_type::counter ? "counter" : "gauge";
}

metric_family& metric_set::family(std::string_view name,
                                  std::string_view help, metric_type type) {
  // Few families (tens): a linear search beats keeping an index current.
  for (auto& x : families_)
    if (x.name == name)
      return x;
  auto& x = families_.emplace_back();
  x.name = std::string{name};
  x.help = std::string{help};
  x.type = type;
  return x;
}

void metric_set::add(std::string_view name, std::string_view help,
                     metric_type type, label_list labels, double value) {
  family(name, help, type)
    .samples.push_back(metric_sample{std::move(labels), value, false});
}

void metric_set::merge(const metric_set& other) {
  for (auto& theirs : other.families_) {
    auto& ours = family(theirs.name, theirs.help, theirs.type);
    if (ours.type != theirs.type)
      continue; // One name, two types: Prometheus would reject the scrape.
    ours.samples.insert(ours.samples.end(), theirs.samples.begin(),
                        theirs.samples.end());
  }
}

std::string_view metric_set::prefix_of(std::string_view name) noexcept {
  return name.substr(0, name.find('_'));
}

metric_set metric_set::select(const std::vector<std::string>& prefixes) const {
  if (prefixes.empty())
    return *this;
  metric_set result;
  for (auto& x : families_) {
    auto prefix = prefix_of(x.name);
    if (std::find(prefixes.begin(), prefixes.end(), prefix) != prefixes.end())
      result.families_.push_back(x);
  }
  return result;
}

void metric_set::set_label(const std::string& name, const std::string& value) {
  remove_label(name);
  for (auto& x : families_)
    for (auto& sample : x.samples)
      sample.labels.insert(sample.labels.begin(), {name, value});
}

void metric_set::remove_label(std::string_view name) {
  for (auto& x : families_)
    for (auto& sample : x.samples) {
      auto& xs = sample.labels;
      xs.erase(std::remove_if(xs.begin(), xs.end(),
                              [name](auto& kvp) { return kvp.first == name; }),
               xs.end());
    }
}

} // namespace broker::detail::metrics
