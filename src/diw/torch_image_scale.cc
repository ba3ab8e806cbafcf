#include "diw/torch_image_scale.h"

#include "core/error.h"

namespace depthstyle {
namespace {

// Output sample `di` of torch/image's scaleLinear_rowcol along one axis of length src_len -> dst_len; `source(i)`
// reads input sample i. The float/double mix below is the C code's own (si_f, scale, acc and n are floats there).
template <typename Source>
double scale_linear_sample(const Source& source, long src_len, long dst_len, long di) {
  if (dst_len == src_len) return source(di);
  if (dst_len > src_len) {
    if (di == dst_len - 1) return source(src_len - 1);
    if (src_len == 1) return source(0);
    const float scale = static_cast<float>(src_len - 1) / static_cast<float>(dst_len - 1);
    float si_f = static_cast<float>(di) * scale;
    const long si_i = static_cast<long>(si_f);
    si_f -= static_cast<float>(si_i);
    return static_cast<double>(1 - si_f) * source(si_i) + static_cast<double>(si_f) * source(si_i + 1);
  }
  const float scale = static_cast<float>(src_len) / static_cast<float>(dst_len);
  // The cell of output di spans [di * scale, (di + 1) * scale); the C loop carries the left end over from the
  // previous output's right end, which is the same float product.
  long si0_i = 0;
  float si0_f = 0;
  if (di > 0) {
    si0_f = static_cast<float>(di) * scale;
    si0_i = static_cast<long>(si0_f);
    si0_f -= static_cast<float>(si0_i);
  }
  float si1_f = static_cast<float>(di + 1) * scale;
  const long si1_i = static_cast<long>(si1_f);
  si1_f -= static_cast<float>(si1_i);

  float acc = static_cast<float>(static_cast<double>(1 - si0_f) * source(si0_i));
  float n = 1 - si0_f;
  for (long si = si0_i + 1; si < si1_i; ++si) {
    acc = static_cast<float>(static_cast<double>(acc) + source(si));
    n += 1;
  }
  if (si1_i < src_len) {
    acc = static_cast<float>(static_cast<double>(acc) + static_cast<double>(si1_f) * source(si1_i));
    n += si1_f;
  }
  return static_cast<double>(acc / n);
}

}  // namespace

double torch_image_scale_at(const cv::Mat& map, cv::Size target, int row, int col) {
  DEPTHSTYLE_ASSERT(map.type() == CV_32FC1 && !map.empty());
  DEPTHSTYLE_ASSERT(row >= 0 && row < target.height && col >= 0 && col < target.width);
  // Rows first: tmp(j, col) is row j of the map resized to target.width, sampled at `col`.
  const auto tmp_at_col = [&](long j) {
    const float* values = map.ptr<float>(static_cast<int>(j));
    return scale_linear_sample([values](long i) { return static_cast<double>(values[i]); }, map.cols, target.width,
                               col);
  };
  // Then the column `col` of tmp, resized to target.height, sampled at `row`.
  return scale_linear_sample(tmp_at_col, map.rows, target.height, row);
}

}  // namespace depthstyle
