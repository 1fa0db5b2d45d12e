#include "broker/subscriber.hh"

#include "core/core.hh"

namespace broker {

subscriber::subscriber(std::shared_ptr<detail::core> core,
                       std::shared_ptr<detail::subscriber_queue> queue)
  : core_(std::move(core)), queue_(std::move(queue)) {}

subscriber::subscriber(subscriber&&) noexcept = default;

subscriber& subscriber::operator=(subscriber&& other) noexcept {
  if (this != &other) {
    reset();
    core_ = std::move(other.core_);
    queue_ = std::move(other.queue_);
  }
  return *this;
}

subscriber::~subscriber() {
  reset();
}

data_message subscriber::get() {
  // Blocks until a message arrives; after shutdown or reset (upstream: UB)
  // it returns an empty message instead of blocking forever.
  if (auto msg = get_until(detail::steady_deadline::max()))
    return std::move(*msg);
  return data_message{topic{}, data{}};
}

std::optional<data_message>
subscriber::get_until(detail::steady_deadline deadline) {
  if (!queue_)
    return std::nullopt;
  return queue_->pop(deadline);
}

std::vector<data_message> subscriber::get(size_t num) {
  return get_until(num, detail::steady_deadline::max());
}

std::vector<data_message>
subscriber::get_until(size_t num, detail::steady_deadline deadline) {
  std::vector<data_message> result;
  if (num == 0 || !queue_)
    return result;
  result.reserve(num);
  queue_->pop_n(result, num, deadline);
  return result;
}

std::vector<data_message> subscriber::poll() {
  return queue_ ? queue_->pop_all() : std::vector<data_message>{};
}

size_t subscriber::available() const noexcept {
  return queue_ ? queue_->size() : 0;
}

int subscriber::fd() const noexcept {
  return queue_ ? queue_->fd() : -1;
}

size_t subscriber::dropped() const noexcept {
  return queue_ ? queue_->dropped() : 0;
}

void subscriber::add_topic(topic x, bool block) {
  update_topic(std::move(x), true, block);
}

void subscriber::remove_topic(topic x, bool block) {
  update_topic(std::move(x), false, block);
}

void subscriber::update_topic(topic x, bool add, bool block) {
  if (core_ && queue_)
    core_->update_subscriber(queue_, std::move(x), add, block);
}

void subscriber::reset() {
  if (core_ && queue_)
    core_->remove_subscriber(queue_);
  core_.reset();
  queue_.reset();
}

} // namespace broker
