#include "io/pfm.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "core/error.h"
#include "core/text.h"
#include "io/byte_order.h"

namespace depthstyle {
namespace {

bool is_space(char byte) { return std::isspace(static_cast<unsigned char>(byte)) != 0; }

// The whole token as a number: "2x" or "" is not one (std::stoi would read "2x" as 2). A leading '+', which
// from_chars refuses, is allowed because printf("%+f") writes one.
template <typename Number>
bool parse_whole(std::string_view token, Number& value) {
  const char* start = token.data() + (!token.empty() && token[0] == '+' ? 1 : 0);
  const char* end = token.data() + token.size();
  const auto [stop, error] = std::from_chars(start, end, value);
  return error == std::errc() && stop == end;
}

}  // namespace

bool starts_like_pfm(std::string_view bytes) {
  return bytes.size() >= 3 && bytes[0] == 'P' && (bytes[1] == 'f' || bytes[1] == 'F') && is_space(bytes[2]);
}

PfmHeader parse_pfm_header(std::string_view bytes, const std::string& source) {
  const auto fail = [&](const std::string& what) { return InputError(concat(source, ": ", what)); };
  std::size_t position = 0;
  const auto next_token = [&]() {
    while (position < bytes.size() && is_space(bytes[position])) ++position;
    const std::size_t start = position;
    while (position < bytes.size() && !is_space(bytes[position])) ++position;
    return bytes.substr(start, position - start);
  };
  PfmHeader header;
  const std::string_view magic = next_token();
  if (magic != "Pf" && magic != "PF") throw fail("not a PFM file (expected the header 'Pf' or 'PF')");
  header.channels = magic == "Pf" ? 1 : 3;
  if (!parse_whole(next_token(), header.width) || !parse_whole(next_token(), header.height) ||
      !parse_whole(next_token(), header.scale)) {
    throw fail(concat("malformed PFM header; expected '", magic, "', width, height and scale"));
  }
  if (header.width <= 0 || header.height <= 0) {
    throw fail(concat("PFM size ", header.width, "x", header.height, " is not positive"));
  }
  if (header.scale == 0 || !std::isfinite(header.scale)) {
    throw fail(concat("PFM scale is ", header.scale, "; expected a non-zero number (its sign is the byte order)"));
  }
  header.data_offset = position + 1;  // the single whitespace byte after the scale
  return header;
}

cv::Mat decode_pfm(std::string_view bytes, const PfmHeader& header, const std::string& source) {
  const std::size_t sample_bytes = 4 * static_cast<std::size_t>(header.channels);
  const std::size_t row_bytes = sample_bytes * static_cast<std::size_t>(header.width);
  const std::size_t present = header.data_offset > bytes.size() ? 0 : bytes.size() - header.data_offset;
  // Sides near 2^31 make the product overflow 64 bits; no file holds that much data.
  std::uint64_t needed = 0;
  const bool representable = !__builtin_mul_overflow(static_cast<std::uint64_t>(row_bytes),
                                                     static_cast<std::uint64_t>(header.height), &needed);
  if (!representable || present != needed) {
    throw InputError(concat(source, ": ",
                            !representable || present < needed ? "truncated PFM data: "
                                                                : "PFM data longer than its header says: ",
                            header.width, "x", header.height, header.channels == 3 ? "x3" : "", " needs ",
                            representable ? std::to_string(needed) : std::string("more than 2^64"), " bytes, ",
                            present, " present"));
  }
  cv::Mat samples(header.height, header.width, CV_32FC(header.channels));
  for (int row = 0; row < header.height; ++row) {
    std::memcpy(samples.ptr(header.height - 1 - row),
                bytes.data() + header.data_offset + static_cast<std::size_t>(row) * row_bytes, row_bytes);
  }
  to_host_order(samples.data, samples.total() * header.channels, 4,
                header.scale < 0 ? ByteOrder::kLittle : ByteOrder::kBig);
  return samples;
}

std::string encode_pfm(const cv::Mat& map) {
  std::string bytes = concat("Pf\n", map.cols, " ", map.rows, "\n-1.000000\n");
  for (int row = map.rows - 1; row >= 0; --row) {
    std::string line(reinterpret_cast<const char*>(map.ptr<float>(row)), static_cast<std::size_t>(map.cols) * 4);
    to_host_order(line.data(), static_cast<std::size_t>(map.cols), 4, ByteOrder::kLittle);
    bytes += line;
  }
  return bytes;
}

}  // namespace depthstyle
