#include "io/npy.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <regex>
#include <vector>

#include "core/error.h"
#include "core/text.h"
#include "io/byte_order.h"

namespace depthstyle {
namespace {

constexpr std::string_view kMagic("\x93NUMPY", 6);

struct NpyHeader {
  char kind = 'f';  // f, i, u, b
  int width = 4;    // bytes per element
  ByteOrder order = ByteOrder::kLittle;
  bool fortran_order = false;
  std::vector<std::int64_t> shape;
};

// The header is a Python dict literal: {'descr': '<f4', 'fortran_order': False, 'shape': (500, 741), }
NpyHeader parse_header(const std::string& text, const std::string& source) {
  const auto fail = [&](const std::string& what) { return InputError(concat(source, ": ", what)); };
  NpyHeader header;
  std::smatch match;
  if (!std::regex_search(text, match, std::regex(R"('descr'\s*:\s*'([<>|=])([a-zA-Z])(\d+)')"))) {
    throw fail("NPY header has no readable 'descr' (dtype) entry: " + excerpt(text));
  }
  const char order = match[1].str()[0];
  header.order = order == '>' ? ByteOrder::kBig : order == '<' ? ByteOrder::kLittle : host_byte_order();
  header.kind = match[2].str()[0];
  // Any run of digits matches; one too long for an int is as unsupported as any other width (std::stoi threw
  // std::out_of_range here, which no caller expects: found while fuzzing, tests/fuzz).
  const std::string width_digits = match[3].str();
  const char* const digits_end = width_digits.data() + width_digits.size();
  const auto [end, error] = std::from_chars(width_digits.data(), digits_end, header.width);
  if (error != std::errc() || end != digits_end) header.width = 0;
  const bool supported = (header.kind == 'f' && (header.width == 2 || header.width == 4 || header.width == 8)) ||
                         ((header.kind == 'i' || header.kind == 'u') &&
                          (header.width == 1 || header.width == 2 || header.width == 4 || header.width == 8)) ||
                         (header.kind == 'b' && header.width == 1);
  if (!supported) {
    throw fail(concat("unsupported NPY dtype '", match[1].str(), match[2].str(), excerpt(width_digits),
                      "'; expected float (f2/f4/f8), integer (i1-i8, u1-u8) or bool (b1)"));
  }
  if (!std::regex_search(text, match, std::regex(R"('fortran_order'\s*:\s*(True|False))"))) {
    throw fail("NPY header has no 'fortran_order' entry");
  }
  header.fortran_order = match[1] == "True";
  if (!std::regex_search(text, match, std::regex(R"('shape'\s*:\s*\(([^)]*)\))"))) {
    throw fail("NPY header has no 'shape' entry");
  }
  for (const std::string& part : split(match[1].str(), ',')) {
    const std::string dimension = trim(part);
    if (dimension.empty()) continue;
    try {
      header.shape.push_back(std::stoll(dimension));
    } catch (const std::exception&) {
      throw fail("NPY shape is not a tuple of integers: (" + excerpt(match[1].str()) + ")");
    }
  }
  return header;
}

float element_value(const unsigned char* element, const NpyHeader& header) {
  switch (header.kind) {
    case 'b':
    case 'u': return static_cast<float>(read_unsigned(element, header.width, header.order));
    case 'i': return static_cast<float>(read_signed(element, header.width, header.order));
    default: return static_cast<float>(read_float(element, header.width, header.order));
  }
}

}  // namespace

cv::Mat parse_npy(std::string_view bytes, const std::string& source) {
  const auto fail = [&](const std::string& what) { return InputError(concat(source, ": ", what)); };
  if (bytes.size() < 10 || bytes.substr(0, 6) != kMagic) throw fail("not an NPY file (bad magic bytes)");
  const auto* raw = reinterpret_cast<const unsigned char*>(bytes.data());
  const int major = raw[6];
  if (major < 1 || major > 3) throw fail(concat("unsupported NPY version ", major, "; expected 1, 2 or 3"));
  const std::size_t length_width = major == 1 ? 2 : 4;
  if (bytes.size() < 8 + length_width) throw fail("truncated NPY header");
  const std::size_t header_length = read_unsigned(raw + 8, static_cast<int>(length_width), ByteOrder::kLittle);
  const std::size_t data_offset = 8 + length_width + header_length;
  if (data_offset > bytes.size()) throw fail("truncated NPY header");
  const NpyHeader header =
      parse_header(std::string(bytes.substr(8 + length_width, header_length)), source);

  const std::vector<std::int64_t>& shape = header.shape;
  std::int64_t rows = -1, cols = -1;
  if (shape.size() == 2) {
    rows = shape[0], cols = shape[1];
  } else if (shape.size() == 3 && shape[0] == 1) {
    rows = shape[1], cols = shape[2];
  } else if (shape.size() == 3 && shape[2] == 1) {
    rows = shape[0], cols = shape[1];
  } else if (shape.size() == 4 && shape[0] == 1 && shape[1] == 1) {
    rows = shape[2], cols = shape[3];
  }
  if (rows <= 0 || cols <= 0 || rows > std::numeric_limits<int>::max() || cols > std::numeric_limits<int>::max()) {
    std::vector<std::string> parts;
    for (const std::int64_t dimension : shape) parts.push_back(std::to_string(dimension));
    throw fail(concat("NPY array of shape (", join(parts, ", "),
                      ") is not a 2-D map; expected (H,W), (H,W,1), (1,H,W) or (1,1,H,W) with H, W in 1..2^31-1"));
  }
  // Dimensions below 2^31 keep the count below 2^62; comparing counts, not bytes, cannot overflow.
  const std::uint64_t count = static_cast<std::uint64_t>(rows) * static_cast<std::uint64_t>(cols);
  const std::uint64_t present = bytes.size() - data_offset;
  if (count > present / header.width) {
    throw fail(concat("truncated NPY data: ", count, " elements of ", header.width, " bytes expected, ", present,
                      " bytes present"));
  }

  cv::Mat map(static_cast<int>(rows), static_cast<int>(cols), CV_32FC1);
  const unsigned char* data = raw + data_offset;
  for (int row = 0; row < map.rows; ++row) {
    float* out = map.ptr<float>(row);
    for (int col = 0; col < map.cols; ++col) {
      const std::size_t index = header.fortran_order ? static_cast<std::size_t>(col) * map.rows + row
                                                     : static_cast<std::size_t>(row) * map.cols + col;
      out[col] = element_value(data + index * header.width, header);
    }
  }
  return map;
}

std::string serialize_npy(const cv::Mat& map) {
  DEPTHSTYLE_ASSERT(map.type() == CV_32FC1);
  std::string header =
      concat("{'descr': '<f4', 'fortran_order': False, 'shape': (", map.rows, ", ", map.cols, "), }");
  // NumPy pads the header with spaces so that the data starts on a 64-byte boundary, ending it with a newline.
  const std::size_t unpadded = kMagic.size() + 2 + 2 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header += '\n';
  std::string bytes(kMagic);
  bytes += '\x01';
  bytes += '\x00';
  bytes += static_cast<char>(header.size() & 0xff);
  bytes += static_cast<char>(header.size() >> 8);
  bytes += header;
  const cv::Mat contiguous = map.isContinuous() ? map : map.clone();
  std::string data(reinterpret_cast<const char*>(contiguous.data), contiguous.total() * sizeof(float));
  to_host_order(data.data(), contiguous.total(), 4, ByteOrder::kLittle);  // host -> little: the same swap
  return bytes + data;
}

}  // namespace depthstyle
