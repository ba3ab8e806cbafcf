#include "core/seeds.h"

#include <limits>

#include "core/error.h"

namespace depthstyle {

std::uint64_t splitmix64_next(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t fnv1a_64(std::string_view bytes) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char byte : bytes) {
    hash ^= static_cast<unsigned char>(byte);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

std::uint64_t derive_seed(std::int64_t base_seed, std::string_view source) {
  std::uint64_t state = static_cast<std::uint64_t>(base_seed) ^ fnv1a_64(source);
  return splitmix64_next(state) >> 1;
}

std::uint64_t resolve_seed(std::int64_t explicit_seed, std::int64_t base_seed, std::string_view source) {
  return explicit_seed >= 0 ? static_cast<std::uint64_t>(explicit_seed) : derive_seed(base_seed, source);
}

std::uint64_t uniform_index(std::mt19937_64& generator, std::uint64_t count) {
  DEPTHSTYLE_ASSERT(count > 0);
  const std::uint64_t largest = std::numeric_limits<std::uint64_t>::max();
  // The largest multiple of count that fits, so every residue is equally likely.
  const std::uint64_t limit = largest - (largest % count + 1) % count;
  std::uint64_t value;
  do {
    value = generator();
  } while (value > limit);
  return value % count;
}

double uniform_unit(std::mt19937_64& generator) { return static_cast<double>(generator() >> 11) * 0x1.0p-53; }

}  // namespace depthstyle
