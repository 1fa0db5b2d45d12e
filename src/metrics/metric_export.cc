// Upstream's export layout (its metric_scraper and metric_collector, CAF's
// naming): a family `prefix` + `name` + `unit` + `is_sum` becomes the
// Prometheus name prefix_name[_unit][_total], with `-` in `name` as `_`.
#include "metrics/metric_export.hh"

#include <cmath>

namespace broker::detail::metrics {

namespace {

bool ends_with(const std::string& x, std::string_view suffix) {
  return x.size() >= suffix.size()
         && x.compare(x.size() - suffix.size(), suffix.size(), suffix) == 0;
}

/// Splits a full name into upstream's prefix, name and is_sum.
void split(const metric_family& family, std::string& prefix,
           std::string& name, bool& is_sum) {
  auto full = family.name;
  is_sum = family.type == metric_type::counter && ends_with(full, "_total");
  if (is_sum)
    full.resize(full.size() - 6);
  prefix = std::string{metric_set::prefix_of(full)};
  name = prefix.size() < full.size() ? full.substr(prefix.size() + 1) : "";
  for (auto& c : name)
    if (c == '_')
      c = '-';
}

data make_value(const metric_sample& x) {
  if (x.real || std::floor(x.value) != x.value)
    return data{x.value};
  return data{static_cast<integer>(x.value)};
}

data make_row(const std::string& prefix, const std::string& name,
              bool is_sum, const metric_family& family,
              const metric_sample& x) {
  table labels;
  for (auto& [key, value] : x.labels)
    labels.emplace(key, value);
  return vector{prefix,        name,   to_string(family.type),
                "1",           family.help, is_sum,
                std::move(labels), make_value(x)};
}

error bad(const std::string& what) {
  return error{ec::invalid_data, "metrics export: " + what};
}

/// Reads one row into `out`; false if it is not one we can use.
expected<bool> read_row(const data& row, metric_set& out) {
  auto xs = get_if<vector>(row);
  if (!xs || xs->size() != 8)
    return bad("a row is not a vector of 8 elements");
  auto prefix = get_if<std::string>((*xs)[0]);
  auto name = get_if<std::string>((*xs)[1]);
  auto type = get_if<std::string>((*xs)[2]);
  auto unit = get_if<std::string>((*xs)[3]);
  auto help = get_if<std::string>((*xs)[4]);
  auto is_sum = get_if<boolean>((*xs)[5]);
  auto labels = get_if<table>((*xs)[6]);
  if (!prefix || !name || !type || !unit || !help || !is_sum || !labels)
    return bad("a row's fields have the wrong types");
  if (*type != "counter" && *type != "gauge")
    return false; // Histograms: not served here (docs/compatibility.md).
  double value;
  bool real = false;
  if (auto i = get_if<integer>((*xs)[7]))
    value = static_cast<double>(*i);
  else if (auto c = get_if<count>((*xs)[7]))
    value = static_cast<double>(*c);
  else if (auto r = get_if<broker::real>((*xs)[7]))
    value = *r, real = true;
  else
    return bad("a row's value is not a number");
  auto kind = *type == "counter" ? metric_type::counter : metric_type::gauge;
  std::string full = *prefix;
  if (!name->empty())
    full += '_' + *name;
  if (*unit != "1" && !unit->empty())
    full += '_' + *unit;
  for (auto& c : full)
    if (c == '-')
      c = '_';
  if (*is_sum && kind == metric_type::counter)
    full += "_total";
  label_list ls;
  for (auto& [key, val] : *labels) {
    auto k = get_if<std::string>(key);
    auto v = get_if<std::string>(val);
    if (!k || !v)
      return bad("a row's labels are not strings");
    ls.emplace_back(*k, *v);
  }
  out.family(full, *help, kind)
    .samples.push_back(metric_sample{std::move(ls), value, real});
  return true;
}

} // namespace

data to_data(const metric_export& x) {
  vector result;
  result.emplace_back(vector{x.id, x.time});
  for (auto& family : x.metrics.families()) {
    std::string prefix, name;
    bool is_sum = false;
    split(family, prefix, name, is_sum);
    for (auto& sample : family.samples)
      result.push_back(make_row(prefix, name, is_sum, family, sample));
  }
  return data{std::move(result)};
}

expected<metric_export> from_data(const data& x) {
  auto xs = get_if<vector>(x);
  if (!xs || xs->empty())
    return bad("not a non-empty vector");
  auto meta = get_if<vector>(xs->front());
  if (!meta || meta->size() != 2 || !is<std::string>((*meta)[0])
      || !is<timestamp>((*meta)[1]))
    return bad("the first element is not [id, timestamp]");
  metric_export result;
  result.id = get<std::string>((*meta)[0]);
  result.time = get<timestamp>((*meta)[1]);
  for (size_t i = 1; i < xs->size(); ++i)
    if (auto ok = read_row((*xs)[i], result.metrics); !ok)
      return ok.error();
  return result;
}

} // namespace broker::detail::metrics
