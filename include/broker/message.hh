#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <utility>

#include "broker/data.hh"
#include "broker/topic.hh"

namespace broker {

/// A topic plus a value: the unit of publish/subscribe. Immutable once
/// published and shared by reference count, so delivering it to many
/// subscribers (or to another endpoint of the process) passes a pointer.
/// Copy-on-write: `move_data` moves only out of an unshared message.
class data_message {
public:
  /// An empty message (empty topic, nil data).
  data_message();

  data_message(topic t, data d)
    : ptr_(std::make_shared<content>(std::move(t), std::move(d))) {}

  const topic& get_topic() const noexcept { return ptr_->first; }

  const data& get_data() const noexcept { return ptr_->second; }

  /// True if no other handle shares the content.
  bool unique() const noexcept { return ptr_.use_count() == 1; }

  /// Moves the data out if unshared, copies it otherwise.
  data take_data() {
    return unique() ? std::move(ptr_->second) : ptr_->second;
  }

  topic take_topic() {
    return unique() ? std::move(ptr_->first) : ptr_->first;
  }

  friend bool operator==(const data_message& x, const data_message& y) {
    return x.ptr_ == y.ptr_
           || (x.get_topic() == y.get_topic() && x.get_data() == y.get_data());
  }

  friend bool operator!=(const data_message& x, const data_message& y) {
    return !(x == y);
  }

private:
  using content = std::pair<topic, data>;

  std::shared_ptr<content> ptr_;
};

inline data_message make_data_message(topic t, data d) {
  return data_message{std::move(t), std::move(d)};
}

inline const topic& get_topic(const data_message& msg) {
  return msg.get_topic();
}

inline const data& get_data(const data_message& msg) {
  return msg.get_data();
}

inline data move_data(data_message& msg) {
  return msg.take_data();
}

inline data move_data(data_message&& msg) {
  return msg.take_data();
}

inline topic move_topic(data_message& msg) {
  return msg.take_topic();
}

inline topic move_topic(data_message&& msg) {
  return msg.take_topic();
}

/// Renders `(<topic>, <data>)`.
std::string to_string(const data_message& msg);

std::ostream& operator<<(std::ostream& out, const data_message& msg);

} // namespace broker
