// TLS between endpoints: anonymous by default, certificates when configured,
// and every mismatch making peer() fail on both sides (docs/protocol.md
// §8.1, docs/configuration.md).
// The certificates are made once per run with the openssl command.
#include <gtest/gtest.h>

#include <asio/connect.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read.hpp>
#include <asio/write.hpp>

#include <cstdlib>
#include <string>

#include "broker/broker.hh"
#include "format/handshake.hh"
#include "test_util.hh"

using namespace broker;
using namespace std::chrono_literals;

namespace {

class Tls : public ::testing::Test {
public:
  static void SetUpTestSuite() {
    char tmpl[] = "/tmp/broker-tls-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto cmd = std::string{BROKER_MAKE_CERTS} + " " + dir_ + " >/dev/null";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }

  static void TearDownTestSuite() {
    std::system(("rm -rf " + dir_).c_str());
  }

protected:
  static std::string file(const std::string& name) {
    return dir_ + "/" + name;
  }

  /// A configuration with certificate `name` (and its key) trusting `ca`.
  static configuration with_cert(const std::string& name,
                                 const std::string& ca,
                                 const std::string& prefix = "broker.ssl.") {
    auto cfg = anonymous();
    cfg.set(prefix + "certificate", file(name + ".pem"));
    cfg.set(prefix + "key", file(name + ".key"));
    cfg.set(prefix + "cafile", file(ca + ".pem"));
    return cfg;
  }

  /// The default TLS settings, without the same-process shortcut (which
  /// would bypass the connection after the handshake).
  static configuration anonymous() {
    configuration cfg;
    cfg.set("broker.in-process-shortcut", false);
    return cfg;
  }

  static configuration plain() {
    auto cfg = anonymous();
    cfg.options().disable_ssl = true;
    return cfg;
  }

  /// Peers `b` with a listening `a` and checks one message each way.
  static void expect_peering_works(endpoint& a, endpoint& b) {
    auto sub_a = a.make_subscriber({"/a"});
    auto sub_b = b.make_subscriber({"/b"});
    auto port = a.listen("127.0.0.1", 0);
    ASSERT_NE(port, 0);
    ASSERT_TRUE(b.peer("127.0.0.1", port, 0s));
    ASSERT_TRUE(test::eventually([&] { return a.peers().size() == 1; }));
    b.publish("/a", data{"to a"});
    a.publish("/b", data{"to b"});
    auto at_a = sub_a.get(10s);
    auto at_b = sub_b.get(10s);
    ASSERT_TRUE(at_a && at_b);
    EXPECT_EQ(get_data(*at_a), data{"to a"});
    EXPECT_EQ(get_data(*at_b), data{"to b"});
  }

  /// Peering fails: peer() returns false and both sides report an error.
  static void expect_peering_fails(endpoint& a, endpoint& b) {
    auto ss_a = a.make_status_subscriber(true);
    auto ss_b = b.make_status_subscriber(true);
    auto port = a.listen("127.0.0.1", 0);
    ASSERT_NE(port, 0);
    EXPECT_FALSE(b.peer("127.0.0.1", port, 0s));
    EXPECT_TRUE(next_error_seen(ss_a)) << "no error at the listener";
    EXPECT_TRUE(next_error_seen(ss_b)) << "no error at the dialler";
    EXPECT_TRUE(a.peers().empty());
    EXPECT_TRUE(b.peers().empty());
  }

  static bool next_error_seen(status_subscriber& ss) {
    for (;;) {
      auto x = ss.get(10s);
      if (std::holds_alternative<error>(x))
        return true;
      if (auto st = get_if<status>(&x); !st || st->code() == sc::peer_added)
        return false;
    }
  }

  static std::string dir_;
};

std::string Tls::dir_;

} // namespace

TEST_F(Tls, AnonymousByDefault) {
  endpoint a{anonymous()};
  endpoint b{anonymous()};
  expect_peering_works(a, b);
}

TEST_F(Tls, ListenerSpeaksNoPlainProtocol) {
  endpoint a{anonymous()};
  auto port = a.listen("127.0.0.1", 0);
  ASSERT_NE(port, 0);
  asio::io_context io;
  asio::ip::tcp::socket sock{io};
  sock.connect({asio::ip::make_address("127.0.0.1"), port});
  std::vector<uint8_t> hello;
  format::write_hello(format::hello_msg{node_id::random()}, hello);
  asio::write(sock, asio::buffer(hello));
  // The listener expects a TLS ClientHello, answers with an alert at most,
  // and closes; it never sends a plain probe.
  std::vector<uint8_t> reply(64);
  std::error_code ec;
  auto n = asio::read(sock, asio::buffer(reply), ec);
  ASSERT_TRUE(ec) << "the listener kept the connection open";
  ASSERT_LT(n, 9u) << "a plain probe is 9 bytes";
  EXPECT_TRUE(a.peers().empty());
}

TEST_F(Tls, PlainDiallerAndTlsListenerFail) {
  endpoint a{anonymous()};
  endpoint b{plain()};
  expect_peering_fails(a, b);
}

TEST_F(Tls, TlsDiallerAndPlainListenerFail) {
  endpoint a{plain()};
  endpoint b{anonymous()};
  expect_peering_fails(a, b);
}

TEST_F(Tls, CertificatesFromTheSameCa) {
  endpoint a{with_cert("a", "ca")};
  endpoint b{with_cert("b", "ca", "caf.openssl.")};
  expect_peering_works(a, b);
}

TEST_F(Tls, PassphraseProtectedKey) {
  auto cfg = with_cert("enc", "ca");
  cfg.set("broker.ssl.key", file("enc-protected.key"));
  cfg.set("broker.ssl.passphrase", "12345");
  endpoint a{std::move(cfg)};
  endpoint b{with_cert("b", "ca")};
  expect_peering_works(a, b);
}

TEST_F(Tls, WrongPassphraseFailsToListen) {
  auto cfg = with_cert("enc", "ca");
  cfg.set("broker.ssl.key", file("enc-protected.key"));
  cfg.set("broker.ssl.passphrase", "wrong");
  endpoint a{std::move(cfg)};
  auto ss = a.make_status_subscriber();
  EXPECT_EQ(a.listen("127.0.0.1", 0), 0);
  auto x = ss.get(10s);
  auto err = get_if<error>(&x);
  ASSERT_NE(err, nullptr);
  EXPECT_NE(err->message().find("key"), std::string::npos) << err->message();
}

TEST_F(Tls, SelfSignedCertificateAsItsOwnCa) {
  endpoint a{with_cert("self", "self")};
  endpoint b{with_cert("self", "self")};
  expect_peering_works(a, b);
}

TEST_F(Tls, CaMismatchFails) {
  endpoint a{with_cert("a", "ca")};
  endpoint b{with_cert("stranger", "other-ca")};
  expect_peering_fails(a, b);
}

TEST_F(Tls, UntrustedSelfSignedPeerFails) {
  endpoint a{with_cert("a", "ca")};
  endpoint b{with_cert("self", "ca")};
  expect_peering_fails(a, b);
}

TEST_F(Tls, AuthenticatedListenerRejectsAnonymousDialler) {
  endpoint a{with_cert("a", "ca")};
  endpoint b{anonymous()};
  expect_peering_fails(a, b);
}

TEST_F(Tls, AnonymousListenerRejectsAuthenticatedDialler) {
  endpoint a{anonymous()};
  endpoint b{with_cert("b", "ca")};
  expect_peering_fails(a, b);
}
