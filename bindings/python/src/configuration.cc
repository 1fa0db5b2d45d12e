// broker.BrokerOptions, broker.Configuration, broker.Version and the enum
// broker.APIFlags (broker.Backend and broker.Frontend live in store.cc).

#include "configuration.hh"

#include "broker/version.hh"
#include "convert.hh"

namespace broker::python {

namespace {

// Upstream's legacy API flags; nothing in the API takes them any more.
enum class api_flags : int { no_flags = 0, blocking = 1, nonblocking = 2 };

void bind_name_enums(py::module_& m) {
  py::enum_<api_flags>(m, "APIFlags")
    .value("NoFlags", api_flags::no_flags)
    .value("Blocking", api_flags::blocking)
    .value("NonBlocking", api_flags::nonblocking)
    .export_values(); // _broker.Blocking, as upstream
}

void bind_options(py::module_& m) {
  py::class_<broker_options>(m, "BrokerOptions")
    .def(py::init<>())
    .def_readwrite("disable_ssl", &broker_options::disable_ssl)
    .def_readwrite("forward", &broker_options::forward)
    // Upstream 2.3+ replaced `forward` by its negation; both work here.
    .def_property(
      "disable_forwarding",
      [](const broker_options& x) { return !x.forward; },
      [](broker_options& x, bool disable) { x.forward = !disable; })
    .def_readwrite("ttl", &broker_options::ttl)
    .def_readwrite("use_real_time", &broker_options::use_real_time)
    .def_readwrite("ignore_broker_conf", &broker_options::ignore_broker_conf);
}

void bind_configuration(py::module_& m) {
  py::class_<py_configuration>(m, "Configuration")
    .def(py::init<>())
    .def(py::init([](const broker_options& opts) {
           py_configuration result;
           result.options = opts;
           return result;
         }),
         py::arg("options"))
    .def_readwrite("options", &py_configuration::options)
    .def_readwrite("openssl_cafile", &py_configuration::openssl_cafile)
    .def_readwrite("openssl_capath", &py_configuration::openssl_capath)
    .def_readwrite("openssl_certificate", &py_configuration::openssl_certificate)
    .def_readwrite("openssl_key", &py_configuration::openssl_key)
    .def_readwrite("openssl_passphrase", &py_configuration::openssl_passphrase)
    .def_readwrite("max_threads", &py_configuration::max_threads)
    .def(
      "set",
      [](py_configuration& cfg, const std::string& key, py::handle value) {
        // Checked now, so that a bad value raises ValueError here rather
        // than when an endpoint is made; kept under our spelling of the
        // key, so that of two spellings the last one set wins.
        configuration probe{skip_init};
        probe.set(key, from_py(value));
        for (auto& [name, checked] : probe.settings())
          cfg.settings[name] = checked;
      },
      py::arg("key"), py::arg("value"),
      "Sets a named setting, e.g. set('broker.subscriber-buffer-size', "
      "Count(100)); raises ValueError for a bad value of a known key. See "
      "docs/configuration.md.");
}

struct version_tag {};

void bind_version(py::module_& m) {
  py::class_<version_tag>(m, "Version")
    .def_property_readonly_static("MAJOR",
                                  [](py::object) { return version::major; })
    .def_property_readonly_static("MINOR",
                                  [](py::object) { return version::minor; })
    .def_property_readonly_static("PATCH",
                                  [](py::object) { return version::patch; })
    .def_property_readonly_static("PROTOCOL",
                                  [](py::object) { return version::protocol; })
    .def_static("compatible", &version::compatible, py::arg("protocol"))
    .def_static("string", &version::string);
}

} // namespace

configuration py_configuration::to_configuration() const {
  // Reads broker.conf (unless options.ignore_broker_conf) and the BROKER_*
  // environment variables; what was set here overrides them.
  configuration cfg{options};
  // Upstream's Python fields map to these keys (docs/configuration.md).
  const std::pair<const char*, const std::string*> ssl[] = {
    {"caf.openssl.cafile", &openssl_cafile},
    {"caf.openssl.capath", &openssl_capath},
    {"caf.openssl.certificate", &openssl_certificate},
    {"caf.openssl.key", &openssl_key},
    {"caf.openssl.passphrase", &openssl_passphrase},
  };
  for (auto& [key, value] : ssl)
    if (!value->empty())
      cfg.set(key, *value);
  if (max_threads > 0)
    cfg.set("caf.scheduler.max-threads", count{static_cast<count>(max_threads)});
  for (auto& [key, value] : settings)
    cfg.set(key, value);
  return cfg;
}

void register_configuration(py::module_& m) {
  bind_name_enums(m);
  bind_options(m);
  bind_configuration(m);
  bind_version(m);
}

} // namespace broker::python
