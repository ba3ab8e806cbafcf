// io/depth_map.h: read_depth_map on any file, in each of its formats. The first input byte chooses the extension
// the reader goes by (.pfm, .png, .npy, .npz: PFM headers and byte orders, 8/16-bit PNG, NumPy files and archives);
// the rest is the file. A map that reads is one float channel.
#include <opencv2/core.hpp>

#include "fuzz/fuzz_support.h"
#include "io/depth_map.h"

using namespace depthstyle;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const char* const kNames[] = {"depth.pfm", "depth.png", "depth.npy", "depth.npz"};
  const std::filesystem::path path = fuzz::scratch_file(kNames[data[0] % 4], fuzz::as_text(data + 1, size - 1));
  fuzz::expect_clean_refusal([&] {
    DepthMapReadOptions options;
    options.png_scale = 256;
    const cv::Mat map = read_depth_map(path, options);
    DEPTHSTYLE_ASSERT(map.type() == CV_32FC1);
  });
  return 0;
}
