// Any TorchScript depth model (torch.jit.script or torch.jit.trace, saved with torch.jit.save): forward() takes one
// 1x3xHxW float32 tensor (the entry's preprocessing) and returns one tensor of shape 1x1xHxW, 1xHxW or HxW, any
// floating dtype, whose meaning the entry (or its preset) declares. Runs under inference mode on the CPU with
// LibTorch's current thread count.
#pragma once

#include <memory>

#include "depth/depth_estimator.h"

namespace depthstyle {

// UsageError for entry problems; InputError naming the file if it is missing or not a loadable TorchScript archive.
std::unique_ptr<DepthEstimator> make_torchscript_estimator(const DepthEstimatorConfig& config);

}  // namespace depthstyle
