#include "nets/dpt.h"

#include <ATen/ATen.h>

#include <utility>

#include "core/error.h"
#include "core/text.h"
#include "nets/depth_anything.h"
#include "nets/midas_small.h"
#include "nets/resnet.h"

namespace depthstyle {
namespace {

constexpr std::int64_t kPatch = 16;
constexpr std::int64_t kGrid = 24;  // 384 / 16: the position embedding's side
constexpr std::int64_t kDim = 1024;
constexpr std::int64_t kDepth = 24;
constexpr std::int64_t kHeads = 16;
constexpr std::int64_t kClasses = 1000;  // timm's ImageNet head, kept in the file
constexpr std::int64_t kFeatures = 256;
constexpr std::array<std::int64_t, 4> kReadoutChannels = {256, 512, 1024, 1024};
constexpr std::array<int, 4> kHooks = {5, 11, 17, 23};
constexpr double kNormEps = 1e-6;
const char* const kName = "DPT-Large";

TransformerBlockShape block_shape() { return {kDim, kHeads, false, kNormEps}; }

std::string vit_key(const std::string& name) { return "pretrained.model." + name; }
std::string block_key(int index) { return vit_key("blocks." + std::to_string(index)); }
std::string postprocess_key(int level, int index) {
  return concat("pretrained.act_postprocess", level + 1, ".", index);
}
std::string readout_key(int level) { return postprocess_key(level, 0) + ".project.0"; }
std::string layer_rn_key(int level) { return concat("scratch.layer", level + 1, "_rn"); }
std::string refinenet_key(int level) { return concat("scratch.refinenet", level + 1); }

WeightLayout make_layout() {
  WeightLayout layout{"DPT-Large, MiDaS v3.0 (dpt_large_384.pt)", {}};
  layout.tensors.push_back({vit_key("cls_token"), at::kFloat, {1, 1, kDim}});
  layout.tensors.push_back({vit_key("pos_embed"), at::kFloat, {1, kGrid * kGrid + 1, kDim}});
  append_conv_layout(layout, vit_key("patch_embed.proj"), kDim, 3, kPatch, 1, true);
  for (int block = 0; block < kDepth; ++block) append_transformer_block_layout(layout, block_key(block), block_shape());
  append_layer_norm_layout(layout, vit_key("norm"), kDim);
  append_linear_layout(layout, vit_key("head"), kClasses, kDim);
  for (int level = 0; level < 4; ++level) {
    const std::int64_t channels = kReadoutChannels[level];
    append_linear_layout(layout, readout_key(level), kDim, 2 * kDim);
    append_conv_layout(layout, postprocess_key(level, 3), channels, kDim, 1, 1, true);
    if (level < 2) {  // ConvTranspose2d: weight [in, out, k, k]
      const std::int64_t kernel = 4 >> level;
      layout.tensors.push_back({postprocess_key(level, 4) + ".weight", at::kFloat, {channels, channels, kernel, kernel}});
      layout.tensors.push_back({postprocess_key(level, 4) + ".bias", at::kFloat, {channels}});
    } else if (level == 3) {
      append_conv_layout(layout, postprocess_key(level, 4), channels, channels, 3, 1, true);
    }
  }
  for (int level = 0; level < 4; ++level) {
    append_conv_layout(layout, layer_rn_key(level), kFeatures, kReadoutChannels[level], 3, 1, false);
  }
  for (int level = 0; level < 4; ++level) {  // state_dict order: refinenet1 was assigned first
    FusionBlock::append_layout(layout, refinenet_key(level), kFeatures, kFeatures);
  }
  MidasOutputHead::append_layout(layout, kFeatures);
  return layout;
}


}  // namespace

const WeightLayout& dpt_large_weight_layout() {
  static const WeightLayout layout = make_layout();
  return layout;
}

void check_dpt_large_weights(const NamedTensors& weights, const std::string& source) {
  check_weight_layout(dpt_large_weight_layout(), weights, source,
                      {&midas_weight_layout(MidasVersion::kV2), &midas_small_weight_layout(),
                       &depth_anything_weight_layout(DepthAnythingVariant::kLarge)});
}

DptNetwork::DptNetwork(const NamedTensors& weights, const std::string& source) {
  check_dpt_large_weights(weights, source);
  const auto tensor = [&](const std::string& name) { return checked_tensor(weights, name); };
  embedding_ = PatchEmbedding(weights, vit_key(""), kPatch, kGrid, PositionResize::kMidasBilinear);
  for (int block = 0; block < kDepth; ++block) blocks_.emplace_back(weights, block_key(block), block_shape());
  for (int level = 0; level < 4; ++level) {
    readouts_[level] = Linear(tensor(readout_key(level) + ".weight"), tensor(readout_key(level) + ".bias"),
                              Linear::Activation::kGelu);
    const std::string project = postprocess_key(level, 3);
    projects_[level] = Linear(tensor(project + ".weight").reshape({kReadoutChannels[level], kDim}),
                              tensor(project + ".bias"));
  }
  for (int level : {0, 1}) {
    upsamples_[level] =
        PatchUpsample(tensor(postprocess_key(level, 4) + ".weight"), tensor(postprocess_key(level, 4) + ".bias"));
  }
  downsample_ = folded_conv_from(weights, postprocess_key(3, 4), {2, 1, 1});
  for (int level = 0; level < 4; ++level) {
    layer_rn_[level] = folded_conv_from(weights, layer_rn_key(level), {1, 1, 1});
    refinenets_[level] = FusionBlock(weights, refinenet_key(level));
  }
  head_ = MidasOutputHead(weights, /*align_corners=*/true);
}

DptNetwork::~DptNetwork() = default;

at::Tensor DptNetwork::position_embedding(std::int64_t rows, std::int64_t columns) const {
  return embedding_.position_embedding(rows, columns);
}

std::vector<at::Tensor> DptNetwork::encode(const at::Tensor& image) const {
  at::Tensor tokens = embedding_(image);
  std::vector<at::Tensor> features;
  std::size_t next = 0;
  for (std::size_t block = 0; block < blocks_.size() && next < kHooks.size(); ++block) {
    blocks_[block].apply(tokens);  // in place: the hooked outputs are copied
    if (static_cast<int>(block) == kHooks[next]) {
      features.push_back(tokens.clone());
      ++next;
    }
  }
  return features;
}

// ProjectReadout, act_postprocess<N>.3 and .4: the four features as maps at 4x, 2x, 1x and 1/2 the patch grid.
std::array<at::Tensor, 4> DptNetwork::reassemble(const std::vector<at::Tensor>& features, std::int64_t rows,
                                                 std::int64_t columns) const {
  std::array<at::Tensor, 4> layers;
  for (int level = 0; level < 4; ++level) {
    const at::Tensor& tokens = features[level];
    const at::Tensor patches = tokens.slice(0, 1);
    const at::Tensor readout = at::cat({patches, tokens.slice(0, 0, 1).expand_as(patches)}, 1);
    const at::Tensor projected = projects_[level](readouts_[level](readout));
    if (level < 2) {
      layers[level] = upsamples_[level](projected, rows, columns);
    } else {
      layers[level] = map_from_tokens(projected, rows, columns);
      if (level == 3) layers[level] = downsample_(layers[level]);
    }
  }
  return layers;
}

at::Tensor DptNetwork::fuse(int block, at::Tensor path, const at::Tensor* skip, at::IntArrayRef size) const {
  // out_conv before the interpolation: they commute (nets/fusion_block.h).
  return at::upsample_bilinear2d(refinenets_[block].fuse(std::move(path), skip), size, /*align_corners=*/true);
}

at::Tensor DptNetwork::forward(const at::Tensor& image) const {
  at::NoGradGuard no_grad;
  check_network_input(kName, image, kPatch);
  const std::int64_t rows = image.size(2) / kPatch, columns = image.size(3) / kPatch;
  const std::array<at::Tensor, 4> layers = reassemble(encode(image), rows, columns);
  std::array<at::Tensor, 4> layer_rn;
  for (int level = 0; level < 4; ++level) layer_rn[level] = layer_rn_[level](layers[level]);
  const auto size_of = [](const at::Tensor& map) { return std::vector<std::int64_t>{map.size(2), map.size(3)}; };
  at::Tensor path = fuse(3, layer_rn[3], nullptr, size_of(layer_rn[2]));
  path = fuse(2, path, &layer_rn[2], size_of(layer_rn[1]));
  path = fuse(1, path, &layer_rn[1], size_of(layer_rn[0]));
  path = fuse(0, path, &layer_rn[0], {2 * layer_rn[0].size(2), 2 * layer_rn[0].size(3)});
  return head_.forward(path);
}

double DptNetwork::flops(std::int64_t height, std::int64_t width) const {
  const std::int64_t rows = height / kPatch, columns = width / kPatch, patches = rows * columns;
  double total = embedding_.flops(rows, columns);
  for (const TransformerBlock& block : blocks_) total += block.flops(patches + 1);
  const std::int64_t down_rows = (rows + 1) / 2, down_columns = (columns + 1) / 2;
  const std::array<std::pair<std::int64_t, std::int64_t>, 4> sizes = {
      {{4 * rows, 4 * columns}, {2 * rows, 2 * columns}, {rows, columns}, {down_rows, down_columns}}};
  for (int level = 0; level < 4; ++level) {
    total += readouts_[level].flops(patches) + projects_[level].flops(patches);
    if (level < 2) total += upsamples_[level].flops(patches);
    const auto [h, w] = sizes[level];
    total += layer_rn_[level].flops(h, w) + refinenets_[level].flops(h, w, /*with_skip=*/level < 3);
  }
  total += downsample_.flops(down_rows, down_columns);
  return total + head_.flops(height, width);
}

}  // namespace depthstyle
