#include "status_text.hh"

#include <cstdio>

#include "broker/endpoint_info.hh"
#include "broker/error.hh"
#include "broker/status.hh"
#include "cli.hh"

namespace broker::tools {

namespace {

std::string peer_text(const endpoint_info* ctx) {
  if (ctx && ctx->network)
    return to_string(*ctx->network);
  if (ctx && ctx->node.valid())
    return to_string(ctx->node);
  return "-";
}

} // namespace

std::string describe(const status_variant& event) {
  if (auto err = get_if<error>(&event))
    return std::string{to_string(err->code())} + ' '
           + peer_text(err->context()) + ": " + err->message();
  if (auto st = get_if<status>(&event))
    return std::string{to_string(st->code())} + ' ' + peer_text(st->context())
           + ": " + *st->message();
  return "-";
}

void print_status(const std::string& tool, const status_variant& event,
                  bool verbose) {
  if (get_if<error>(&event))
    print_error(tool, describe(event));
  else if (verbose)
    std::fprintf(stderr, "%s: status %s\n", tool.c_str(),
                 describe(event).c_str());
}

} // namespace broker::tools
