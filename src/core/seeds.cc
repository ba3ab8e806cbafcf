#include "core/seeds.h"

#include <limits>

#include "core/error.h"

namespace depthstyle {

std::uint64_t splitmix64(std::uint64_t value) {
  value += 0x9e3779b97f4a7c15ULL;
  value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9ULL;
  value = (value ^ (value >> 27)) * 0x94d049bb133111ebULL;
  return value ^ (value >> 31);
}

std::int64_t derive_seed(std::int64_t base_seed, std::string_view source) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;  // FNV-1a, 64 bit
  for (unsigned char c : source) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return static_cast<std::int64_t>(splitmix64(static_cast<std::uint64_t>(base_seed) ^ hash) >> 1);
}

std::uint64_t uniform_below(std::mt19937_64& random, std::uint64_t n) {
  DEPTHSTYLE_ASSERT(n > 0);
  const std::uint64_t top = std::numeric_limits<std::uint64_t>::max();
  const std::uint64_t limit = top - (top % n + 1) % n;  // draws above `limit` would favour small results
  for (;;) {
    const std::uint64_t value = random();
    if (value <= limit) return value % n;
  }
}

double uniform_unit(std::mt19937_64& random) { return static_cast<double>(random() >> 11) * 0x1.0p-53; }

}  // namespace depthstyle
