#pragma once

#include <memory>
#include <string>

#include "broker/configuration.hh"
#include "broker/expected.hh"

namespace asio::ssl {
class context;
} // namespace asio::ssl

namespace broker::net {

/// The TLS settings of an endpoint (`broker.ssl.*`, or upstream's
/// `caf.openssl.*` names).
struct tls_settings {
  std::string certificate;
  std::string key;
  std::string passphrase;
  std::string cafile;
  std::string capath;

  /// With none of the files set, peers use anonymous (unauthenticated)
  /// ECDH encryption, as upstream does.
  bool authenticated() const noexcept {
    return !certificate.empty() || !key.empty() || !passphrase.empty()
           || !cafile.empty() || !capath.empty();
  }

  static tls_settings from(const configuration& cfg);
};

/// Builds the context both directions of an endpoint's TLS connections
/// share. Fails (`ec::invalid_configuration`-like unspecified error with the
/// OpenSSL reason) when a file cannot be loaded.
expected<std::shared_ptr<asio::ssl::context>>
make_tls_context(const tls_settings& settings);

} // namespace broker::net
