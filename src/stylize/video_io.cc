#include "stylize/video_io.h"

#include <unistd.h>

#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include <algorithm>
#include <cmath>
#include <system_error>

#include "core/error.h"
#include "core/log.h"
#include "core/text.h"

namespace depthstyle {
namespace {

struct Container {
  const char* extension;
  const char* fourcc;
};

// The table of video_io.h: one codec per container.
const std::vector<Container>& containers() {
  static const std::vector<Container> table = {{".mp4", "avc1"}, {".m4v", "avc1"}, {".mov", "avc1"},
                                               {".mkv", "avc1"}, {".avi", "MJPG"}, {".webm", "VP90"}};
  return table;
}

const Container* container_of(const std::filesystem::path& path) {
  const std::string extension = lowercase_extension(path);
  for (const Container& container : containers()) {
    if (extension == container.extension) return &container;
  }
  return nullptr;
}

int fourcc_code(const char* fourcc) { return cv::VideoWriter::fourcc(fourcc[0], fourcc[1], fourcc[2], fourcc[3]); }

// ".<name>.partial-<pid><extension>" beside the destination: hidden, unique per process, and still ending in the
// container's extension.
std::filesystem::path temporary_path_for(const std::filesystem::path& path) {
  return path.parent_path() /
         concat(".", path.filename().string(), ".partial-", getpid(), path.extension().string());
}

}  // namespace

const std::vector<std::string>& video_file_extensions() {
  static const std::vector<std::string> extensions = [] {
    std::vector<std::string> list;
    for (const Container& container : containers()) list.emplace_back(container.extension);
    return list;
  }();
  return extensions;
}

bool is_video_file(const std::filesystem::path& path) { return container_of(path) != nullptr; }

struct VideoReader::Capture {
  cv::VideoCapture capture;
};

VideoReader::VideoReader(const std::filesystem::path& path) : path_(path), capture_(std::make_unique<Capture>()) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    throw InputError(concat(path.string(), ": no such video file"));
  }
  if (!capture_->capture.open(path.string(), cv::CAP_FFMPEG)) {
    throw InputError(concat(path.string(), ": cannot open the video (not a video, truncated, or a codec FFmpeg cannot "
                                           "decode)"));
  }
  info_.size = cv::Size(static_cast<int>(capture_->capture.get(cv::CAP_PROP_FRAME_WIDTH)),
                        static_cast<int>(capture_->capture.get(cv::CAP_PROP_FRAME_HEIGHT)));
  info_.fps = capture_->capture.get(cv::CAP_PROP_FPS);
  const double count = capture_->capture.get(cv::CAP_PROP_FRAME_COUNT);
  info_.frame_count = std::isfinite(count) && count > 0 ? static_cast<std::size_t>(std::llround(count)) : 0;
  if (!(std::isfinite(info_.fps) && info_.fps > 0)) {
    throw InputError(concat(path.string(), ": the video states no frame rate"));
  }
  if (info_.size.width <= 0 || info_.size.height <= 0) {
    throw InputError(concat(path.string(), ": the video states no frame size"));
  }
}

VideoReader::~VideoReader() = default;

bool VideoReader::read(Image& frame) {
  if (!capture_->capture.read(decoded_) || decoded_.empty()) return false;
  if (decoded_.type() != CV_8UC3) {
    throw InputError(concat(path_.string(), ": decoded a frame of OpenCV type ", decoded_.type(),
                            ", expected 8-bit BGR"));
  }
  cv::Mat rgb;
  cv::cvtColor(decoded_, rgb, cv::COLOR_BGR2RGB);
  rgb.convertTo(frame.rgb, CV_32FC3, 1.0 / 255);
  frame.alpha.release();
  return true;
}

VideoInfo probe_video(const std::filesystem::path& path) { return VideoReader(path).info(); }

struct VideoWriter::Writer {
  cv::VideoWriter writer;
};

VideoWriter::VideoWriter(std::filesystem::path path, cv::Size size, double fps)
    : path_(std::move(path)), writer_(std::make_unique<Writer>()), size_(size) {
  const Container* container = container_of(path_);
  if (container == nullptr) {
    throw UsageError(concat(path_.string(), ": cannot write a video as '", lowercase_extension(path_), "'; use ",
                            join(video_file_extensions(), ", ")));
  }
  encoded_size_ = cv::Size(size.width - size.width % 2, size.height - size.height % 2);
  if (encoded_size_.width <= 0 || encoded_size_.height <= 0) {
    throw InputError(concat(path_.string(), ": a ", size.width, " x ", size.height, " frame is too small for video"));
  }
  if (encoded_size_ != size_) {
    log_warning(path_.string(), ": ", size.width, " x ", size.height, " frames are written as ", encoded_size_.width,
                " x ", encoded_size_.height, " (4:2:0 video needs even sizes; the last column or row is dropped)");
  }
  std::error_code ignored;
  if (path_.has_parent_path()) std::filesystem::create_directories(path_.parent_path(), ignored);
  temp_path_ = temporary_path_for(path_);
  if (!writer_->writer.open(temp_path_.string(), cv::CAP_FFMPEG, fourcc_code(container->fourcc), fps,
                            encoded_size_)) {
    throw Error(concat(path_.string(), ": FFmpeg cannot open a ", container->fourcc, " encoder for ",
                       lowercase_extension(path_), " at ", encoded_size_.width, " x ", encoded_size_.height, ", ",
                       format_number(fps), " fps"));
  }
}

VideoWriter::~VideoWriter() {
  if (committed_) return;
  writer_->writer.release();
  std::error_code ignored;
  std::filesystem::remove(temp_path_, ignored);
}

void VideoWriter::write(const cv::Mat& rgb) {
  DEPTHSTYLE_ASSERT(!committed_ && rgb.type() == CV_32FC3 && rgb.size() == size_);
  cv::Mat bgr;
  cv::cvtColor(rgb(cv::Rect(cv::Point(0, 0), encoded_size_)), bgr, cv::COLOR_RGB2BGR);
  cv::Mat quantized;
  cv::Mat(cv::min(cv::max(bgr, 0.0), 1.0)).convertTo(quantized, CV_8UC3, 255.0);  // rounds to nearest
  writer_->writer.write(quantized);
  ++frames_written_;
}

void VideoWriter::commit() {
  DEPTHSTYLE_ASSERT(!committed_);
  writer_->writer.release();  // flushes the encoder and writes the container's index
  std::error_code error;
  const auto bytes = std::filesystem::file_size(temp_path_, error);
  if (error || bytes == 0) {
    throw Error(concat(path_.string(), ": FFmpeg wrote no video (", frames_written_, " frames given)"));
  }
  std::filesystem::rename(temp_path_, path_, error);
  if (error) throw Error(concat(path_.string(), ": cannot move the finished video into place: ", error.message()));
  committed_ = true;
}

}  // namespace depthstyle
