// Text rendering of data and its containers. Strings are printed raw, also
// inside containers, because that is what upstream Broker prints.

#include <ostream>

#include "broker/convert.hh"
#include "broker/data.hh"

namespace broker {

namespace {

void append(std::string& out, const data& x);

void append(std::string& out, const std::pair<const data, data>& kvp) {
  append(out, kvp.first);
  out += " -> ";
  append(out, kvp.second);
}

template <class Container>
void append_range(std::string& out, char open, char close,
                  const Container& xs) {
  out += open;
  bool first = true;
  for (const auto& x : xs) {
    if (!first)
      out += ", ";
    first = false;
    append(out, x);
  }
  out += close;
}

struct appender {
  std::string& out;

  void operator()(none) {
    out += "nil";
  }

  void operator()(boolean x) {
    out += x ? 'T' : 'F';
  }

  void operator()(count x) {
    out += std::to_string(x);
  }

  void operator()(integer x) {
    out += std::to_string(x);
  }

  void operator()(real x) {
    out += std::to_string(x);
  }

  void operator()(const std::string& x) {
    out += x;
  }

  void operator()(const set& xs) {
    append_range(out, '{', '}', xs);
  }

  void operator()(const table& xs) {
    append_range(out, '{', '}', xs);
  }

  void operator()(const vector& xs) {
    append_range(out, '(', ')', xs);
  }

  // address, subnet, port, timestamp, timespan and enum_value each have
  // their own convert overload.
  template <class T>
  void operator()(const T& x) {
    std::string tmp;
    convert(x, tmp);
    out += tmp;
  }
};

void append(std::string& out, const data& x) {
  visit(appender{out}, x);
}

} // namespace

bool convert(none, std::string& str) {
  str = "nil";
  return true;
}

bool convert(const enum_value& e, std::string& str) {
  str = e.name;
  return true;
}

bool convert(const data& d, std::string& str) {
  str.clear();
  append(str, d);
  return true;
}

bool convert(const vector& v, std::string& str) {
  str.clear();
  append_range(str, '(', ')', v);
  return true;
}

bool convert(const set& s, std::string& str) {
  str.clear();
  append_range(str, '{', '}', s);
  return true;
}

bool convert(const table& t, std::string& str) {
  str.clear();
  append_range(str, '{', '}', t);
  return true;
}

std::string to_string(const data& d) {
  std::string result;
  convert(d, result);
  return result;
}

std::string to_string(const vector& v) {
  std::string result;
  convert(v, result);
  return result;
}

std::string to_string(const set& s) {
  std::string result;
  convert(s, result);
  return result;
}

std::string to_string(const table& t) {
  std::string result;
  convert(t, result);
  return result;
}

std::ostream& operator<<(std::ostream& out, const data& d) {
  return out << to_string(d);
}

std::ostream& operator<<(std::ostream& out, const vector& v) {
  return out << to_string(v);
}

std::ostream& operator<<(std::ostream& out, const set& s) {
  return out << to_string(s);
}

std::ostream& operator<<(std::ostream& out, const table& t) {
  return out << to_string(t);
}

} // namespace broker
