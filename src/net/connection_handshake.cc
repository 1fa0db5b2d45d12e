// The v1 handshake of a connection (docs/protocol.md §5): probe, hello,
// version_select, originator_syn, responder_syn_ack, originator_ack, and
// drop_conn. The smaller id is the originator.
#include "net/connection.hh"
#include "net/connection_state.hh"

#include "data/log_format.hh"
#include "log/log.hh"

namespace broker::net {

namespace {

using format::drop_code;

bool is_originator(const node_id& me, const node_id& peer) {
  return me < peer;
}

drop_code code_for(commit_decision d) {
  switch (d) {
    case commit_decision::redundant:
      return drop_code::redundant_connection;
    case commit_decision::shutting_down:
      return drop_code::shutting_down;
    default:
      return drop_code::logic_error;
  }
}

const char* text_for(commit_decision d) {
  switch (d) {
    case commit_decision::redundant:
      return "redundant connection";
    case commit_decision::shutting_down:
      return "shutting down";
    default:
      return "detected redundant connection at the responder";
  }
}

} // namespace

bool connection::handshake_done() const noexcept {
  return state_ == state::probing || state_ == state::ready
         || state_ == state::leaving;
}

void connection::begin_handshake(bool inbound) {
  if (inbound) {
    format::write_probe(out_);
    state_ = state::await_hello;
  } else {
    format::write_hello(format::hello_msg{me_.id}, out_);
    state_ = state::await_hello_or_select;
  }
  flush();
  read_some();
}

bool connection::handle_handshake_frame(const uint8_t* body, size_t size) {
  format::handshake_failure failure;
  auto msg = format::read_handshake(body, size, failure);
  if (std::holds_alternative<std::monostate>(msg))
    return protocol_error(failure.code, failure.text);
  if (std::holds_alternative<format::probe_msg>(msg)
      && (state_ == state::await_hello || state_ == state::await_hello_or_select
          || state_ == state::await_version_select))
    return true; // Only ever the acceptor's first word: nothing to do.
  if (auto drop = std::get_if<format::drop_conn_msg>(&msg))
    return on_drop_conn(*drop);
  if (auto hello = std::get_if<format::hello_msg>(&msg);
      hello
      && (state_ == state::await_hello
          || state_ == state::await_hello_or_select))
    return on_hello(*hello);
  if (auto select = std::get_if<format::version_select_msg>(&msg);
      select
      && (state_ == state::await_version_select
          || state_ == state::await_hello_or_select))
    return on_version_select(*select);
  if (auto syn = std::get_if<format::originator_syn_msg>(&msg);
      syn && state_ == state::await_orig_syn) {
    if (!send_syn_ack_filter(false))
      return false;
    state_ = state::await_orig_ack;
    // The responder learns the filter now, but the peering exists only
    // once the originator's ack arrives.
    peer_filter_ = std::move(syn->filter);
    return true;
  }
  if (auto ack = std::get_if<format::responder_syn_ack_msg>(&msg);
      ack && state_ == state::await_resp_syn_ack) {
    format::write_originator_ack(out_);
    finish_handshake(std::move(ack->filter));
    return !closed_;
  }
  if (std::holds_alternative<format::originator_ack_msg>(msg)
      && state_ == state::await_orig_ack) {
    finish_handshake(std::move(peer_filter_));
    return !closed_;
  }
  fail(error{ec::peer_invalid, std::string{"unexpected "}
                                 + format::to_string(static_cast<format::msg_type>(body[0]))
                                 + " during the handshake"});
  return false;
}

bool connection::on_hello(const format::hello_msg& msg) {
  peer_ = msg.sender;
  BROKER_DEBUG("[{}] hello from {} at {}:{}", detail::log_name(me_.id), peer_,
               address_, port_);
  if (peer_ == me_.id) {
    self_ = true;
    fail(error{ec::peer_invalid, "connected to itself"});
    return false;
  }
  if (is_originator(me_.id, peer_)) {
    if (!commit(true))
      return false;
    format::write_version_select(format::version_select_msg{me_.id}, out_);
    if (!send_syn_ack_filter(true))
      return false;
    state_ = state::await_resp_syn_ack;
    return true;
  }
  format::write_hello(format::hello_msg{me_.id}, out_);
  state_ = state::await_version_select;
  return true;
}

bool connection::on_version_select(const format::version_select_msg& msg) {
  peer_ = msg.sender;
  BROKER_DEBUG("[{}] version_select from {} at {}:{}", detail::log_name(me_.id),
               peer_, address_, port_);
  if (peer_ == me_.id || is_originator(me_.id, peer_))
    // Only the smaller id may select: the peer broke the protocol.
    return protocol_error(drop_code::logic_error,
                          "version_select from the larger id");
  if (!commit(false))
    return false;
  state_ = state::await_orig_syn;
  return true;
}

bool connection::on_drop_conn(const format::drop_conn_msg& msg) {
  drop_received_ = msg.code;
  if (peer_ == node_id{})
    peer_ = msg.sender;
  auto code = msg.code == drop_code::peer_incompatible ? ec::peer_incompatible
                                                       : ec::peer_unavailable;
  fail(error{code, std::string{"peer dropped the connection: "}
                     + format::to_string(msg.code) + " ("
                     + msg.description + ")"});
  return false;
}

bool connection::commit(bool originator) {
  auto decision = cbs_.on_commit(*this, peer_, originator);
  if (decision == commit_decision::proceed)
    return true;
  BROKER_DEBUG("[{}] dropping the connection to {}: {}",
               detail::log_name(me_.id), peer_, text_for(decision));
  format::write_drop_conn({me_.id, code_for(decision), text_for(decision)},
                          out_);
  redundant_ = decision == commit_decision::redundant;
  fail(error{ec::peer_invalid, text_for(decision)});
  return false;
}

bool connection::send_syn_ack_filter(bool syn) {
  auto filter = cbs_.current_filter();
  sent_filter_ = filter;
  bool ok = syn ? format::write_originator_syn(filter, out_)
                : format::write_responder_syn_ack(filter, out_);
  if (!ok)
    fail(error{ec::invalid_data, "our filter does not fit a frame"});
  return ok;
}

void connection::finish_handshake(filter_type&& filter) {
  state_ = state::probing;
  format::peer_extensions mine{true, me_.process_token, me_.shortcut};
  probe_payload_ = format::extension_probe(mine);
  send_ping(format::msg_type::ping, peer_, probe_payload_.data(),
            probe_payload_.size());
  flush();
  cbs_.on_handshake(*this, std::move(filter));
}

bool connection::protocol_error(drop_code code, std::string text) {
  format::write_drop_conn({me_.id, code, text}, out_);
  auto err = code == drop_code::peer_incompatible ? ec::peer_incompatible
                                                  : ec::invalid_data;
  fail(error{err, std::move(text)});
  return false;
}

} // namespace broker::net
