#include "store/store_command.hh"

#include "broker/convert.hh"

namespace broker::detail {

namespace {

constexpr size_t field_count = 10;

data node_data(const node_id& id) {
  return id.valid() ? data{to_string(id)} : data{};
}

bool node_from(const data& x, node_id& id) {
  if (is<none>(x)) {
    id = node_id{};
    return true;
  }
  auto str = get_if<std::string>(x);
  return str && convert(*str, id);
}

error malformed(const char* what) {
  return error{ec::invalid_data, std::string{"malformed store command: "}
                                   + what};
}

bool valid_tag(count t) {
  return (t >= 1 && t <= 7) || (t >= 9 && t <= 11);
}

} // namespace

data to_data(const store_command& cmd) {
  vector xs;
  xs.reserve(field_count);
  xs.emplace_back(count{static_cast<uint8_t>(cmd.type)});
  xs.emplace_back(count{cmd.seq});
  xs.emplace_back(cmd.key);
  xs.emplace_back(cmd.value);
  xs.emplace_back(count{static_cast<uint8_t>(cmd.init_type)});
  xs.emplace_back(cmd.expiry ? data{*cmd.expiry} : data{});
  xs.emplace_back(node_data(cmd.publisher.endpoint));
  xs.emplace_back(count{cmd.publisher.object});
  xs.emplace_back(count{cmd.request});
  xs.emplace_back(node_data(cmd.peer));
  return data{std::move(xs)};
}

expected<store_command> to_store_command(const data& x) {
  auto xs = get_if<vector>(x);
  if (!xs || xs->size() != field_count)
    return malformed("not a vector of 10 fields");
  auto tag = get_if<count>((*xs)[0]);
  auto seq = get_if<count>((*xs)[1]);
  auto init = get_if<count>((*xs)[4]);
  auto obj = get_if<count>((*xs)[7]);
  auto req = get_if<count>((*xs)[8]);
  if (!tag || !valid_tag(*tag) || !seq || !init
      || *init > static_cast<count>(data::type::vector) || !obj || !req)
    return malformed("bad tag or number field");
  store_command cmd;
  cmd.type = static_cast<store_command::tag>(*tag);
  cmd.seq = *seq;
  cmd.key = (*xs)[2];
  cmd.value = (*xs)[3];
  cmd.init_type = static_cast<data::type>(*init);
  if (auto e = get_if<timespan>((*xs)[5]))
    cmd.expiry = *e;
  else if (!is<none>((*xs)[5]))
    return malformed("expiry is not a timespan");
  if (!node_from((*xs)[6], cmd.publisher.endpoint)
      || !node_from((*xs)[9], cmd.peer))
    return malformed("bad endpoint id");
  cmd.publisher.object = *obj;
  cmd.request = *req;
  return cmd;
}

} // namespace broker::detail
