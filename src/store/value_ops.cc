#include "store/value_ops.hh"

#include <cstdint>
#include <utility>

#include "data/quote.hh"

namespace broker::detail {

namespace {

enum class arith { add, sub };

// Two's-complement wrap-around, as upstream's counters behave in practice,
// but without the undefined behaviour of signed overflow.
int64_t wrapping(arith op, int64_t x, int64_t y) noexcept {
  auto ux = static_cast<uint64_t>(x);
  auto uy = static_cast<uint64_t>(y);
  return static_cast<int64_t>(op == arith::add ? ux + uy : ux - uy);
}

// Replaces the T in `value` with `f(x, y)` if `operand` holds a U.
template <class T, class U, class F>
bool combine(data& value, const data& operand, F f) {
  auto y = get_if<U>(operand);
  if (!y)
    return false;
  auto& x = get<T>(value);
  x = f(x, *y);
  return true;
}

bool is_arithmetic(data::type t) noexcept {
  switch (t) {
    case data::type::count:
    case data::type::integer:
    case data::type::real:
    case data::type::timespan:
    case data::type::timestamp:
      return true;
    default:
      return false;
  }
}

// `+=` or `-=` on an arithmetic value; false on an operand type mismatch.
bool arith_step(data& value, const data& operand, arith op) {
  auto ns = [op](int64_t x, int64_t y) { return wrapping(op, x, y); };
  switch (value.get_type()) {
    case data::type::count:
      return combine<count, count>(value, operand, [op](count x, count y) {
        return op == arith::add ? x + y : x - y;
      });
    case data::type::integer:
      return combine<integer, integer>(value, operand, ns);
    case data::type::real:
      return combine<real, real>(value, operand, [op](real x, real y) {
        return op == arith::add ? x + y : x - y;
      });
    case data::type::timespan:
      return combine<timespan, timespan>(value, operand,
                                         [&](timespan x, timespan y) {
                                           return timespan{
                                             ns(x.count(), y.count())};
                                         });
    case data::type::timestamp:
      return combine<timestamp, timespan>(
        value, operand, [&](timestamp x, timespan y) {
          return timestamp{timespan{ns(x.time_since_epoch().count(),
                                       y.count())}};
        });
    default:
      return false;
  }
}

error clash(arith op, const data& operand, const data& value) {
  std::string msg = op == arith::add ? "cannot add " : "cannot subtract ";
  msg += operand.get_type_name();
  msg += op == arith::add ? " to " : " from ";
  msg += value.get_type_name();
  return make_error(ec::type_clash, std::move(msg));
}

// `t[op[0]] = op[1]` for a [key, value] operand.
expected<void> insert_into_table(table& t, const data& operand) {
  auto xs = get_if<vector>(operand);
  if (!xs)
    return make_error(ec::type_clash,
                      std::string{"cannot add "} + operand.get_type_name()
                        + " to table (expected a [key, value] vector)");
  if (xs->size() != 2)
    return make_error(ec::invalid_data,
                      "cannot add a vector of " + std::to_string(xs->size())
                        + " elements to table (expected [key, value])");
  t.insert_or_assign((*xs)[0], (*xs)[1]);
  return {};
}

} // namespace

expected<void> add_to(data& value, const data& operand) {
  if (is_arithmetic(value.get_type())) {
    if (arith_step(value, operand, arith::add))
      return {};
    return clash(arith::add, operand, value);
  }
  if (auto str = get_if<std::string>(value)) {
    if (auto suffix = get_if<std::string>(operand)) {
      *str += *suffix;
      return {};
    }
  } else if (auto xs = get_if<vector>(value)) {
    xs->push_back(operand);
    return {};
  } else if (auto xs = get_if<set>(value)) {
    xs->insert(operand);
    return {};
  } else if (auto xs = get_if<table>(value)) {
    return insert_into_table(*xs, operand);
  }
  return clash(arith::add, operand, value);
}

expected<void> subtract_from(data& value, const data& operand) {
  if (is_arithmetic(value.get_type())) {
    if (arith_step(value, operand, arith::sub))
      return {};
  } else if (auto xs = get_if<vector>(value)) {
    // Upstream pops the last element whatever the operand is.
    if (!xs->empty())
      xs->pop_back();
    return {};
  } else if (auto xs = get_if<set>(value)) {
    xs->erase(operand);
    return {};
  } else if (auto xs = get_if<table>(value)) {
    xs->erase(operand);
    return {};
  }
  return clash(arith::sub, operand, value);
}

namespace {

expected<data> vector_element(const vector& xs, const data& aspect) {
  uint64_t index = 0;
  if (auto n = get_if<count>(aspect)) {
    index = *n;
  } else if (auto i = get_if<integer>(aspect); i && *i >= 0) {
    index = static_cast<uint64_t>(*i);
  } else {
    return make_error(ec::type_clash,
                      "a vector index must be a count or a non-negative "
                      "integer, got "
                        + to_string(aspect));
  }
  if (index >= xs.size())
    return make_error(ec::no_such_key,
                      "index " + std::to_string(index)
                        + " is out of range for a vector of "
                        + std::to_string(xs.size()) + " elements");
  return xs[index];
}

} // namespace

expected<data> index_into(const data& value, const data& aspect) {
  if (auto xs = get_if<vector>(value))
    return vector_element(*xs, aspect);
  if (auto xs = get_if<set>(value))
    return data{xs->count(aspect) > 0};
  if (auto xs = get_if<table>(value)) {
    auto i = xs->find(aspect);
    if (i == xs->end())
      return make_error(ec::no_such_key,
                        "the table has no key " + describe_key(aspect));
    return i->second;
  }
  return value;
}

std::string describe_key(const data& key) {
  constexpr size_t max_len = 80;
  auto str = to_string(key);
  if (str.size() > max_len) {
    str.resize(max_len);
    str += "...";
  }
  std::string result;
  append_quoted(result, str);
  return result;
}

error key_error(const error& err, const char* what, const data& key) {
  std::string msg = what;
  msg += " key ";
  msg += describe_key(key);
  msg += ": ";
  // Codes alone (e.g. a plain ec::no_such_key) still say what went wrong.
  msg += err.message().empty() ? to_string(err.code()) : err.message();
  return make_error(err.code(), std::move(msg));
}

} // namespace broker::detail
