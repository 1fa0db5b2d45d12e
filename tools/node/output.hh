#pragma once

#include <string>

#include "broker/message.hh"
#include "broker/status.hh"

namespace broker::node {

// Every line goes out whole and flushed at once: the tests read the node's
// stdout through a pipe and synchronise on these lines.

/// Writes one line.
void print_line(const std::string& line);

/// `status <code> <node|-> <address:port|-> <message>` for statuses,
/// `error <code> <node|-> <address:port|-> <message>` for errors.
void print_event(const status_variant& event);

/// `stdin_eof`: the node's stdin closed.
void print_stdin_eof();

/// `message <topic> <data>`, the data in to_string form.
void print_message(const data_message& msg);

/// The process's peak resident set size in KiB (VmHWM), or -1.
long peak_rss_kib();

/// `cpu_seconds user=<s> sys=<s>`: the process's CPU time so far.
std::string cpu_seconds_line();

} // namespace broker::node
