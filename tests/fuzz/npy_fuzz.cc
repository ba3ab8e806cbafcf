// io/npy.h: NumPy .npy headers (versions 1-3, the Python-literal dictionary, dtypes, byte orders, shapes) and data.
// A parsed map is one float channel whose size the header stated.
#include <opencv2/core.hpp>

#include "fuzz/fuzz_support.h"
#include "io/npy.h"

using namespace depthstyle;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::expect_clean_refusal([&] {
    const cv::Mat map = parse_npy(fuzz::as_text(data, size), "fuzz.npy");
    DEPTHSTYLE_ASSERT(map.type() == CV_32FC1);
  });
  return 0;
}
