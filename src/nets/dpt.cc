#include "nets/dpt.h"

#include <ATen/ATen.h>

#include <utility>

#include "core/error.h"
#include "core/text.h"
#include "nets/beit.h"
#include "nets/depth_anything.h"
#include "nets/midas_small.h"
#include "nets/resnet.h"
#include "nets/resnet_v2.h"
#include "nets/vector_kernels.h"

namespace depthstyle {

// The variant's sizes. Levels below `backbone_levels` come from the ResNet's stages, the rest from the hooked blocks.
struct DptSpec {
  const char* name;    // for messages
  const char* model;   // the layout's description
  std::int64_t dim;
  std::int64_t depth;
  std::int64_t heads;
  std::array<int, 4> hooks;  // blocks hooked for levels >= backbone_levels
  std::array<std::int64_t, 4> readout_channels;
  int backbone_levels;
  ResNetV2Depths backbone_depths;  // empty: a 16x16 patch conv
  bool beit;                       // the encoder is BEiT (nets/beit.h), not timm's ViT
};

namespace {

using Spec = DptSpec;

constexpr std::int64_t kPatch = 16;
constexpr std::int64_t kGrid = 24;  // 384 / 16: the position embedding's side (the Hybrid's backbone is at 1/16 too)
constexpr std::int64_t kClasses = 1000;  // timm's ImageNet head, kept in the file
constexpr std::int64_t kFeatures = 256;
constexpr double kNormEps = 1e-6;

const Spec& spec_of(DptVariant variant) {
  // name, layout, dim, depth, heads, hooks, readout channels, backbone levels, ResNetV2 stage depths, BEiT
  static const Spec large{"DPT-Large", "DPT-Large, MiDaS v3.0 (dpt_large_384.pt)", 1024, 24, 16,
                          {5, 11, 17, 23}, {256, 512, 1024, 1024}, 0, {}, false};
  static const Spec hybrid{"DPT-Hybrid", "DPT-Hybrid, MiDaS v3.0 (dpt_hybrid_384.pt)", 768, 12, 12,
                           {0, 1, 8, 11}, {256, 512, 768, 768}, 2, {3, 4, 9}, false};
  static const Spec beit_large{"DPT-BEiT-L 512", "DPT-BEiT-L 512, MiDaS v3.1 (dpt_beit_large_512.pt)", 1024, 24, 16,
                               {5, 11, 17, 23}, {256, 512, 1024, 1024}, 0, {}, true};
  switch (variant) {
    case DptVariant::kLarge: return large;
    case DptVariant::kHybrid: return hybrid;
    case DptVariant::kBeitLarge512: return beit_large;
  }
  DEPTHSTYLE_ASSERT(false);
  return large;
}

// timm's beit_large_patch16_512: trained at 512 x 512 (a 32 x 32 grid of 16 x 16 patches).
BeitShape beit_shape(const Spec& spec) { return {spec.dim, spec.depth, spec.heads, kPatch, 512 / kPatch, kClasses}; }

// At the preset's 384 px: 24 x 24 patches and the class token.
TransformerBlockShape block_shape(const Spec& spec) {
  return {spec.dim, spec.heads, false, kNormEps, kGrid * kGrid + 1};
}

std::string vit_key(const std::string& name) { return "pretrained.model." + name; }
std::string block_key(int index) { return vit_key("blocks." + std::to_string(index)); }
std::string postprocess_key(int level, int index) {
  return concat("pretrained.act_postprocess", level + 1, ".", index);
}
std::string readout_key(int level) { return postprocess_key(level, 0) + ".project.0"; }
std::string layer_rn_key(int level) { return concat("scratch.layer", level + 1, "_rn"); }
std::string refinenet_key(int level) { return concat("scratch.refinenet", level + 1); }
const std::string kBackboneKey = vit_key("patch_embed.backbone");
const std::string kPatchEmbedKey = vit_key("patch_embed.proj");

void append_patch_embed_layout(WeightLayout& layout, const Spec& spec) {
  if (spec.backbone_depths.empty()) {
    append_conv_layout(layout, kPatchEmbedKey, spec.dim, 3, kPatch, 1, true);
    return;
  }
  append_resnet_v2_layout(layout, kBackboneKey, spec.backbone_depths);
  append_conv_layout(layout, kPatchEmbedKey, spec.dim, resnet_v2_out_channels(spec.backbone_depths), 1, 1, true);
}

void append_vit_layout(WeightLayout& layout, const Spec& spec) {
  layout.tensors.push_back({vit_key("cls_token"), at::kFloat, {1, 1, spec.dim}});
  layout.tensors.push_back({vit_key("pos_embed"), at::kFloat, {1, kGrid * kGrid + 1, spec.dim}});
  append_patch_embed_layout(layout, spec);
  for (int block = 0; block < spec.depth; ++block) {
    append_transformer_block_layout(layout, block_key(block), block_shape(spec));
  }
  append_layer_norm_layout(layout, vit_key("norm"), spec.dim);
  append_linear_layout(layout, vit_key("head"), kClasses, spec.dim);
}

WeightLayout make_layout(const Spec& spec) {
  WeightLayout layout{spec.model, {}};
  if (spec.beit) {
    append_beit_layout(layout, vit_key(""), beit_shape(spec));
  } else {
    append_vit_layout(layout, spec);
  }
  for (int level = spec.backbone_levels; level < 4; ++level) {
    const std::int64_t channels = spec.readout_channels[level];
    append_linear_layout(layout, readout_key(level), spec.dim, 2 * spec.dim);
    append_conv_layout(layout, postprocess_key(level, 3), channels, spec.dim, 1, 1, true);
    ReassembleResize::append_layout(layout, postprocess_key(level, 4), level, channels);
  }
  for (int level = 0; level < 4; ++level) {
    append_conv_layout(layout, layer_rn_key(level), kFeatures, spec.readout_channels[level], 3, 1, false);
  }
  for (int level = 0; level < 4; ++level) {  // state_dict order: refinenet1 was assigned first
    FusionBlock::append_layout(layout, refinenet_key(level), kFeatures, kFeatures);
  }
  MidasOutputHead::append_layout(layout, kFeatures);
  return layout;
}

}  // namespace

const std::vector<DptVariant>& dpt_variants() {
  static const std::vector<DptVariant> all = {DptVariant::kLarge, DptVariant::kHybrid, DptVariant::kBeitLarge512};
  return all;
}

const WeightLayout& dpt_weight_layout(DptVariant variant) {
  static const std::vector<WeightLayout> layouts = [] {
    std::vector<WeightLayout> all;
    for (DptVariant each : dpt_variants()) all.push_back(make_layout(spec_of(each)));
    return all;
  }();
  return layouts[static_cast<std::size_t>(variant)];
}

void check_dpt_weights(DptVariant variant, const NamedTensors& weights, const std::string& source) {
  std::vector<const WeightLayout*> look_alikes;
  for (DptVariant other : dpt_variants()) {
    if (other != variant) look_alikes.push_back(&dpt_weight_layout(other));
  }
  for (const WeightLayout* other : {&midas_weight_layout(MidasVersion::kV2), &midas_small_weight_layout(),
                                    &depth_anything_weight_layout(DepthAnythingVariant::kLarge)}) {
    look_alikes.push_back(other);
  }
  check_weight_layout(dpt_weight_layout(variant), weights, source, look_alikes);
}

DptNetwork::DptNetwork(DptVariant variant, const NamedTensors& weights, const std::string& source)
    : spec_(spec_of(variant)) {
  check_dpt_weights(variant, weights, source);
  const auto tensor = [&](const std::string& name) { return checked_tensor(weights, name); };
  if (spec_.beit) {
    beit_ = std::make_unique<BeitBackbone>(weights, vit_key(""), beit_shape(spec_));
  } else {
    prepare_vit(weights);
  }
  for (int level = spec_.backbone_levels; level < 4; ++level) {
    readouts_[level] = Linear(tensor(readout_key(level) + ".weight"), tensor(readout_key(level) + ".bias"),
                              Linear::Activation::kGelu);
    const std::string project = postprocess_key(level, 3);
    projects_[level] = Linear(tensor(project + ".weight").reshape({spec_.readout_channels[level], spec_.dim}),
                              tensor(project + ".bias"));
  }
  resize_ = ReassembleResize(weights, {postprocess_key(0, 4), postprocess_key(1, 4), "", postprocess_key(3, 4)},
                             spec_.backbone_levels);
  for (int level = 0; level < 4; ++level) {
    layer_rn_[level] = folded_conv_from(weights, layer_rn_key(level), {1, 1, 1});
    refinenets_[level] = FusionBlock(weights, refinenet_key(level));
  }
  head_ = MidasOutputHead(weights, /*align_corners=*/true);
}

DptNetwork::~DptNetwork() = default;

void DptNetwork::prepare_vit(const NamedTensors& weights) {
  if (!spec_.backbone_depths.empty()) {
    backbone_ = std::make_unique<ResNetV2Backbone>(weights, kBackboneKey, spec_.backbone_depths);
  }
  // The ViT projects 16 x 16 pixel patches; the hybrid projects each pixel of the ResNet's 1/16 map (1 x 1).
  const std::int64_t projection_side = backbone_ ? 1 : kPatch;
  embedding_ = PatchEmbedding(weights, vit_key(""), projection_side, kGrid, PositionResize::kMidasBilinear);
  for (int block = 0; block < spec_.depth; ++block) blocks_.emplace_back(weights, block_key(block), block_shape(spec_));
}

at::Tensor DptNetwork::position_embedding(std::int64_t rows, std::int64_t columns) const {
  DEPTHSTYLE_ASSERT(!beit_);
  return embedding_.position_embedding(rows, columns);
}

const BeitBackbone& DptNetwork::beit() const {
  DEPTHSTYLE_ASSERT(beit_ != nullptr);
  return *beit_;
}

DptNetwork::Features DptNetwork::encode(const at::Tensor& image) const {
  Features features;
  if (beit_) {
    features.tokens = beit_->hooked_tokens(image, std::vector<int>(spec_.hooks.begin(), spec_.hooks.end()));
    return features;
  }
  at::Tensor tokens;
  if (backbone_) {
    features.maps = backbone_->forward(image);
    tokens = embedding_(features.maps.back());
    features.maps.resize(static_cast<std::size_t>(spec_.backbone_levels));
  } else {
    tokens = embedding_(image);
  }
  std::size_t next = static_cast<std::size_t>(spec_.backbone_levels);
  for (std::size_t block = 0; block < blocks_.size() && next < spec_.hooks.size(); ++block) {
    blocks_[block].apply(tokens);  // in place: the hooked outputs are copied
    if (static_cast<int>(block) == spec_.hooks[next]) {
      features.tokens.push_back(tokens.clone());
      ++next;
    }
  }
  return features;
}

// The backbone's maps as they are (Hybrid); ProjectReadout, act_postprocess<N>.3 and .4 on the token features: the
// four levels as maps at 4x, 2x, 1x and 1/2 the patch grid.
std::array<at::Tensor, 4> DptNetwork::reassemble(const Features& features, std::int64_t rows,
                                                 std::int64_t columns) const {
  std::array<at::Tensor, 4> layers;
  for (int level = 0; level < spec_.backbone_levels; ++level) layers[level] = features.maps[level];
  for (int level = spec_.backbone_levels; level < 4; ++level) {
    const at::Tensor& tokens = features.tokens[level - spec_.backbone_levels];
    const at::Tensor patches = tokens.slice(0, 1);
    const at::Tensor readout = at::cat({patches, tokens.slice(0, 0, 1).expand_as(patches)}, 1);
    layers[level] = resize_(level, projects_[level](readouts_[level](readout)), rows, columns);
  }
  return layers;
}

at::Tensor DptNetwork::fuse(int block, at::Tensor path, const at::Tensor* skip, at::IntArrayRef size) const {
  // out_conv before the interpolation: they commute (nets/fusion_block.h). Bit-for-bit ATen's upsample_bilinear2d.
  return bilinear_resize(refinenets_[block].fuse(std::move(path), skip), size[0], size[1], /*align_corners=*/true);
}

at::Tensor DptNetwork::forward(const at::Tensor& image) const {
  at::NoGradGuard no_grad;
  check_network_input(spec_.name, image, kPatch);
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
  double total = 0;
  if (beit_) {
    total += beit_->flops(rows, columns, spec_.hooks.back());
  } else {
    total += embedding_.flops(rows, columns);
    if (backbone_) total += backbone_->flops(height, width);
    for (const TransformerBlock& block : blocks_) total += block.flops(patches + 1);
  }
  for (int level = 0; level < 4; ++level) {
    if (level >= spec_.backbone_levels) {
      total += readouts_[level].flops(patches) + projects_[level].flops(patches);
      total += resize_.flops(level, rows, columns);
    }
    const std::int64_t h = ReassembleResize::level_side(level, rows);
    const std::int64_t w = ReassembleResize::level_side(level, columns);
    total += layer_rn_[level].flops(h, w) + refinenets_[level].flops(h, w, /*with_skip=*/level < 3);
  }
  return total + head_.flops(height, width);
}

}  // namespace depthstyle
