// Reproducible randomness, in one place: seeds per source of randomness and draws that give the same numbers on
// every platform and standard library.
//   - derive_seed: one seed per source (STYLE.md 8), from a run's base seed and a name for the source, so adding a
//     source never shifts the numbers another source draws;
//   - SplitMix64 (Steele, Lea, Flood 2014): a generator whose whole state is one word, so a stream per item (image,
//     scene) costs nothing to set up;
//   - uniform_index / uniform_unit: draws from std::mt19937_64 (whose output the C++ standard fixes) by explicit
//     arithmetic, unlike std::uniform_int_distribution / uniform_real_distribution, whose algorithms the standard
//     leaves to the library.
#pragma once

#include <cstdint>
#include <random>
#include <string_view>

namespace depthstyle {

// One SplitMix64 step: advances `state` and returns the next output.
std::uint64_t splitmix64_next(std::uint64_t& state);

// FNV-1a, 64 bit, of the bytes.
std::uint64_t fnv1a_64(std::string_view bytes);

// A non-negative 63-bit seed for the source named `source`: SplitMix64 of the base seed xor FNV-1a of the name.
std::int64_t derive_seed(std::int64_t base_seed, std::string_view source);

// A uniform index in [0, count), count > 0, by rejection.
std::uint64_t uniform_index(std::mt19937_64& generator, std::uint64_t count);

// A uniform double in [0, 1) from the top 53 bits of one draw.
double uniform_unit(std::mt19937_64& generator);

}  // namespace depthstyle
