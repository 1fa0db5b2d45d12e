#include "broker/message.hh"

#include "broker/convert.hh"

namespace broker {

const topic& data_message::empty_topic() noexcept {
  static const topic instance;
  return instance;
}

const data& data_message::empty_data() noexcept {
  static const data instance;
  return instance;
}

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
