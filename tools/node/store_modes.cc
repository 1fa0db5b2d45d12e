// store-master and store-clone: one data store driven by stdin commands
// (tools/node/README.md, "Store modes"). Every answer is one output line,
// printed in the order of the commands, so a test can use any query (or
// `echo`) as a fence behind the commands before it.
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <sstream>

#include "broker/backend.hh"
#include "broker/backend_options.hh"
#include "broker/convert.hh"
#include "broker/error.hh"
#include "broker/store.hh"
#include "broker/store_event.hh"
#include "broker/topic.hh"
#include "addresses.hh"
#include "modes.hh"
#include "output.hh"

namespace broker::node {

namespace {

/// A token of the line protocol as data: `-?[0-9]+` is an integer,
/// anything else a string. Integers only (no counts), so that `increment`
/// on a missing key starts from an integer like the stored values.
data parse_token(const std::string& tok) {
  size_t digits = tok.size() > 1 && tok[0] == '-' ? 1 : 0;
  bool numeric = digits < tok.size();
  for (size_t i = digits; i < tok.size(); ++i)
    numeric = numeric && std::isdigit(static_cast<unsigned char>(tok[i]));
  if (numeric)
    if (auto x = from_string<integer>(tok))
      return data{*x};
  return data{tok};
}

/// Seconds (`30`, `0.5`) as an expiry; nothing unless positive.
std::optional<timespan> parse_expiry(const std::string& tok) {
  char* end = nullptr;
  auto secs = std::strtod(tok.c_str(), &end);
  if (tok.empty() || *end != '\0' || !(secs > 0))
    return std::nullopt;
  return std::chrono::duration_cast<timespan>(
    std::chrono::duration<double>{secs});
}

std::string answer_text(const expected<data>& x) {
  if (x)
    return to_string(*x);
  return std::string{"error "} + to_string(x.error().code());
}

/// `store-event <insert|update|erase|expire> <key> [<old>] [<value>]`.
void print_store_event(const data_message& msg) {
  const auto& d = get_data(msg);
  if (auto e = store_event::insert::make(d))
    print_line("store-event insert " + to_string(e.key()) + ' '
               + to_string(e.value()));
  else if (auto e = store_event::update::make(d))
    print_line("store-event update " + to_string(e.key()) + ' '
               + to_string(e.old_value()) + ' ' + to_string(e.new_value()));
  else if (auto e = store_event::erase::make(d))
    print_line("store-event erase " + to_string(e.key()));
  else if (auto e = store_event::expire::make(d))
    print_line("store-event expire " + to_string(e.key()));
  else
    print_line("store-event unknown " + to_string(d));
}

class store_mode : public mode_runner {
public:
  store_mode(const node_options& opts, endpoint& ep)
    : opts_(opts),
      ep_(ep),
      // Subscribed before attaching, so that not even the first event of a
      // master that reopens a SQLite file is missed.
      events_(ep.make_subscriber({topic::store_events() / opts.store_name},
                                 1024)) {
    auto st = attach();
    if (!st) {
      print_line(std::string{"attach_failed "} + to_string(st.error().code())
                 + ' ' + st.error().message());
      return;
    }
    store_ = std::move(*st);
    print_line(std::string{"attached "}
               + (opts.mode == node_mode::store_master ? "master " : "clone ")
               + opts.store_name);
  }

  int run(event_loop& loop) override {
    if (!store_)
      return 1;
    loop.watch(events_, print_store_event);
    loop.watch_stdin([this](std::string_view line) { command(line); },
                     print_stdin_eof);
    loop.run(nullptr);
    return 0;
  }

private:
  expected<store> attach() {
    if (opts_.mode == node_mode::store_clone)
      return ep_.attach_clone(opts_.store_name, opts_.store_resync_s,
                              opts_.store_stale_s,
                              opts_.store_mutation_buffer_s);
    backend_options bopts;
    if (!opts_.store_path.empty())
      bopts["path"] = data{opts_.store_path};
    auto type = opts_.store_backend == "sqlite" ? backend::sqlite
                                                : backend::memory;
    return ep_.attach_master(opts_.store_name, type, std::move(bopts));
  }

  void command(std::string_view line) {
    std::istringstream in{std::string{line}};
    std::string cmd;
    std::vector<std::string> args;
    in >> cmd;
    for (std::string tok; in >> tok;)
      args.push_back(tok);
    if (!dispatch(cmd, args))
      print_line("bad_input " + std::string{line});
  }

  /// Returns false for an unknown command or a wrong number of arguments.
  bool dispatch(const std::string& cmd, const std::vector<std::string>& a) {
    if (cmd == "echo") {
      std::string text;
      for (auto& x : a)
        text += (text.empty() ? "" : " ") + x;
      print_line("echo " + text);
      return true;
    }
    if ((cmd == "peer" || cmd == "unpeer") && a.size() == 1)
      return peering(cmd, a[0]);
    return mutation(cmd, a) || query(cmd, a);
  }

  /// put, erase, increment, decrement, clear, append, insert_into,
  /// remove_from, push, pop. `put K V S` expires the entry after S seconds.
  bool mutation(const std::string& cmd, const std::vector<std::string>& a) {
    auto& s = *store_;
    auto arg = [&](size_t i) { return parse_token(a[i]); };
    if (cmd == "put" && (a.size() == 2 || a.size() == 3)) {
      std::optional<timespan> expiry;
      if (a.size() == 3 && !(expiry = parse_expiry(a[2])))
        return false;
      s.put(arg(0), arg(1), expiry);
    } else if (cmd == "erase" && a.size() == 1) {
      s.erase(arg(0));
    } else if (cmd == "increment" && a.size() == 2) {
      s.increment(arg(0), arg(1));
    } else if (cmd == "decrement" && a.size() == 2) {
      s.decrement(arg(0), arg(1));
    } else if (cmd == "clear" && a.empty()) {
      s.clear();
    } else if (cmd == "append" && a.size() == 2) {
      s.append(arg(0), data{a[1]});
    } else if (cmd == "insert_into" && (a.size() == 2 || a.size() == 3)) {
      if (a.size() == 2)
        s.insert_into(arg(0), arg(1));
      else
        s.insert_into(arg(0), arg(1), arg(2));
    } else if (cmd == "remove_from" && a.size() == 2) {
      s.remove_from(arg(0), arg(1));
    } else if (cmd == "push" && a.size() == 2) {
      s.push(arg(0), arg(1));
    } else if (cmd == "pop" && a.size() == 1) {
      s.pop(arg(0));
    } else {
      return false;
    }
    return true;
  }

  /// get, exists, put_unique, keys, dump: one answer line each.
  bool query(const std::string& cmd, const std::vector<std::string>& a) {
    auto& s = *store_;
    auto arg = [&](size_t i) { return parse_token(a[i]); };
    if (cmd == "get" && a.size() == 1) {
      print_line("get " + a[0] + " -> " + answer_text(s.get(arg(0))));
    } else if (cmd == "exists" && a.size() == 1) {
      print_line("exists " + a[0] + " -> " + answer_text(s.exists(arg(0))));
    } else if (cmd == "put_unique" && a.size() == 2) {
      print_line("put_unique " + a[0] + " -> "
                 + answer_text(s.put_unique(arg(0), arg(1))));
    } else if (cmd == "keys" && a.empty()) {
      print_line("keys " + answer_text(s.keys()));
    } else if (cmd == "dump" && a.empty()) {
      print_line("dump " + dump());
    } else {
      return false;
    }
    return true;
  }

  bool peering(const std::string& cmd, const std::string& address) {
    auto where = tools::parse_peer(address, opts_.retry_s);
    if (!where)
      return false;
    if (cmd == "peer")
      ep_.peer_nosync(where->address, where->port, where->retry);
    else
      ep_.unpeer_nosync(where->address, where->port);
    return true;
  }

  /// The whole store as a table (sorted by key), from keys() and one get()
  /// per key. Not atomic: a mutation may land between the calls, so tests
  /// compare dumps only once the stores went quiet (and poll until then).
  std::string dump() {
    auto ks = store_->keys();
    if (!ks)
      return answer_text(ks);
    auto xs = get_if<set>(&*ks);
    if (!xs)
      return "error unexpected_keys " + to_string(*ks);
    table result;
    for (auto& k : *xs) {
      auto v = store_->get(k);
      // Erased after keys(): the table is then simply without it.
      if (v)
        result.emplace(k, std::move(*v));
      else if (v.error().code() != ec::no_such_key)
        return answer_text(v);
    }
    return to_string(data{std::move(result)});
  }

  const node_options& opts_;
  endpoint& ep_;
  subscriber events_;
  std::optional<store> store_;
};

} // namespace

std::unique_ptr<mode_runner> make_store_mode(const node_options& opts,
                                             endpoint& ep) {
  return std::make_unique<store_mode>(opts, ep);
}

} // namespace broker::node
