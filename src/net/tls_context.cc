#include "net/tls_context.hh"

#include <asio/ssl/context.hpp>

#include <openssl/ssl.h>

namespace broker::net {

namespace {

/// Anonymous suites exist only up to TLS 1.2, and OpenSSL 3 hides them below
/// security level 0. Zeek offers and accepts only AECDH-AES256-SHA. Between
/// two of our endpoints anonymous DH with AES-128-GCM comes first: the
/// AECDH suites are CBC with a separate HMAC, whose per-record MAC context
/// copies cost OpenSSL 3 about half of a TLS round trip's instructions
/// (bench/RESULTS.md, "TLS round trip"); then AECDH-AES128 (fewer rounds).
constexpr const char* anonymous_ciphers =
  "ADH-AES128-GCM-SHA256:AECDH-AES128-SHA:AECDH-AES256-SHA@SECLEVEL=0";

/// Zeek's anonymous mode uses P-384 only; X25519 first makes handshakes
/// between our endpoints cheaper without excluding Zeek.
constexpr const char* anonymous_groups = "X25519:P-384";

/// Zeek's cipher list for certificate-based TLS.
constexpr const char* authenticated_ciphers = "HIGH:!aNULL:!MD5";

std::string setting(const configuration& cfg, const char* name) {
  auto value = cfg.get_string(std::string{"broker.ssl."} + name, "");
  if (value.empty())
    value = cfg.get_string(std::string{"caf.openssl."} + name, "");
  return value;
}

error tls_error(const std::string& what, const std::error_code& ec) {
  return error{ec::unspecified, "TLS setup: " + what + ": " + ec.message()};
}

expected<void> configure_anonymous(asio::ssl::context& ctx) {
  auto native = ctx.native_handle();
  if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1
      || SSL_CTX_set_max_proto_version(native, TLS1_2_VERSION) != 1
      || SSL_CTX_set_cipher_list(native, anonymous_ciphers) != 1
      || SSL_CTX_set1_groups_list(native, anonymous_groups) != 1
      || SSL_CTX_set_dh_auto(native, 1) != 1)
    return error{ec::unspecified,
                 "TLS setup: anonymous ECDH ciphers unavailable"};
  ctx.set_verify_mode(asio::ssl::verify_none);
  return {};
}

expected<void> configure_authenticated(asio::ssl::context& ctx,
                                       const tls_settings& s) {
  std::error_code ec;
  SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
  if (SSL_CTX_set_cipher_list(ctx.native_handle(), authenticated_ciphers) != 1)
    return error{ec::unspecified, "TLS setup: no usable cipher suites"};
  if (!s.passphrase.empty())
    ctx.set_password_callback(
      [pw = s.passphrase](size_t, asio::ssl::context::password_purpose) {
        return pw;
      },
      ec);
  if (!ec && !s.certificate.empty())
    ctx.use_certificate_chain_file(s.certificate, ec);
  if (ec)
    return tls_error("certificate " + s.certificate, ec);
  if (!s.key.empty())
    ctx.use_private_key_file(s.key, asio::ssl::context::pem, ec);
  if (ec)
    return tls_error("key " + s.key, ec);
  if (!s.cafile.empty())
    ctx.load_verify_file(s.cafile, ec);
  if (ec)
    return tls_error("CA file " + s.cafile, ec);
  if (!s.capath.empty())
    ctx.add_verify_path(s.capath, ec);
  if (ec)
    return tls_error("CA path " + s.capath, ec);
  ctx.set_verify_mode(asio::ssl::verify_peer
                        | asio::ssl::verify_fail_if_no_peer_cert,
                      ec);
  if (ec)
    return tls_error("verify mode", ec);
  return {};
}

} // namespace

tls_settings tls_settings::from(const configuration& cfg) {
  tls_settings result;
  result.certificate = setting(cfg, "certificate");
  result.key = setting(cfg, "key");
  result.passphrase = setting(cfg, "passphrase");
  result.cafile = setting(cfg, "cafile");
  result.capath = setting(cfg, "capath");
  return result;
}

expected<std::shared_ptr<asio::ssl::context>>
make_tls_context(const tls_settings& settings) {
  auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls);
  ctx->set_options(asio::ssl::context::default_workarounds
                   | asio::ssl::context::no_sslv2
                   | asio::ssl::context::no_sslv3
                   | asio::ssl::context::single_dh_use);
  auto ok = settings.authenticated() ? configure_authenticated(*ctx, settings)
                                     : configure_anonymous(*ctx);
  if (!ok)
    return ok.error();
  return ctx;
}

} // namespace broker::net
