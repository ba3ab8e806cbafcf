// AdaIN and the feature blend of the paper, exactly as the public PyTorch port computes them.
//
//   channel_stats   per channel over the H*W positions: mean, and sqrt(unbiased variance + eps), eps = 1e-5
//                   (the port's calc_mean_std; the original Lua code used the biased variance)
//   adain(x, y)     sigma(y) * (x - mu(x)) / sigma(x) + mu(y), the same eps on both sides
//   blend           P * content + (1 - P) * stylized: the paper's eq. 4 with P = alpha (a scalar, the weight of the
//                   CONTENT features) and eq. 5 with P the strength map (1x1xHxW, broadcast over channels).
//                   The port's `alpha` is the weight of the STYLISED features: port alpha = 1 - paper alpha.
//
// Tensors are NxCxHxW float32 (features of one encoder level); N = 1 except for stacked style features.
#pragma once

#include <ATen/core/Tensor.h>

namespace depthstyle {

constexpr double kAdainEpsilon = 1e-5;

struct ChannelStats {
  at::Tensor mean;  // NxCx1x1
  at::Tensor std;   // NxCx1x1
};

ChannelStats channel_stats(const at::Tensor& features, double epsilon = kAdainEpsilon);

at::Tensor adain(const at::Tensor& content, const ChannelStats& content_stats, const ChannelStats& style_stats);
at::Tensor adain(const at::Tensor& content, const at::Tensor& style);

// `content_weight` is a 0-dim tensor (eq. 4) or a 1x1xHxW map at the features' size (eq. 5).
at::Tensor blend_content_and_stylized(const at::Tensor& content, const at::Tensor& stylized,
                                      const at::Tensor& content_weight);

}  // namespace depthstyle
