// Secrets for the user-study server: invitation tokens, session ids, CSRF tokens and completion codes, all drawn
// from the operating system's CSPRNG (getrandom(2)), never from a seeded generator (core/seeds.h is for
// reproducible randomness, which is exactly what a secret must not be).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace depthstyle {

// Fills `size` bytes from getrandom(2); throws Error if the kernel cannot provide them.
void fill_secure_random(void* data, std::size_t size);

// `bytes` random bytes as 2 * bytes lower-case hex characters (16 bytes = 128 bits = 32 characters).
std::string secure_random_hex(std::size_t bytes);

// `length` characters drawn uniformly from `alphabet` (at most 256 characters), e.g. a completion code a respondent
// types by hand.
std::string secure_random_code(std::size_t length, std::string_view alphabet);

// Compares two strings in time that depends only on their lengths, not on where they first differ, so a remote
// caller cannot find a secret byte by byte from response times.
bool constant_time_equal(std::string_view a, std::string_view b);

// True if `text` has exactly `length` characters, each 0-9 or a-f (the form secure_random_hex produces).
bool is_lower_hex(std::string_view text, std::size_t length);

}  // namespace depthstyle
