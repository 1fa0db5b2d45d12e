#include "store/event_builder.hh"

#include "broker/store_event.hh"

namespace broker::detail {

namespace {

// The first three slots of every layout.
vector event_head(store_event::type tag, const std::string& store_id,
                  const data& key, size_t size) {
  vector xs;
  xs.reserve(size);
  xs.emplace_back(std::string{to_string(tag)});
  xs.emplace_back(store_id);
  xs.emplace_back(key);
  return xs;
}

void append_expiry(vector& xs, std::optional<timespan> expiry) {
  if (expiry)
    xs.emplace_back(*expiry);
  else
    xs.emplace_back(nil);
}

// An unknown publisher is two nils, as the views expect.
void append_publisher(vector& xs, const publisher_id& publisher) {
  if (publisher) {
    xs.emplace_back(to_string(publisher.endpoint));
    xs.emplace_back(count{publisher.object});
  } else {
    xs.emplace_back(nil);
    xs.emplace_back(nil);
  }
}

} // namespace

data make_insert_event(const std::string& store_id, const data& key,
                       const data& value, std::optional<timespan> expiry,
                       const publisher_id& publisher) {
  auto xs = event_head(store_event::type::insert, store_id, key, 7);
  xs.emplace_back(value);
  append_expiry(xs, expiry);
  append_publisher(xs, publisher);
  return xs;
}

data make_update_event(const std::string& store_id, const data& key,
                       const data& old_value, const data& new_value,
                       std::optional<timespan> expiry,
                       const publisher_id& publisher) {
  auto xs = event_head(store_event::type::update, store_id, key, 8);
  xs.emplace_back(old_value);
  xs.emplace_back(new_value);
  append_expiry(xs, expiry);
  append_publisher(xs, publisher);
  return xs;
}

data make_erase_event(const std::string& store_id, const data& key,
                      const publisher_id& publisher) {
  auto xs = event_head(store_event::type::erase, store_id, key, 5);
  append_publisher(xs, publisher);
  return xs;
}

data make_expire_event(const std::string& store_id, const data& key,
                       const publisher_id& publisher) {
  auto xs = event_head(store_event::type::expire, store_id, key, 5);
  append_publisher(xs, publisher);
  return xs;
}

} // namespace broker::detail
