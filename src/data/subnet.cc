#include "broker/subnet.hh"

#include "data/hashing.hh"

namespace broker {

namespace {

// IPv4 prefixes are stored in IPv6 width behind the 96-bit v4-mapped prefix.
constexpr uint8_t v4_offset = 96;

} // namespace

subnet::subnet() noexcept : len_(0) {
  // nop
}

subnet::subnet(address addr, uint8_t length) noexcept
  : net_(addr), len_(length) {
  if (!init()) {
    // An impossible prefix length must not leave a half-valid subnet behind.
    net_ = address{};
    len_ = 0;
  }
}

bool subnet::init() noexcept {
  if (net_.is_v4()) {
    if (len_ > 32)
      return false;
    len_ += v4_offset;
  } else if (len_ > 128) {
    return false;
  }
  // Normalizing here lets == and hashing work on the network alone.
  return net_.mask(len_);
}

bool subnet::contains(const address& addr) const noexcept {
  auto masked = addr;
  masked.mask(len_);
  return masked == net_;
}

uint8_t subnet::length() const noexcept {
  return net_.is_v4() ? static_cast<uint8_t>(len_ - v4_offset) : len_;
}

size_t subnet::hash() const noexcept {
  return static_cast<size_t>(detail::hash_combine(net_.hash(), len_));
}

bool convert(const subnet& sn, std::string& str) {
  convert(sn.network(), str);
  str += '/';
  str += std::to_string(sn.length());
  return true;
}

} // namespace broker
