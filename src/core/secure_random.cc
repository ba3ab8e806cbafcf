#include "core/secure_random.h"

#include <sys/random.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/error.h"

namespace depthstyle {

void fill_secure_random(void* data, std::size_t size) {
  auto* bytes = static_cast<unsigned char*>(data);
  std::size_t filled = 0;
  while (filled < size) {
    const ssize_t count = getrandom(bytes + filled, size - filled, 0);
    if (count < 0) {
      if (errno == EINTR) continue;
      throw Error(concat("cannot read random bytes from the operating system (getrandom): ", std::strerror(errno)));
    }
    filled += static_cast<std::size_t>(count);
  }
}

std::string secure_random_hex(std::size_t bytes) {
  std::vector<unsigned char> random(bytes);
  fill_secure_random(random.data(), random.size());
  static const char kDigits[] = "0123456789abcdef";
  std::string text;
  text.reserve(2 * bytes);
  for (const unsigned char byte : random) {
    text += kDigits[byte >> 4];
    text += kDigits[byte & 15];
  }
  return text;
}

std::string secure_random_code(std::size_t length, std::string_view alphabet) {
  DEPTHSTYLE_ASSERT(!alphabet.empty() && alphabet.size() <= 256);
  // Bytes at or above the largest multiple of the alphabet size are redrawn, so every character is equally likely.
  const unsigned limit = 256 - 256 % alphabet.size();
  std::string code;
  while (code.size() < length) {
    unsigned char byte = 0;
    fill_secure_random(&byte, 1);
    if (byte < limit) code += alphabet[byte % alphabet.size()];
  }
  return code;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char difference = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    difference |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  // Keep the loop from being turned into an early-exit comparison.
  volatile unsigned char result = difference;
  return result == 0;
}

bool is_lower_hex(std::string_view text, std::size_t length) {
  if (text.size() != length) return false;
  for (const char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace depthstyle
