// One seed per source of randomness (STYLE.md 8), derived from a run's base seed and a name for the source, so adding
// a source never shifts the numbers another source draws, and the same (base, name) gives the same seed everywhere.
#pragma once

#include <cstdint>
#include <random>
#include <string_view>

namespace depthstyle {

// A non-negative 63-bit seed: SplitMix64 of the base seed mixed with the FNV-1a hash of `source`.
std::int64_t derive_seed(std::int64_t base_seed, std::string_view source);

// A uniform integer in [0, n), n > 0, by rejection: the same numbers from the same engine on every platform (unlike
// std::uniform_int_distribution, whose algorithm the standard leaves to the library).
std::uint64_t uniform_below(std::mt19937_64& random, std::uint64_t n);

// A uniform double in [0, 1) from the top 53 bits of one draw (platform-independent, unlike
// std::uniform_real_distribution).
double uniform_unit(std::mt19937_64& random);

// SplitMix64's output function (Steele et al. 2014): a fast, well-mixed 64-bit hash of one integer.
std::uint64_t splitmix64(std::uint64_t value);

}  // namespace depthstyle
