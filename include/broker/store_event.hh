#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

#include "broker/data.hh"
#include "broker/publisher_id.hh"
#include "broker/time.hh"

namespace broker {

namespace detail {

/// What the four store event views share: a pointer to the viewed vector
/// (null for an invalid view) and the fields every layout has. The accessors
/// require a valid view.
class store_event_view {
public:
  explicit operator bool() const noexcept {
    return xs_ != nullptr;
  }

  bool operator!() const noexcept {
    return xs_ == nullptr;
  }

  /// The viewed vector, or null.
  const vector* raw() const noexcept {
    return xs_;
  }

  /// The name of the store that changed.
  const std::string& store_id() const {
    return get<std::string>((*xs_)[1]);
  }

  const data& key() const noexcept {
    return (*xs_)[2];
  }

protected:
  explicit store_event_view(const vector* xs) noexcept : xs_(xs) {}

  const data& at(size_t i) const noexcept {
    return (*xs_)[i];
  }

  /// The (relative) expiry at slot `i`; nil means none.
  std::optional<timespan> expiry_at(size_t i) const noexcept;

  /// The publisher in slots `i` (node text) and `i + 1` (object); two nils
  /// mean none.
  publisher_id publisher_at(size_t i) const;

private:
  const vector* xs_;
};

} // namespace detail

/// Views on the events that masters and clones publish on
/// `<$>/local/data/store-events/<store>`. Each `make` checks the layout
/// exactly and yields an invalid view (false in a boolean context) for
/// anything else. A view borrows the vector: it must outlive the view.
///
/// Layouts (`pub_node` is a node id's text form, `pub_obj` a count; both nil
/// when the publisher is unknown; `expiry` is a relative timespan or nil):
/// - `["insert", store_id, key, value, expiry, pub_node, pub_obj]`
/// - `["update", store_id, key, old, new, expiry, pub_node, pub_obj]`
/// - `["erase", store_id, key, pub_node, pub_obj]`
/// - `["expire", store_id, key, pub_node, pub_obj]`
class store_event {
public:
  enum class type : uint8_t {
    insert,
    update,
    erase,
    expire,
  };

  class insert : public detail::store_event_view {
  public:
    static insert make(const data& src) noexcept;
    static insert make(const vector& xs) noexcept;

    const data& value() const noexcept {
      return at(3);
    }

    std::optional<timespan> expiry() const noexcept {
      return expiry_at(4);
    }

    publisher_id publisher() const {
      return publisher_at(5);
    }

  private:
    using store_event_view::store_event_view;
  };

  class update : public detail::store_event_view {
  public:
    static update make(const data& src) noexcept;
    static update make(const vector& xs) noexcept;

    const data& old_value() const noexcept {
      return at(3);
    }

    const data& new_value() const noexcept {
      return at(4);
    }

    std::optional<timespan> expiry() const noexcept {
      return expiry_at(5);
    }

    publisher_id publisher() const {
      return publisher_at(6);
    }

  private:
    using store_event_view::store_event_view;
  };

  class erase : public detail::store_event_view {
  public:
    static erase make(const data& src) noexcept;
    static erase make(const vector& xs) noexcept;

    publisher_id publisher() const {
      return publisher_at(3);
    }

  private:
    using store_event_view::store_event_view;
  };

  class expire : public detail::store_event_view {
  public:
    static expire make(const data& src) noexcept;
    static expire make(const vector& xs) noexcept;

    publisher_id publisher() const {
      return publisher_at(3);
    }

  private:
    using store_event_view::store_event_view;
  };
};

/// Returns "insert", "update", "erase" or "expire".
const char* to_string(store_event::type x) noexcept;

/// Parses one of the names above.
bool convert(const std::string& src, store_event::type& dst) noexcept;

/// Parses a string holding one of the names above.
bool convert(const data& src, store_event::type& dst) noexcept;

/// Stores the name as a string.
bool convert(store_event::type src, data& dst);

bool convertible_to_store_event_type(const data& src) noexcept;

/// Renders the viewed vector, or `invalid` for an invalid view.
std::string to_string(const detail::store_event_view& x);

std::ostream& operator<<(std::ostream& out, store_event::type x);

} // namespace broker
