// Reading and writing fixed-width integers and floats in a stated byte order, for the binary headers of EXIF, NPY,
// PFM and pickle data. Callers state the order explicitly; nothing depends on the host's order by accident.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>

namespace depthstyle {

enum class ByteOrder { kLittle, kBig };

constexpr ByteOrder host_byte_order() {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  return ByteOrder::kLittle;
#else
  return ByteOrder::kBig;
#endif
}

// Reads an unsigned integer of `width` bytes (1..8) at `bytes`.
inline std::uint64_t read_unsigned(const unsigned char* bytes, int width, ByteOrder order) {
  std::uint64_t value = 0;
  for (int i = 0; i < width; ++i) {
    const int shift = order == ByteOrder::kLittle ? 8 * i : 8 * (width - 1 - i);
    value |= std::uint64_t{bytes[i]} << shift;
  }
  return value;
}

// Reads a two's-complement signed integer of `width` bytes (1..8), sign-extended.
inline std::int64_t read_signed(const unsigned char* bytes, int width, ByteOrder order) {
  const int unused = 64 - 8 * width;
  return static_cast<std::int64_t>(read_unsigned(bytes, width, order) << unused) >> unused;
}

// Reads an IEEE 754 float of `width` bytes: 2 (half), 4 or 8.
double read_float(const unsigned char* bytes, int width, ByteOrder order);

// Reverses each `width`-byte element of `data` in place when `order` is not the host's.
inline void to_host_order(void* data, std::size_t count, int width, ByteOrder order) {
  if (order == host_byte_order() || width == 1) return;
  auto* bytes = static_cast<unsigned char*>(data);
  for (std::size_t i = 0; i < count; ++i) {
    unsigned char* element = bytes + i * static_cast<std::size_t>(width);
    for (int a = 0, b = width - 1; a < b; ++a, --b) std::swap(element[a], element[b]);
  }
}

}  // namespace depthstyle
