#include "core/seeds.h"

namespace depthstyle {

std::uint64_t derive_seed(std::int64_t base_seed, std::string_view source) {
  std::uint64_t hash = 14695981039346656037ull;
  for (const char c : source) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  std::uint64_t z = static_cast<std::uint64_t>(base_seed) ^ hash;
  z += 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return (z ^ (z >> 31)) >> 1;
}

std::uint64_t resolve_seed(std::int64_t explicit_seed, std::int64_t base_seed, std::string_view source) {
  return explicit_seed >= 0 ? static_cast<std::uint64_t>(explicit_seed) : derive_seed(base_seed, source);
}

}  // namespace depthstyle
