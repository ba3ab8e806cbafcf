// The per-user cache folder of depthstyle (XDG Base Directory spec): $XDG_CACHE_HOME/depthstyle, else
// ~/.cache/depthstyle. Holds what is worth keeping between runs but can always be made again: the hash cache
// (core/file_hash_cache.h) and an installed binary's sample cache (data/sample_fetch.h).
#pragma once

#include <filesystem>

namespace depthstyle {

// Empty when neither XDG_CACHE_HOME nor HOME is set (nothing is then cached per user).
std::filesystem::path user_cache_dir();

}  // namespace depthstyle
