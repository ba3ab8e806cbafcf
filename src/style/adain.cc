#include "style/adain.h"

#include <ATen/ATen.h>

#include "core/error.h"

namespace depthstyle {

ChannelStats channel_stats(const at::Tensor& features, double epsilon) {
  if (features.dim() != 4) throw Error(concat("channel_stats: expected NxCxHxW features, got ", features.sizes()));
  const int64_t batch = features.size(0);
  const int64_t channels = features.size(1);
  const at::Tensor flat = features.reshape({batch, channels, -1});
  const at::Tensor variance = flat.var(/*dim=*/2, /*unbiased=*/true) + epsilon;
  return {flat.mean(/*dim=*/2).view({batch, channels, 1, 1}), variance.sqrt().view({batch, channels, 1, 1})};
}

at::Tensor adain(const at::Tensor& content, const ChannelStats& content_stats, const ChannelStats& style_stats) {
  return (content - content_stats.mean) / content_stats.std * style_stats.std + style_stats.mean;
}

at::Tensor adain(const at::Tensor& content, const at::Tensor& style) {
  return adain(content, channel_stats(content), channel_stats(style));
}

at::Tensor blend_content_and_stylized(const at::Tensor& content, const at::Tensor& stylized,
                                      const at::Tensor& content_weight) {
  return content_weight * content + (1 - content_weight) * stylized;
}

}  // namespace depthstyle
