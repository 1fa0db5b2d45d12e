#pragma once

#include <map>
#include <string>

#include "broker/configuration.hh"
#include "module.hh"

namespace broker::python {

/// What broker.Configuration holds: upstream's Python fields plus any named
/// setting given with `set()`. Turned into a broker::configuration when an
/// endpoint is created.
struct py_configuration {
  broker_options options;
  std::string openssl_cafile;
  std::string openssl_capath;
  std::string openssl_certificate;
  std::string openssl_key;
  std::string openssl_passphrase;
  int max_threads = 0;
  std::map<std::string, data> settings;

  configuration to_configuration() const;
};

} // namespace broker::python
