#pragma once

// Builds the store event vectors that broker/store_event.hh views (layouts
// in docs/stores.md, "Store events"). Masters and clones publish these on
// `<$>/local/data/store-events/<store>`.

#include <optional>
#include <string>

#include "broker/data.hh"
#include "broker/publisher_id.hh"
#include "broker/time.hh"

namespace broker::detail {

/// `["insert", store_id, key, value, expiry|nil, pub_node|nil, pub_obj|nil]`
data make_insert_event(const std::string& store_id, const data& key,
                       const data& value, std::optional<timespan> expiry,
                       const publisher_id& publisher);

/// `["update", store_id, key, old, new, expiry|nil, pub_node|nil,
/// pub_obj|nil]`
data make_update_event(const std::string& store_id, const data& key,
                       const data& old_value, const data& new_value,
                       std::optional<timespan> expiry,
                       const publisher_id& publisher);

/// `["erase", store_id, key, pub_node|nil, pub_obj|nil]`
data make_erase_event(const std::string& store_id, const data& key,
                      const publisher_id& publisher);

/// `["expire", store_id, key, pub_node|nil, pub_obj|nil]`
data make_expire_event(const std::string& store_id, const data& key,
                       const publisher_id& publisher);

} // namespace broker::detail
