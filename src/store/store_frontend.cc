#include "store/store_frontend.hh"

#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <future>

#include "broker/convert.hh"
#include "data/log_format.hh"
#include "format/frame.hh"
#include "format/node_message.hh"
#include "log/log.hh"
#include "runtime/spin_loop.hh"
#include "runtime/subscriber_queue.hh"

namespace broker::detail {

namespace {

/// Store traffic must not be lost to a burst: the queue holds pointers, so
/// a generous bound costs little until it is used.
constexpr size_t store_queue_size = 1 << 20;

} // namespace

store_frontend::store_frontend(std::shared_ptr<store_host> owner,
                               std::string name, publisher_id id)
  : core_(std::move(owner)),
    name_(std::move(name)),
    id_(id),
    queue_fd_(io_),
    chan_(core_->channel_settings()) {}

const char* to_string(store_op x) noexcept {
  static constexpr const char* names[] = {
    "put", "put_unique", "erase", "add", "subtract", "clear", "expire", "query",
  };
  static_assert(std::size(names) == store_op_count);
  return names[static_cast<size_t>(x)];
}

std::optional<store_op> store_frontend::op_of(store_command::tag t) noexcept {
  switch (t) {
    case store_command::tag::put:
      return store_op::put;
    case store_command::tag::erase:
      return store_op::erase;
    case store_command::tag::clear:
      return store_op::clear;
    case store_command::tag::add:
      return store_op::add;
    case store_command::tag::subtract:
      return store_op::subtract;
    case store_command::tag::put_unique:
      return store_op::put_unique;
    default:
      return std::nullopt;
  }
}

store_frontend::~store_frontend() {
  stop();
}

void store_frontend::start(const filter_type& topics) {
  queue_ = core_->add_subscriber(topics, store_queue_size);
  event_readers_ = core_->watch_local(topic::store_events() / name_);
  queue_fd_.assign(::dup(queue_->fd()));
  work_.emplace(io_.get_executor());
  post([this] {
    on_start();
    flush_outgoing();
    watch_queue();
  });
  thread_ = std::thread{[this] {
    pthread_setname_np(pthread_self(), "broker-store");
    run_spinning(io_, core_->spin());
  }};
}

void store_frontend::stop() {
  if (stopped_.exchange(true))
    return;
  std::error_code ec;
  if (thread_.joinable()) {
    // Finish what was handed over before the stop, then let the thread run
    // out of work.
    post([this] {
      std::error_code ignored;
      queue_fd_.cancel(ignored);
      drain_inputs();
      on_stop();
      flush_outgoing();
      // Waiters learn that the store stopped (stopped_ is set).
      for (auto& weak : idle_waiters_)
        if (auto waiter = weak.lock())
          waiter->set_value();
      idle_waiters_.clear();
    });
    work_.reset();
    thread_.join();
  }
  if (queue_)
    core_->remove_subscriber(queue_);
  queue_fd_.close(ec);
}

std::chrono::microseconds store_frontend::spin() const noexcept {
  return core_->spin();
}

bool store_frontend::wait_unless_stopped(const std::future<void>& fut,
                                         steady_deadline deadline) const {
  // A post that raced with stop() may never run: look at stopped_ now and
  // then instead of trusting the future alone (the deadline may be
  // infinite).
  constexpr auto slice = std::chrono::milliseconds{50};
  for (;;) {
    auto now = std::chrono::steady_clock::now();
    auto until = deadline - now > slice ? now + slice : deadline;
    if (fut.wait_until(until) == std::future_status::ready)
      return true;
    if (stopped_ || until == deadline)
      return false;
  }
}

bool store_frontend::sync(steady_deadline deadline) {
  if (stopped_)
    return true;
  auto done = std::make_shared<std::promise<void>>();
  auto fut = done->get_future();
  post([done] { done->set_value(); });
  // A store stopped meanwhile has nothing left to wait for.
  return wait_unless_stopped(fut, deadline) || stopped_;
}

bool store_frontend::await_idle(steady_deadline deadline) {
  if (stopped_)
    return false;
  auto done = std::make_shared<std::promise<void>>();
  auto fut = done->get_future();
  post([this, weak = std::weak_ptr{done}] {
    idle_waiters_.push_back(weak);
    check_idle();
  });
  return wait_unless_stopped(fut, deadline) && !stopped_;
}

void store_frontend::check_idle() {
  if (idle_waiters_.empty() || !idle())
    return;
  for (auto& weak : idle_waiters_)
    if (auto waiter = weak.lock())
      waiter->set_value();
  idle_waiters_.clear();
}

void store_frontend::request(store_query q, store_responder r) {
  enqueue(pending_query{std::move(q), std::move(r)});
}

void store_frontend::mutate(store_command cmd) {
  enqueue(std::move(cmd));
}

void store_frontend::enqueue(user_input x) {
  bool first;
  {
    std::lock_guard guard{inputs_mtx_};
    first = inputs_.empty();
    inputs_.push_back(std::move(x));
  }
  // Later posts (sync, await_idle) run after this drain and see its work.
  if (first)
    post([this] { drain_inputs(); });
}

void store_frontend::drain_inputs() {
  // Swapping with the last burst's cleared vector keeps both capacities:
  // a steady stream of calls allocates no vectors.
  {
    std::lock_guard guard{inputs_mtx_};
    draining_.swap(inputs_);
  }
  // One batch (one SQLite transaction) for the burst; a query in it reads
  // the mutations before it through the same connection.
  begin_batch();
  for (auto& x : draining_) {
    if (auto cmd = std::get_if<store_command>(&x))
      on_mutation(std::move(*cmd));
    else {
      auto& q = std::get<pending_query>(x);
      on_query(std::move(q.query), std::move(q.respond));
    }
  }
  draining_.clear();
  end_batch();
  flush_outgoing();
}

void store_frontend::watch_queue() {
  queue_fd_.async_wait(asio::posix::stream_descriptor::wait_read,
                       [this](std::error_code ec) {
                         if (ec || stopped_)
                           return;
                         drain_queue();
                         watch_queue();
                       });
}

void store_frontend::drain_queue() {
  auto msgs = queue_->pop_all();
  BROKER_DEBUG("[{}] store {}: {} commands in", log_name(), name_,
               msgs.size());
  begin_batch();
  for (auto& msg : msgs)
    on_message(msg);
  end_batch();
  flush_outgoing();
}

void store_frontend::flush_outgoing() {
  if (!outgoing_.empty()) {
    BROKER_DEBUG("[{}] store {}: {} commands out", log_name(), name_,
                 outgoing_.size());
    core_->publish(outgoing_);
    outgoing_.clear();
  }
  if (!events_.empty()) {
    core_->deliver_local(topic::store_events() / name_, std::move(events_));
    events_.clear();
  }
  stats_.set_channels(channel_state());
  check_idle();
}

void store_frontend::send_command(const topic& t,
                                  format::internal_command&& cmd,
                                  const node_id* target) {
  std::vector<uint8_t> bytes;
  if (!format::write_internal_command(cmd, bytes)) {
    report(error{ec::invalid_data, "store " + name_ + ": cannot encode "
                                     + format::content_name(cmd.content)
                                     + " (a value exceeds the wire limits)"});
    return;
  }
  // The envelope adds its header and the topic; a frame past the limit
  // would be refused by the connection with a less specific error.
  auto frame = bytes.size() + format::node_header_size + t.string().size();
  if (frame > format::max_frame_size) {
    report(error{ec::invalid_data,
                 "store " + name_ + ": " + format::content_name(cmd.content)
                   + " of " + std::to_string(bytes.size())
                   + " bytes exceeds the frame limit of "
                   + std::to_string(format::max_frame_size)
                   + " bytes (docs/stores.md, \"Limits\")"});
    return;
  }
  std::string payload{reinterpret_cast<const char*>(bytes.data()),
                      bytes.size()};
  publish_request req{make_command_message(t, std::move(payload)), nullptr,
                      nullptr};
  if (target)
    req.target = std::make_shared<node_id>(*target);
  outgoing_.push_back(std::move(req));
}

void store_frontend::start_ticks() {
  at(now() + chan_.tick_interval, [this] {
    on_tick();
    start_ticks();
  });
}

void store_frontend::emit_event(data ev) {
  events_.push_back(std::move(ev));
}

bool store_frontend::wants_events() const noexcept {
  return core_->anyone_local(*event_readers_);
}

void store_frontend::report(error err) {
  BROKER_WARNING("[{}] {}", log_name(), err.message());
  core_->report_error(std::move(err));
}

void store_frontend::at(timestamp when, std::function<void()> f) {
  std::weak_ptr<store_frontend> weak = shared_from_this();
  core_->schedule_any(when, [weak, f = std::move(f)]() mutable {
    if (auto self = weak.lock(); self && !self->stopped_)
      self->post([raw = self.get(), f = std::move(f)] {
        f();
        raw->flush_outgoing();
      });
  });
}

timestamp store_frontend::now() const {
  return core_->now();
}

std::optional<format::internal_command>
store_frontend::decode(const data_message& msg) {
  auto payload = get_if<std::string>(get_data(msg));
  if (!is_command(msg) || !payload) {
    report(error{ec::invalid_data, "store " + name_
                                     + ": a data message on a store topic"});
    return std::nullopt;
  }
  auto bytes = reinterpret_cast<const uint8_t*>(payload->data());
  auto cmd = format::read_internal_command(bytes, payload->size());
  if (!cmd) {
    report(error{ec::invalid_data, "store " + name_
                                     + ": malformed command: "
                                     + cmd.error().message()});
    return std::nullopt;
  }
  BROKER_TRACE("[{}] store {}: {} from {} (seq {})", log_name(), name_,
               format::content_name(cmd->content),
               format::to_string(cmd->sender), cmd->seq);
  return std::move(*cmd);
}

std::string store_frontend::log_name() const {
  return detail::log_name(id_.endpoint);
}

std::string store_frontend::describe(const data& key) const {
  return "store " + name_ + ", key " + to_string(key);
}

} // namespace broker::detail
