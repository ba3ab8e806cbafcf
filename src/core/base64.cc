#include "core/base64.h"

#include <array>

#include "core/error.h"

namespace depthstyle {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// -1 for characters outside the alphabet.
std::array<int, 256> decoding_table() {
  std::array<int, 256> table;
  table.fill(-1);
  for (int i = 0; i < 64; ++i) table[static_cast<unsigned char>(kAlphabet[i])] = i;
  return table;
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const unsigned value = static_cast<unsigned char>(bytes[i]) << 16 | static_cast<unsigned char>(bytes[i + 1]) << 8 |
                           static_cast<unsigned char>(bytes[i + 2]);
    out += {kAlphabet[value >> 18], kAlphabet[(value >> 12) & 63], kAlphabet[(value >> 6) & 63], kAlphabet[value & 63]};
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    unsigned value = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) value |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[value >> 18];
    out += kAlphabet[(value >> 12) & 63];
    out += rest == 2 ? kAlphabet[(value >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string base64_decode(std::string_view text, const std::string& source) {
  static const std::array<int, 256> table = decoding_table();
  if (text.size() % 4 != 0) {
    throw InputError(concat(source, ": base64 length ", text.size(), " is not a multiple of 4"));
  }
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    const int padding = last ? (text[i + 3] == '=') + (text[i + 2] == '=') : 0;
    unsigned value = 0;
    for (int j = 0; j < 4; ++j) {
      const unsigned char c = static_cast<unsigned char>(text[i + j]);
      const int digit = j >= 4 - padding ? 0 : table[c];
      if (digit < 0) {
        throw InputError(concat(source, ": character '", text[i + j], "' at offset ", i + j, " is not base64"));
      }
      value = value << 6 | static_cast<unsigned>(digit);
    }
    out += static_cast<char>(value >> 16);
    if (padding < 2) out += static_cast<char>((value >> 8) & 255);
    if (padding < 1) out += static_cast<char>(value & 255);
  }
  return out;
}

}  // namespace depthstyle
