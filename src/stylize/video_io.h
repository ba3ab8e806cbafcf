// Video files, read and written frame by frame through OpenCV's videoio with its FFmpeg backend (Debian's
// libopencv-videoio, built against Debian's FFmpeg). Frames stream: a reader holds one decoded frame, a writer none.
//
// Frames cross this boundary as io/image.h's Image: CV_32FC3 RGB in [0,1] (OpenCV decodes 8-bit BGR; 8-bit is also
// what the writer encodes: values are clamped to [0,1] and rounded to the nearest of 256 steps, as save_image does).
//
// Containers, and the codec (fourcc) each output is written with:
//   .mp4 .m4v .mov .mkv   H.264 ('avc1', libx264 in Debian's libavcodec): plays in every player and browser; the
//                         MPEG-4 Part 2 codec ('mp4v') of most OpenCV examples does not play in browsers
//   .avi                  Motion JPEG ('MJPG'): every frame a JPEG, the codec AVI players all have
//   .webm                 VP9 ('VP90', libvpx): WebM allows only VP8, VP9 and AV1 (FFmpeg then prints a note that
//                         the tag is not WebM's own; it writes VP9)
// An output keeps the content's container. The frame rate is the input's (CAP_PROP_FPS, e.g. 29.97 for NTSC).
// 4:2:0 video needs even sizes: OpenCV's FFmpeg writer rounds an odd width or height down, so a frame of odd size
// loses its last column or row (the writer drops it, and says so).
#pragma once

#include <opencv2/core.hpp>

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "io/image.h"

namespace depthstyle {

// Lower-case, with the dot: the containers above, the extensions a folder or glob argument picks up as videos.
const std::vector<std::string>& video_file_extensions();
bool is_video_file(const std::filesystem::path& path);

struct VideoInfo {
  cv::Size size;
  double fps = 0;
  // As the container's header states it (FFmpeg may estimate it from the duration); the frames actually decoded
  // can differ.
  std::size_t frame_count = 0;
};

// Opens a video and streams its frames. Throws InputError naming the file if it cannot be opened or has no frame
// rate.
class VideoReader {
 public:
  explicit VideoReader(const std::filesystem::path& path);
  ~VideoReader();
  VideoReader(const VideoReader&) = delete;
  VideoReader& operator=(const VideoReader&) = delete;

  const VideoInfo& info() const { return info_; }
  // The next frame as RGB float in [0,1]; false at the end of the stream.
  bool read(Image& frame);

 private:
  struct Capture;
  std::filesystem::path path_;
  std::unique_ptr<Capture> capture_;
  VideoInfo info_;
  cv::Mat decoded_;
};

// The header's facts of a video without decoding a frame (for planning a batch). Throws as VideoReader does.
VideoInfo probe_video(const std::filesystem::path& path);

// Writes a video atomically: frames go to a hidden temporary file beside the destination that keeps its extension
// (FFmpeg picks the container from it), and commit() renames it into place. A writer destroyed without commit()
// (an error, an interruption) removes the temporary file, so an interrupted batch never leaves a half-written output
// that a rerun would take for finished.
class VideoWriter {
 public:
  // Throws UsageError for an extension without a container above, Error if FFmpeg cannot open the encoder.
  VideoWriter(std::filesystem::path path, cv::Size size, double fps);
  ~VideoWriter();
  VideoWriter(const VideoWriter&) = delete;
  VideoWriter& operator=(const VideoWriter&) = delete;

  // `rgb`: CV_32FC3 RGB in [0,1] of the size given to the constructor.
  void write(const cv::Mat& rgb);
  std::size_t frames_written() const { return frames_written_; }
  void commit();

 private:
  struct Writer;
  std::filesystem::path path_;
  std::filesystem::path temp_path_;
  std::unique_ptr<Writer> writer_;
  cv::Size size_;
  cv::Size encoded_size_;  // size_ rounded down to even
  std::size_t frames_written_ = 0;
  bool committed_ = false;
};

}  // namespace depthstyle
