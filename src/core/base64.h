// Base64 (RFC 4648, standard alphabet, '=' padding, no line breaks): data: URIs in self-contained report pages, and
// the PNG screenshots WebDriver returns.
#pragma once

#include <string>
#include <string_view>

namespace depthstyle {

std::string base64_encode(std::string_view bytes);
// Throws InputError naming `source` on a character outside the alphabet or a length that is not a multiple of 4.
std::string base64_decode(std::string_view text, const std::string& source = "base64 text");

}  // namespace depthstyle
