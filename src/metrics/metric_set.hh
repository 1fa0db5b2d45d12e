#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "metrics/metric_family.hh"

namespace broker::detail::metrics {

/// A set of metric families by name: what one scrape shows, one export
/// carries or one imported endpoint last sent.
class metric_set {
public:
  /// The family `name`, added (with `help` and `type`) if new.
  metric_family& family(std::string_view name, std::string_view help,
                        metric_type type);

  /// Adds one sample to the family `name`.
  void add(std::string_view name, std::string_view help, metric_type type,
           label_list labels, double value);

  /// Appends the samples of `other`'s families to ours (same name, same
  /// family); a family whose type differs from ours is left out.
  void merge(const metric_set& other);

  /// The families whose prefix (the name up to its first `_`) is one of
  /// `prefixes`; all of them for an empty list. Upstream's
  /// broker.metrics.export.prefixes matches the same way.
  metric_set select(const std::vector<std::string>& prefixes) const;

  /// Adds label `name`=`value` in front of every sample's labels, replacing
  /// a label of that name.
  void set_label(const std::string& name, const std::string& value);

  /// Removes label `name` from every sample.
  void remove_label(std::string_view name);

  const std::vector<metric_family>& families() const noexcept {
    return families_;
  }

  bool empty() const noexcept { return families_.empty(); }

  /// The prefix of a metric name: up to its first `_` (all of it without).
  static std::string_view prefix_of(std::string_view name) noexcept;

private:
  std::vector<metric_family> families_;
};

} // namespace broker::detail::metrics
