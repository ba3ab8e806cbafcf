// io/image.h with io/exif.h and io/jpeg_segments.h: load_image on any file (the header-stated size checked against
// the pixel limit, OpenCV's decoders, EXIF orientation, alpha, 16-bit), and the JPEG segment walker and EXIF reader
// on the bytes themselves. A loaded image is RGB float in [0,1].
#include <cstdlib>

#include <opencv2/core.hpp>

#include "fuzz/fuzz_support.h"
#include "io/exif.h"
#include "io/image.h"
#include "io/jpeg_segments.h"

using namespace depthstyle;

// libFuzzer stops a run above 2 GB of memory; 2^28 pixels (the default limit) decode to 3 GiB of float RGB, so the
// fuzz run lowers the limit through its documented variable, and any decode past it is a finding.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  setenv("DEPTHSTYLE_MAX_IMAGE_PIXELS", "4194304", 1);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes = fuzz::as_text(data, size);
  const int orientation = jpeg_exif_orientation(bytes);
  DEPTHSTYLE_ASSERT(orientation >= 1 && orientation <= 8);
  const JpegLayout layout = parse_jpeg_layout(bytes);
  for (const JpegSegment& segment : layout.header_segments) {
    DEPTHSTYLE_ASSERT(segment.payload.data() >= bytes.data() &&
                      segment.payload.data() + segment.payload.size() <= bytes.data() + bytes.size());
  }
  const std::filesystem::path path = fuzz::scratch_file("image.img", bytes);
  fuzz::expect_clean_refusal([&] {
    const Image image = load_image(path);
    DEPTHSTYLE_ASSERT(image.rgb.type() == CV_32FC3 && image.rgb.total() <= 4194304);
    double lowest = 0, highest = 0;
    cv::minMaxLoc(image.rgb.reshape(1), &lowest, &highest);
    DEPTHSTYLE_ASSERT(lowest >= 0 && highest <= 1);
  });
  return 0;
}
