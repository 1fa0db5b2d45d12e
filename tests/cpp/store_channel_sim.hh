#pragma once

// A lossy in-memory network for the replication channel's state machines
// (tests/cpp/store_channel_test.cc): one producer, N consumers, messages in
// flight until `run()`, and a `drop` rule each test sets.

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "store/channel_consumer.hh"
#include "store/channel_producer.hh"

namespace channel_sim {

namespace ch = broker::detail::channel;


using handle = std::string;
using payload = std::string;
using producer_msg = ch::producer_message<payload>;
using consumer_msg = ch::consumer_message;
using producer_type = ch::producer<handle, payload>;
using consumer_type = ch::consumer<handle, payload>;

template <class... Fs>
struct overload : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
overload(Fs...) -> overload<Fs...>;

/// One message on its way to one receiver (broadcasts are fanned out).
struct packet {
  handle from;
  handle to;
  bool broadcast;
  std::variant<producer_msg, consumer_msg> msg;
};

template <class T>
constexpr bool from_consumer = std::is_same_v<T, ch::cumulative_ack>
                               || std::is_same_v<T, ch::nack>;

/// The message in `pk` if it is a T.
template <class T>
const T* get(const packet& pk) {
  using outer =
    std::conditional_t<from_consumer<T>, consumer_msg, producer_msg>;
  auto* msg = std::get_if<outer>(&pk.msg);
  return msg ? std::get_if<T>(msg) : nullptr;
}

class network;

struct producer_node : ch::producer_backend<handle, payload> {
  producer_node(network* owner, handle id, ch::settings cfg,
                producer_type::catch_up mode)
    : net(owner), name(std::move(id)), state(this, cfg, mode) {
    // Nothing to do.
  }
  void send(const handle& to, const producer_msg& msg) override;
  void broadcast(const producer_msg& msg) override;
  void on_drop(const handle& hdl) override {
    dropped.push_back(hdl);
  }

  network* net;
  handle name;
  producer_type state;
  std::vector<handle> dropped;
};

struct consumer_node : ch::consumer_backend<handle, payload> {
  consumer_node(network* owner, handle id, ch::settings cfg)
    : net(owner), name(std::move(id)), state(this, cfg) {
    // Nothing to do.
  }
  void send(const handle& to, const consumer_msg& msg) override;
  void broadcast(const consumer_msg& msg) override;
  void deliver(payload x) override {
    delivered.push_back(std::move(x));
  }
  void on_failure(ch::failure reason) override {
    failures.push_back(reason);
  }

  network* net;
  handle name;
  consumer_type state;
  std::vector<payload> delivered;
  std::vector<ch::failure> failures;
};

/// Delivers in order, except what `drop` rejects. `log` keeps every packet
/// sent (dropped ones included), `lost` the dropped ones.
class network {
public:
  using mode = producer_type::catch_up;

  explicit network(ch::settings config = {}, handle producer_name = "master",
                   mode m = mode::snapshot)
    : cfg(config), producer(this, std::move(producer_name), config, m) {
    // Nothing to do.
  }

  /// A consumer that starts attaching right away (a clone) or waits for a
  /// handshake (the master's consumer of a writer).
  consumer_node& add_consumer(const handle& name, bool attach = true) {
    consumers.push_back(std::make_unique<consumer_node>(this, name, cfg));
    if (attach)
      consumers.back()->state.attach();
    run();
    return *consumers.back();
  }

  void post(const handle& from, std::optional<handle> to,
            std::variant<producer_msg, consumer_msg> msg) {
    if (to) {
      queue.push_back(packet{from, *to, false, std::move(msg)});
      return;
    }
    for (auto& name : receivers_of(from))
      queue.push_back(packet{from, name, true, msg});
  }

  /// Delivers until nothing is in flight.
  void run() {
    while (!queue.empty()) {
      auto pk = std::move(queue.front());
      queue.pop_front();
      log.push_back(pk);
      if (drop && drop(pk))
        lost.push_back(pk);
      else
        dispatch(pk);
    }
  }

  void tick(size_t n = 1) {
    for (size_t i = 0; i < n; ++i) {
      producer.state.tick();
      for (auto& c : consumers)
        c->state.tick();
      run();
    }
  }

  /// Produces `n` events named after the sequence number they get.
  void produce(size_t n = 1) {
    for (size_t i = 0; i < n; ++i)
      producer.state.produce(name_of(producer.state.seq() + 1));
    run();
  }

  static payload name_of(uint64_t seq) {
    return "e" + std::to_string(seq);
  }

  /// Packets in `log` holding a T, optionally only those to or from `who`.
  template <class T>
  size_t count(const handle& who = "") const {
    size_t n = 0;
    for (auto& pk : log)
      if (get<T>(pk) && (who.empty() || pk.to == who || pk.from == who))
        ++n;
    return n;
  }

  /// The last packet in `log` holding a T.
  template <class T>
  const packet* last() const {
    for (auto i = log.rbegin(); i != log.rend(); ++i)
      if (get<T>(*i))
        return &*i;
    return nullptr;
  }

  consumer_node& at(const handle& name) {
    for (auto& c : consumers)
      if (c->name == name)
        return *c;
    throw std::logic_error("no such consumer");
  }

  ch::settings cfg;
  producer_node producer;
  std::vector<std::unique_ptr<consumer_node>> consumers;
  std::deque<packet> queue;
  std::vector<packet> log;
  std::vector<packet> lost;
  std::function<bool(const packet&)> drop;

private:
  std::vector<handle> receivers_of(const handle& from) const {
    if (from != producer.name)
      return {producer.name};
    std::vector<handle> result;
    for (auto& c : consumers)
      result.push_back(c->name);
    return result;
  }

  void dispatch(const packet& pk) {
    if (pk.to == producer.name)
      to_producer(pk, std::get<consumer_msg>(pk.msg));
    else
      to_consumer(pk, at(pk.to).state, std::get<producer_msg>(pk.msg));
  }

  void to_producer(const packet& pk, const consumer_msg& msg) {
    auto& p = producer.state;
    auto& from = pk.from;
    std::visit(overload{
                 [&](const ch::cumulative_ack& x) {
                   p.handle_ack(from, x.seq);
                 },
                 [&](const ch::nack& x) { p.handle_nack(from, x.seqs); },
               },
               msg);
  }

  static void to_consumer(const packet& pk, consumer_type& c,
                          const producer_msg& msg) {
    auto& from = pk.from;
    std::visit(overload{
                 [&](const ch::handshake& x) { c.handle_handshake(from, x); },
                 [&](const ch::event<payload>& x) { c.handle_event(from, x); },
                 [&](const ch::keepalive& x) { c.handle_keepalive(from, x); },
                 [&](const ch::retransmit_failed& x) {
                   c.handle_retransmit_failed(from, x);
                 },
               },
               msg);
  }
};

inline void producer_node::send(const handle& to, const producer_msg& msg) {
  net->post(name, to, msg);
}

inline void producer_node::broadcast(const producer_msg& msg) {
  net->post(name, std::nullopt, msg);
}

inline void consumer_node::send(const handle& to, const consumer_msg& msg) {
  net->post(name, to, msg);
}

inline void consumer_node::broadcast(const consumer_msg& msg) {
  net->post(name, std::nullopt, msg);
}

/// The names of events `first` to `last`.
inline std::vector<payload> events(uint64_t first, uint64_t last) {
  std::vector<payload> result;
  for (auto seq = first; seq <= last; ++seq)
    result.push_back(network::name_of(seq));
  return result;
}

/// Drops the event `seq` on its way to `to`, once.
inline std::function<bool(const packet&)> lose_event_once(handle to,
                                                          uint64_t seq) {
  auto done = std::make_shared<bool>(false);
  return [=](const packet& pk) {
    auto* ev = get<ch::event<payload>>(pk);
    if (*done || !ev || ev->seq != seq || pk.to != to)
      return false;
    return *done = true;
  };
}

/// Drops everything `from` sends.
inline std::function<bool(const packet&)> silence(handle from) {
  return [=](const packet& pk) { return pk.from == from; };
}


inline bool is_attach(const ch::nack& x) {
  return x.seqs == std::vector<uint64_t>{0};
}

/// The NACKs `who` sent, attach requests (`[0]`) left out.
inline std::vector<std::vector<uint64_t>> gap_nacks(const network& net,
                                             const handle& who) {
  std::vector<std::vector<uint64_t>> result;
  for (auto& pk : net.log)
    if (auto* x = get<ch::nack>(pk); x && pk.from == who && !is_attach(*x))
      result.push_back(x->seqs);
  return result;
}

/// The handshakes sent to `who`, lost ones included.
inline std::vector<ch::handshake> handshakes(const network& net,
                                             const handle& who) {
  std::vector<ch::handshake> result;
  for (auto& pk : net.log)
    if (auto* x = get<ch::handshake>(pk); x && pk.to == who)
      result.push_back(*x);
  return result;
}

inline size_t attach_requests(const network& net, const handle& who) {
  size_t n = 0;
  for (auto& pk : net.log)
    if (auto* x = get<ch::nack>(pk); x && pk.from == who && is_attach(*x))
      ++n;
  return n;
}

/// Drops the first `n` handshakes.
inline std::function<bool(const packet&)> lose_handshakes(size_t n) {
  auto left = std::make_shared<size_t>(n);
  return [=](const packet& pk) {
    if (*left == 0 || !get<ch::handshake>(pk))
      return false;
    --*left;
    return true;
  };
}

inline const uint64_t timeout = ch::settings{}.connection_timeout();

} // namespace channel_sim
