// Reproducible randomness, in one place: seeds per source of randomness and draws that give the same numbers on
// every platform and standard library. The rule: docs/conventions.md#one-seed-per-source.
//   - derive_seed / resolve_seed: one seed per source: pair sampling, presentation order, sides,
//     bootstrap over respondents, over items, ... each gets its own seed derived from the run's base seed and the
//     source's name, so no two sources share a stream and adding a source changes no other source's draws;
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

// The top 63 bits of the SplitMix64 finaliser of (base seed XOR the 64-bit FNV-1a hash of `source`): a seed >= 0 that
// fits an int64, so it can be given back as an explicit seed. Stable across platforms and releases (changing it
// would change every derived result, so the tests pin its values).
std::uint64_t derive_seed(std::int64_t base_seed, std::string_view source);

// An explicit seed (>= 0) as given, or the derived one for -1 (the "-1 = derived from the run's seed" convention of
// config keys).
std::uint64_t resolve_seed(std::int64_t explicit_seed, std::int64_t base_seed, std::string_view source);

// A uniform index in [0, count), count > 0, by rejection.
std::uint64_t uniform_index(std::mt19937_64& generator, std::uint64_t count);

// A uniform double in [0, 1) from the top 53 bits of one draw.
double uniform_unit(std::mt19937_64& generator);

}  // namespace depthstyle
