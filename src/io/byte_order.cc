#include "io/byte_order.h"

#include <cmath>
#include <limits>

namespace depthstyle {
namespace {

// IEEE 754 binary16: 1 sign, 5 exponent, 10 mantissa bits.
double half_to_double(std::uint16_t bits) {
  const double sign = bits >> 15 ? -1.0 : 1.0;
  const int exponent = (bits >> 10) & 0x1f;
  const int mantissa = bits & 0x3ff;
  if (exponent == 0) return sign * std::ldexp(mantissa, -24);
  if (exponent == 31) return mantissa ? std::numeric_limits<double>::quiet_NaN() : sign * HUGE_VAL;
  return sign * std::ldexp(mantissa + 1024, exponent - 25);
}

}  // namespace

double read_float(const unsigned char* bytes, int width, ByteOrder order) {
  const std::uint64_t bits = read_unsigned(bytes, width, order);
  if (width == 2) return half_to_double(static_cast<std::uint16_t>(bits));
  if (width == 4) {
    const auto narrow = static_cast<std::uint32_t>(bits);
    float value;
    std::memcpy(&value, &narrow, 4);
    return value;
  }
  double value;
  std::memcpy(&value, &bits, 8);
  return value;
}

}  // namespace depthstyle
