#include "format/handshake.hh"

#include <cstring>

#include "format/byte_io.hh"
#include "format/frame.hh"

namespace broker::format {

namespace {

constexpr const char* drop_code_names[] = {
  "none", "unspecified", "peer_incompatible", "peer_invalid",
  "peer_unavailable", "peer_disconnect_during_handshake", "peer_timeout",
  "master_exists", "no_such_master", "no_such_key", "request_timeout",
  "type_clash", "invalid_data", "backend_failure", "stale_data",
  "cannot_open_file", "cannot_write_file", "invalid_topic_key",
  "end_of_file", "invalid_tag", "invalid_message", "invalid_status",
  "conversion_failed", "consumer_exists", "connection_timeout",
  "bad_member_function_call", "repeated_request_id", "broken_clone",
  "shutting_down", "invalid_peering_request",
  "repeated_peering_handshake_request", "unexpected_handshake_message",
  "invalid_handshake_state", "no_path_to_peer", "no_connector_available",
  "cannot_open_resource", "serialization_failed", "deserialization_failed",
  "wrong_magic_number", "redundant_connection", "logic_error",
  "invalid_json",
};

// -- encoding ------------------------------------------------------------------

void put_id(std::vector<uint8_t>& out, const node_id& id) {
  out.insert(out.end(), id.bytes().begin(), id.bytes().end());
}

/// Starts a frame whose body begins with `type` (and the magic number for
/// the messages that carry one).
size_t open(std::vector<uint8_t>& out, msg_type type, bool magic) {
  auto start = begin_frame(out);
  out.push_back(static_cast<uint8_t>(type));
  if (magic)
    put_be(out, magic_number, 4);
  return start;
}

bool write_filter_msg(msg_type type, const filter_type& filter,
                      std::vector<uint8_t>& out) {
  auto start = open(out, type, false);
  put_filter(filter, out);
  return finish_frame(out, start);
}

// -- decoding ------------------------------------------------------------------

/// Reads the fields of one message type; each returns false on truncation
/// or a value upstream rejects, with the reason in `failure`.
class body_reader {
public:
  body_reader(const uint8_t* pos, const uint8_t* end, msg_type type,
              handshake_failure& failure)
    : pos_(pos), end_(end), type_(type), failure_(failure) {}

  bool magic() {
    uint64_t x;
    if (!get_be(pos_, end_, 4, x))
      return truncated();
    if (x != magic_number)
      return fail(drop_code::wrong_magic_number, "wrong magic number");
    return true;
  }

  bool id(node_id& x) {
    node_id::bytes_type raw;
    if (end_ - pos_ < static_cast<ptrdiff_t>(raw.size()))
      return truncated();
    std::memcpy(raw.data(), pos_, raw.size());
    pos_ += raw.size();
    x = node_id{raw};
    return true;
  }

  bool u8(uint8_t& x) {
    if (pos_ == end_)
      return truncated();
    x = *pos_++;
    return true;
  }

  bool text(std::string& x) {
    uint32_t n;
    if (!get_varbyte(pos_, end_, n) || static_cast<size_t>(end_ - pos_) < n)
      return truncated();
    x.assign(reinterpret_cast<const char*>(pos_), n);
    pos_ += n;
    return true;
  }

  bool filter(filter_type& x) {
    return get_filter(pos_, end_, x) || truncated();
  }

  bool fail(drop_code code, std::string text) {
    failure_ = handshake_failure{code, std::move(text)};
    return false;
  }

private:
  bool truncated() {
    return fail(drop_code::invalid_message,
                std::string{"failed to parse "} + to_string(type_));
  }

  const uint8_t* pos_;
  const uint8_t* end_;
  msg_type type_;
  handshake_failure& failure_;
};

handshake_msg read_hello(body_reader& in) {
  hello_msg x;
  if (!in.magic() || !in.id(x.sender) || !in.u8(x.min_version)
      || !in.u8(x.max_version))
    return {};
  if (x.min_version > protocol_version || x.max_version < protocol_version) {
    in.fail(drop_code::peer_incompatible, "unsupported versions offered");
    return {};
  }
  return x;
}

handshake_msg read_version_select(body_reader& in) {
  version_select_msg x;
  if (!in.magic() || !in.id(x.sender) || !in.u8(x.version))
    return {};
  if (x.version != protocol_version) {
    in.fail(drop_code::peer_incompatible, "unsupported version selected");
    return {};
  }
  return x;
}

handshake_msg read_drop_conn(body_reader& in) {
  drop_conn_msg x;
  uint8_t code;
  if (!in.magic() || !in.id(x.sender) || !in.u8(code)
      || !in.text(x.description))
    return {};
  // Codes beyond upstream's list count as unspecified, as upstream does.
  x.code = code < std::size(drop_code_names) ? static_cast<drop_code>(code)
                                             : drop_code::unspecified;
  return x;
}

template <class Msg>
handshake_msg read_filter_msg(body_reader& in) {
  Msg x;
  if (!in.filter(x.filter))
    return {};
  return x;
}

handshake_msg read_body(msg_type type, body_reader& in) {
  switch (type) {
    case msg_type::hello:
      return read_hello(in);
    case msg_type::probe:
      return in.magic() ? handshake_msg{probe_msg{}} : handshake_msg{};
    case msg_type::version_select:
      return read_version_select(in);
    case msg_type::drop_conn:
      return read_drop_conn(in);
    case msg_type::originator_syn:
      return read_filter_msg<originator_syn_msg>(in);
    case msg_type::responder_syn_ack:
      return read_filter_msg<responder_syn_ack_msg>(in);
    case msg_type::originator_ack:
      return originator_ack_msg{};
    default:
      in.fail(drop_code::invalid_message, "invalid message type tag");
      return {};
  }
}

} // namespace

const char* to_string(msg_type type) noexcept {
  static constexpr const char* names[] = {
    "unknown",        "data",           "command",
    "routing_update", "ping",           "pong",
    "hello",          "probe",          "version_select",
    "drop_conn",      "originator_syn", "responder_syn_ack",
    "originator_ack",
  };
  auto i = static_cast<size_t>(type);
  return i < std::size(names) ? names[i] : "unknown";
}

const char* to_string(drop_code code) noexcept {
  auto i = static_cast<size_t>(code);
  return i < std::size(drop_code_names) ? drop_code_names[i] : "unspecified";
}

void write_hello(const hello_msg& x, std::vector<uint8_t>& out) {
  auto start = open(out, msg_type::hello, true);
  put_id(out, x.sender);
  out.push_back(x.min_version);
  out.push_back(x.max_version);
  finish_frame(out, start);
}

void write_probe(std::vector<uint8_t>& out) {
  finish_frame(out, open(out, msg_type::probe, true));
}

void write_version_select(const version_select_msg& x,
                          std::vector<uint8_t>& out) {
  auto start = open(out, msg_type::version_select, true);
  put_id(out, x.sender);
  out.push_back(x.version);
  finish_frame(out, start);
}

void write_drop_conn(const drop_conn_msg& x, std::vector<uint8_t>& out) {
  auto start = open(out, msg_type::drop_conn, true);
  put_id(out, x.sender);
  out.push_back(static_cast<uint8_t>(x.code));
  // Descriptions are ours and short; cut anything absurd rather than fail.
  auto n = std::min<size_t>(x.description.size(), 4096);
  put_varbyte(out, static_cast<uint32_t>(n));
  out.insert(out.end(), x.description.begin(), x.description.begin() + n);
  finish_frame(out, start);
}

bool write_originator_syn(const filter_type& filter,
                          std::vector<uint8_t>& out) {
  return write_filter_msg(msg_type::originator_syn, filter, out);
}

bool write_responder_syn_ack(const filter_type& filter,
                             std::vector<uint8_t>& out) {
  return write_filter_msg(msg_type::responder_syn_ack, filter, out);
}

void write_originator_ack(std::vector<uint8_t>& out) {
  finish_frame(out, open(out, msg_type::originator_ack, false));
}

bool write_handshake(const handshake_msg& msg, std::vector<uint8_t>& out) {
  struct visitor {
    std::vector<uint8_t>& out;
    bool operator()(std::monostate) { return false; }
    bool operator()(const hello_msg& x) { return write_hello(x, out), true; }
    bool operator()(probe_msg) { return write_probe(out), true; }
    bool operator()(const version_select_msg& x) {
      return write_version_select(x, out), true;
    }
    bool operator()(const drop_conn_msg& x) {
      return write_drop_conn(x, out), true;
    }
    bool operator()(const originator_syn_msg& x) {
      return write_originator_syn(x.filter, out);
    }
    bool operator()(const responder_syn_ack_msg& x) {
      return write_responder_syn_ack(x.filter, out);
    }
    bool operator()(originator_ack_msg) {
      return write_originator_ack(out), true;
    }
  };
  return std::visit(visitor{out}, msg);
}

handshake_msg read_handshake(const uint8_t* body, size_t size,
                             handshake_failure& failure) {
  if (size == 0) {
    failure = handshake_failure{drop_code::invalid_message,
                                "invalid message type tag"};
    return {};
  }
  auto type = static_cast<msg_type>(body[0]);
  body_reader in{body + 1, body + size, type, failure};
  return read_body(type, in);
}

void put_filter(const filter_type& filter, std::vector<uint8_t>& out) {
  put_varbyte(out, static_cast<uint32_t>(filter.size()));
  for (auto& t : filter) {
    auto& str = t.string();
    put_varbyte(out, static_cast<uint32_t>(str.size()));
    out.insert(out.end(), str.begin(), str.end());
  }
}

bool get_filter(const uint8_t*& pos, const uint8_t* end, filter_type& out) {
  uint32_t n;
  // Each entry takes at least one byte: a count beyond the input is a lie.
  if (!get_varbyte(pos, end, n) || n > static_cast<size_t>(end - pos))
    return false;
  out.clear();
  out.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t len;
    if (!get_varbyte(pos, end, len) || len > static_cast<size_t>(end - pos))
      return false;
    out.emplace_back(std::string{reinterpret_cast<const char*>(pos), len});
    pos += len;
  }
  return true;
}

} // namespace broker::format
