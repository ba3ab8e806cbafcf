#include "tensor/tensor_image.h"

#include <ATen/ATen.h>

#include "core/error.h"

namespace depthstyle {

at::Tensor tensor_from_image(const cv::Mat& image) {
  DEPTHSTYLE_ASSERT(image.depth() == CV_32F && (image.channels() == 1 || image.channels() == 3));
  const cv::Mat dense = image.isContinuous() ? image : image.clone();
  const at::Tensor hwc = at::from_blob(const_cast<float*>(dense.ptr<float>()), {dense.rows, dense.cols, dense.channels()},
                                       at::TensorOptions().dtype(at::kFloat));
  // clone, not contiguous(): for one channel the permuted view already counts as contiguous, and contiguous()
  // would return a tensor aliasing the Mat's memory.
  return hwc.permute({2, 0, 1}).unsqueeze(0).clone(at::MemoryFormat::Contiguous);
}

cv::Mat image_from_tensor(const at::Tensor& tensor) {
  const at::Tensor chw = tensor.dim() == 4 ? tensor.squeeze(0) : tensor;
  if (chw.dim() != 3 || (chw.size(0) != 1 && chw.size(0) != 3)) {
    throw Error(concat("expected an image tensor of shape 1xCxHxW or CxHxW with C = 1 or 3, got ", tensor.sizes()));
  }
  const at::Tensor hwc = chw.to(at::kFloat).permute({1, 2, 0}).contiguous();
  const int channels = static_cast<int>(hwc.size(2));
  const cv::Mat view(static_cast<int>(hwc.size(0)), static_cast<int>(hwc.size(1)), CV_32FC(channels),
                     hwc.data_ptr<float>());
  return view.clone();
}

}  // namespace depthstyle
