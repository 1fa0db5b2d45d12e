// The table of known keys and their aliases. Defaults here must be the
// ones the library applies when a key is unset; tests/cpp/
// configuration_keys_test.cc compares them with what the core reads.

#include "config/key_table.hh"

namespace broker::detail::config {

namespace {

constexpr uint64_t no_limit = UINT64_MAX;

/// Nanoseconds per millisecond, for the shortest accepted durations.
constexpr uint64_t one_ms = 1'000'000;

constexpr key_spec flag(std::string_view name, std::string_view def,
                        std::string_view meaning) {
  return {name, value_type::boolean, def, meaning, {}, {}, 0, 1};
}

constexpr key_spec whole(std::string_view name, std::string_view def,
                         uint64_t min, uint64_t max, std::string_view meaning,
                         std::string_view env = {}) {
  return {name, value_type::count, def, meaning, env, {}, min, max};
}

constexpr key_spec span(std::string_view name, std::string_view def,
                        uint64_t min_ns, std::string_view meaning,
                        std::string_view env = {}) {
  return {name, value_type::duration, def, meaning, env, {}, min_ns, no_limit};
}

constexpr key_spec text(std::string_view name, std::string_view def,
                        std::string_view meaning, std::string_view env = {}) {
  return {name, value_type::string, def, meaning, env, {}, 0, no_limit};
}

constexpr key_spec texts(std::string_view name, std::string_view meaning,
                         std::string_view env) {
  return {name, value_type::string_list, "[]", meaning, env, {}, 0, no_limit};
}

constexpr key_spec one_of(std::string_view name, std::string_view def,
                          std::string_view choices, std::string_view meaning,
                          std::string_view env = {}) {
  return {name, value_type::choice, def, meaning, env, choices, 0, no_limit};
}

constexpr key_spec uuid(std::string_view name, std::string_view meaning) {
  return {name, value_type::uuid, "unset", meaning, {}, {}, 0, no_limit};
}

constexpr std::string_view levels = "quiet|error|warning|info|debug|trace";

constexpr std::string_view peer_policies = "disconnect|drop_newest|drop_oldest";

// Keys of the endpoint: what upstream binds to broker_options, TLS, the
// connections, buffers, the core and the stores.
const key_spec endpoint_keys[] = {
  whole("broker.ttl", "20", 1, 65535,
        "hops a message published here may travel (`broker_options::ttl`)"),
  flag("broker.forward", "true",
       "relay messages received from peers to other peers "
       "(`broker_options::forward`)"),
  uuid("broker.endpoint-id",
       "this endpoint's id on the wire, instead of a random one; must be "
       "unique among the endpoints that can reach each other; unset: a "
       "random one"),
  flag("broker.disable_ssl", "false",
       "peer over plain TCP instead of TLS; both sides must agree "
       "(`broker_options::disable_ssl`)"),
  text("broker.ssl.certificate", "\"\"",
       "PEM certificate (chain) of this endpoint; with any `broker.ssl.*` "
       "file set, peers must present certificates the CA settings verify"),
  text("broker.ssl.key", "\"\"", "PEM private key file"),
  text("broker.ssl.passphrase", "\"\"", "passphrase of an encrypted key"),
  text("broker.ssl.cafile", "\"\"", "PEM file of trusted CA certificates"),
  text("broker.ssl.capath", "\"\"",
       "directory of trusted CA certificates (OpenSSL hashed names)"),
  span("broker.handshake-timeout", "10s", 0,
       "from connect until the peering is ready: TLS, the v1 handshake and "
       "the extension probe (docs/protocol.md §8.3)"),
  span("broker.heartbeat-interval", "1s", one_ms,
       "idle time after which a connection sends a heartbeat (a v1 ping)"),
  span("broker.peer-timeout", "10s", 0,
       "a peer that sends nothing for this long is dropped (`peer_timeout`, "
       "`peer_lost`); 0s = never"),
  span("broker.unpeer-timeout", "3s", 0,
       "how long an unpeer waits for the pong to its BYE before it closes"),
  whole("broker.routing-update-limit", "1000", 0, UINT32_MAX,
        "routing updates a peer may send per second before it is dropped as "
        "flooding (`peer_invalid`); 0 = no limit"),
  flag("broker.in-process-shortcut", "true",
       "peering by address with an endpoint of the same process continues "
       "in memory (docs/protocol.md §7.3)"),
  whole("broker.subscriber-buffer-size", "65536", 1, no_limit,
        "messages a subscriber buffers (or its `max_qsize`, if larger)"),
  one_of("broker.subscriber-overflow-policy", "drop_oldest",
         "drop_oldest|drop_newest|block",
         "what a full subscriber buffer does: drop the oldest message, drop "
         "the new one, or stall the core until the reader catches up"),
  whole("broker.peer-buffer-size", "65536", 1, no_limit,
        "messages pending toward one peer (in-process: in its inbox; TCP: "
        "frames waiting behind the write in progress)"),
  whole("broker.peer-buffer-bytes", "8388608", 1, no_limit,
        "bytes of encoded messages waiting toward one TCP peer behind the "
        "write in progress; the overflow policy applies beyond it too"),
  one_of("broker.peer-overflow-policy", "disconnect", peer_policies,
         "what a full peer buffer does: drop the peer, the newest messages "
         "(what does not fit of a batch) or the oldest waiting ones; every "
         "drop raises an error status with the count"),
  span("broker.core-call-timeout", "10s", 0,
       "how long a synchronous call (`peers()`, `listen`, `unpeer`, an "
       "in-process `peer`, ...) waits for the core before it fails with "
       "`request_timeout`"),
  whole("broker.core-inbox-size", "4096", 1, uint64_t{1} << 30,
        "local publications queued before `publish` waits (rounded up to a "
        "power of two)"),
  whole("broker.core-spin-us", "50", 0, 1'000'000,
        "microseconds an idle core or store thread polls before it sleeps "
        "(and a blocking store query polls for its answer); 0 sleeps at once"),
  span("broker.store.tick-interval", "100ms", one_ms,
       "the tick of the stores' replication channel (docs/stores.md)"),
  whole("broker.store.heartbeat-interval", "5", 0, 65535,
        "ticks between a replication channel's keepalives and ACKs; 0 "
        "counts as 1"),
  whole("broker.store.nack-timeout", "2", 0, 65535,
        "ticks a gap in a replication channel lasts before a NACK, and the "
        "pace of attach requests; 0 counts as 1"),
  whole("broker.store.connection-timeout", "100", 0, 65535,
        "a replication peer silent for this many heartbeat intervals is "
        "given up; 0 counts as 1"),
  whole("broker.metrics.port", "unset", 0, 65535,
        "serve Prometheus metrics (`GET /metrics`) and the status report "
        "(`GET /v1/status/json`) over HTTP on this port; 0 = any free port "
        "(docs/metrics.md)",
        "BROKER_METRICS_PORT"),
  text("broker.metrics.address", "\"\"",
       "bind address of the metrics server; \"\" = every IPv4 interface"),
  text("broker.metrics.endpoint-name", "unset",
       "this endpoint's `endpoint` label in metrics, and the id of its "
       "exports (default: the export topic's last segment)",
       "BROKER_METRICS_ENDPOINT_NAME"),
  text("broker.metrics.export.topic", "unset",
       "publish this endpoint's metrics on this topic periodically "
       "(docs/metrics.md, \"Export layout\")",
       "BROKER_METRICS_EXPORT_TOPIC"),
  span("broker.metrics.export.interval", "1s", one_ms,
       "time between two such publications",
       "BROKER_METRICS_EXPORT_INTERVAL"),
  texts("broker.metrics.export.prefixes",
        "metric name prefixes to publish (`broker` matches `broker_*`); "
        "empty = all",
        "BROKER_METRICS_EXPORT_PREFIXES"),
  texts("broker.metrics.import.topics",
        "topics whose exported metrics this endpoint collects and serves "
        "with its own (needs broker.metrics.port)",
        "BROKER_METRICS_IMPORT_TOPICS"),
};

// Keys upstream has and this library accepts (and checks) without acting
// on them, or not yet.
const key_spec other_keys[] = {
  whole("broker.web-socket-buffer-size", "unset", 0, no_limit,
        "upstream 2.3+: WebSocket client buffer; no WebSocket server here, "
        "no effect"),
  one_of("broker.web-socket-overflow-policy", "unset", peer_policies,
         "upstream 2.3+: what a full WebSocket buffer does; no effect here"),
  text("broker.recording-directory", "\"\"",
       "upstream: record meta data for broker-cluster-benchmark there; "
       "recording is not implemented, no effect",
       "BROKER_RECORDING_DIRECTORY"),
  whole("broker.output-generator-file-cap", "18446744073709551615", 0,
        no_limit,
        "upstream: most messages a recording keeps; recording is not "
        "implemented, no effect",
        "BROKER_OUTPUT_GENERATOR_FILE_CAP"),
  whole("broker.max-pending-inputs-per-source", "512", 0, no_limit,
        "declared and unused upstream; no effect"),
  one_of("caf.logger.console.verbosity", "error", levels,
         "what is printed to the console (docs/logging.md)",
         "BROKER_CONSOLE_VERBOSITY"),
  one_of("caf.logger.file.verbosity", "quiet", levels,
         "what is written to the log file; quiet = no file "
         "(docs/logging.md)",
         "BROKER_FILE_VERBOSITY"),
  text("caf.logger.file.path", "\"broker_[PID]_[TIMESTAMP].log\"",
       "the log file; [PID] and [TIMESTAMP] are replaced (docs/logging.md)"),
  whole("caf.scheduler.max-threads", "unset", 0, no_limit,
        "upstream's thread pool size (Python's `max_threads`); no thread "
        "pool here, no effect"),
};

constexpr std::string_view v23 = "upstream 2.3+";
constexpr std::string_view v21 = "upstream 2.1";
constexpr std::string_view caf017 = "upstream 2.1 with CAF 0.17, as in the manual";

const alias_spec alias_table[] = {
  {"broker.disable-ssl", "broker.disable_ssl", false, v23},
  {"broker.disable-forwarding", "broker.forward", true, v23},
  {"caf.openssl.certificate", "broker.ssl.certificate", false, v21},
  {"caf.openssl.key", "broker.ssl.key", false, v21},
  {"caf.openssl.passphrase", "broker.ssl.passphrase", false, v21},
  {"caf.openssl.cafile", "broker.ssl.cafile", false, v21},
  {"caf.openssl.capath", "broker.ssl.capath", false, v21},
  {"logger.console-verbosity", "caf.logger.console.verbosity", false, caf017},
  {"logger.file-verbosity", "caf.logger.file.verbosity", false, caf017},
  {"logger.file-name", "caf.logger.file.path", false, caf017},
};

} // namespace

const std::vector<key_spec>& keys() {
  static const auto result = [] {
    std::vector<key_spec> xs{std::begin(endpoint_keys),
                             std::end(endpoint_keys)};
    xs.insert(xs.end(), std::begin(other_keys), std::end(other_keys));
    return xs;
  }();
  return result;
}

const std::vector<alias_spec>& aliases() {
  static const std::vector<alias_spec> result{std::begin(alias_table),
                                              std::end(alias_table)};
  return result;
}

const key_spec* find_key(std::string_view name) {
  for (auto& spec : keys())
    if (spec.name == name)
      return &spec;
  return nullptr;
}

const alias_spec* find_alias(std::string_view name) {
  for (auto& spec : alias_table)
    if (spec.alias == name)
      return &spec;
  return nullptr;
}

} // namespace broker::detail::config
