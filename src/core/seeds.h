// Seeds for separate sources of randomness (STYLE.md 8): each source (pair sampling, presentation order, sides,
// bootstrap over respondents, bootstrap over items, ...) gets its own seed derived from the run's base seed and the
// source's name, so no two sources share a stream and adding a source changes no other source's draws.
#pragma once

#include <cstdint>
#include <string_view>

namespace depthstyle {

// The top 63 bits of the SplitMix64 finaliser of (base seed XOR the 64-bit FNV-1a hash of `source`): a seed >= 0 that
// fits an int64, so it can be given back as an explicit seed. Stable across platforms and releases (changing it
// would change every derived result, so the tests pin its values).
std::uint64_t derive_seed(std::int64_t base_seed, std::string_view source);

// An explicit seed (>= 0) as given, or the derived one for -1 (the "-1 = derived from the run's seed" convention of
// config keys).
std::uint64_t resolve_seed(std::int64_t explicit_seed, std::int64_t base_seed, std::string_view source);

}  // namespace depthstyle
