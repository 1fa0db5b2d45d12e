#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <utility>

#include "broker/data.hh"
#include "broker/detail/message_block.hh"
#include "broker/topic.hh"

namespace broker {

class data_message;

namespace detail {

/// Wraps a block from `reuse_message_block` (taking over its reference).
data_message adopt_message_block(message_block* ptr) noexcept;

/// A store command on topic `t`: `payload` is the encoded command. Only
/// stores receive these; data subscribers never see them.
data_message make_command_message(topic t, std::string payload);

/// True if `msg` carries a store command rather than data.
bool is_command(const data_message& msg) noexcept;

} // namespace detail

/// A topic plus a value: the unit of publish/subscribe. Immutable once
/// published and shared by reference count, so delivering it to many
/// subscribers (or to another endpoint of the process) passes a pointer.
/// Copy-on-write: `move_data` moves only out of an unshared message.
class data_message {
public:
  /// An empty message (empty topic, nil data).
  data_message() noexcept = default;

  data_message(topic t, data d)
    : ptr_(detail::make_message_block(std::move(t), std::move(d))) {}

  data_message(const data_message& other) noexcept : ptr_(other.ptr_) {
    detail::retain(ptr_);
  }

  data_message(data_message&& other) noexcept : ptr_(other.ptr_) {
    other.ptr_ = nullptr;
  }

  data_message& operator=(const data_message& other) noexcept {
    detail::retain(other.ptr_);
    detail::release(ptr_);
    ptr_ = other.ptr_;
    return *this;
  }

  data_message& operator=(data_message&& other) noexcept {
    if (this != &other) {
      detail::release(ptr_);
      ptr_ = other.ptr_;
      other.ptr_ = nullptr;
    }
    return *this;
  }

  ~data_message() { detail::release(ptr_); }

  const topic& get_topic() const noexcept {
    return ptr_ ? ptr_->topic_ : empty_topic();
  }

  const data& get_data() const noexcept {
    return ptr_ ? ptr_->data_ : empty_data();
  }

  /// True if no other handle shares the content.
  bool unique() const noexcept {
    return !ptr_ || ptr_->refs.load(std::memory_order_acquire) == 1;
  }

  /// Moves the data out if unshared, copies it otherwise.
  data take_data() {
    if (!ptr_)
      return data{};
    return unique() ? std::move(ptr_->data_) : ptr_->data_;
  }

  topic take_topic() {
    if (!ptr_)
      return topic{};
    return unique() ? std::move(ptr_->topic_) : ptr_->topic_;
  }

  friend bool operator==(const data_message& x, const data_message& y) {
    return x.ptr_ == y.ptr_
           || (x.get_topic() == y.get_topic() && x.get_data() == y.get_data());
  }

  friend bool operator!=(const data_message& x, const data_message& y) {
    return !(x == y);
  }

private:
  friend data_message
  detail::adopt_message_block(detail::message_block*) noexcept;

  friend bool detail::is_command(const data_message&) noexcept;

  explicit data_message(detail::message_block* ptr) noexcept : ptr_(ptr) {}

  static const topic& empty_topic() noexcept;
  static const data& empty_data() noexcept;

  detail::message_block* ptr_ = nullptr;
};

inline data_message detail::adopt_message_block(message_block* ptr) noexcept {
  return data_message{ptr};
}

inline bool detail::is_command(const data_message& msg) noexcept {
  return msg.ptr_ != nullptr && msg.ptr_->command;
}

inline data_message detail::make_command_message(topic t,
                                                 std::string payload) {
  auto blk = make_message_block(std::move(t), data{std::move(payload)});
  blk->command = true;
  return adopt_message_block(blk);
}

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
