// Web-sized copies of the stimuli: what `survey serve` sends to browsers, made by `survey create`. A full-size PNG
// of a stylization is ~2.4 MB; a respondent's phone would fetch ~68 MB over a study and the download time would
// enter the response times. The copy is a JPEG no larger than the page shows it; the originals stay in the study
// folder for the analysis and the reports.
#pragma once

#include <opencv2/core.hpp>

#include <string>

namespace depthstyle {

struct WebCopyOptions {
  // Longest side of the copy in pixels (never enlarged); 0 keeps the original size. Two pictures side by side in
  // the page's 1500 px column are at most ~730 CSS px wide, stacked on a phone ~400 CSS px: 1024 px stays sharp on
  // screens of up to 1.4 device pixels per CSS pixel.
  int max_side = 1024;
  // libjpeg's quality scale, 1..100.
  int jpeg_quality = 85;
};

struct WebCopy {
  std::string bytes;  // a baseline JPEG
  int width = 0;      // pixels
  int height = 0;
};

// `image` as decoded from the stored file (io/image.h decode_image_as_stored: BGR(A) or gray, 8 or 16 bits):
// shrunk by area averaging so that its longest side is at most max_side, transparency composed over white.
WebCopy make_web_copy(const cv::Mat& image, const WebCopyOptions& options);

}  // namespace depthstyle
