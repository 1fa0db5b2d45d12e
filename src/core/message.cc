#include "broker/message.hh"

#include "broker/convert.hh"

namespace broker {

namespace {

const std::shared_ptr<std::pair<topic, data>>& empty_content() {
  static const auto instance = std::make_shared<std::pair<topic, data>>();
  return instance;
}

} // namespace

data_message::data_message() : ptr_(empty_content()) {}

std::string to_string(const data_message& msg) {
  std::string result = "(";
  result += msg.get_topic().string();
  result += ", ";
  result += to_string(msg.get_data());
  result += ')';
  return result;
}

std::ostream& operator<<(std::ostream& out, const data_message& msg) {
  return out << to_string(msg);
}

} // namespace broker
