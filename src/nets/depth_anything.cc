#include "nets/depth_anything.h"

#include <ATen/ATen.h>

#include <filesystem>

#include "core/error.h"
#include "core/text.h"
#include "nets/midas.h"
#include "nets/midas_small.h"
#include "nets/resnet.h"
#include "nets/vector_kernels.h"

namespace depthstyle {
namespace {

constexpr std::int64_t kPatch = 14;
constexpr std::int64_t kGrid = 37;  // 518 / 14: the position embedding's side
constexpr double kNormEps = 1e-6;

// One encoder size, as both generations' model_configs give it (the same numbers in V1's README and V2's).
struct SizeSpec {
  const char* size;     // "vits": the encoder argument
  const char* encoder;  // "ViT-S/14"
  std::int64_t dim, depth, heads, features;
  std::array<std::int64_t, 4> out_channels;
  std::vector<int> v2_blocks;  // V2's intermediate_layer_idx; V1 takes the last four blocks
};

struct VariantSpec {
  const char* name;  // the estimator entry's variant
  int generation;
  const SizeSpec* size;
  const char* file_pattern;  // the published file, %s = size
};

const std::array<SizeSpec, 3>& size_specs() {
  static const std::array<SizeSpec, 3> sizes = {{
      {"vits", "ViT-S/14", 384, 12, 6, 64, {48, 96, 192, 384}, {2, 5, 8, 11}},
      {"vitb", "ViT-B/14", 768, 12, 12, 128, {96, 192, 384, 768}, {2, 5, 8, 11}},
      {"vitl", "ViT-L/14", 1024, 24, 16, 256, {256, 512, 1024, 1024}, {4, 11, 17, 23}},
  }};
  return sizes;
}

// In DepthAnythingVariant's order.
const std::array<VariantSpec, 6>& variant_specs() {
  const auto& sizes = size_specs();
  static const std::array<VariantSpec, 6> variants = {{
      {"vits", 2, &sizes[0], "depth_anything_v2_%s.pth"},
      {"vitb", 2, &sizes[1], "depth_anything_v2_%s.pth"},
      {"vitl", 2, &sizes[2], "depth_anything_v2_%s.pth"},
      {"v1_vits", 1, &sizes[0], "depth_anything_%s14.pth"},
      {"v1_vitb", 1, &sizes[1], "depth_anything_%s14.pth"},
      {"v1_vitl", 1, &sizes[2], "depth_anything_%s14.pth"},
  }};
  return variants;
}

const VariantSpec& spec_of(DepthAnythingVariant variant) { return variant_specs()[static_cast<int>(variant)]; }

std::vector<int> intermediate_blocks_of(const VariantSpec& spec) {
  if (spec.generation == 2) return spec.size->v2_blocks;
  // V1: get_intermediate_layers(x, 4), the last four blocks.
  const int depth = static_cast<int>(spec.size->depth);
  return {depth - 4, depth - 3, depth - 2, depth - 1};
}

// At the preset's 518 px: 37 x 37 patches and the class token.
TransformerBlockShape block_shape(const SizeSpec& spec) {
  return {spec.dim, spec.heads, true, kNormEps, kGrid * kGrid + 1};
}

std::string block_key(int index) { return "pretrained.blocks." + std::to_string(index); }
std::string head_key(const std::string& name) { return "depth_head." + name; }
std::string project_key(int level) { return head_key("projects." + std::to_string(level)); }
std::string resize_key(int level) { return head_key("resize_layers." + std::to_string(level)); }
std::string layer_rn_key(int level) { return head_key("scratch.layer" + std::to_string(level + 1) + "_rn"); }
std::string refinenet_key(int level) { return head_key("scratch.refinenet" + std::to_string(level + 1)); }

WeightLayout make_layout(DepthAnythingVariant variant) {
  const SizeSpec& spec = *spec_of(variant).size;
  const std::int64_t dim = spec.dim, features = spec.features;
  WeightLayout layout{concat(depth_anything_title(variant), " (", depth_anything_file(variant), ")"), {}};
  layout.tensors.push_back({"pretrained.cls_token", at::kFloat, {1, 1, dim}});
  layout.tensors.push_back({"pretrained.pos_embed", at::kFloat, {1, kGrid * kGrid + 1, dim}});
  layout.tensors.push_back({"pretrained.mask_token", at::kFloat, {1, dim}});
  append_conv_layout(layout, "pretrained.patch_embed.proj", dim, 3, kPatch, 1, true);
  for (int block = 0; block < spec.depth; ++block) {
    append_transformer_block_layout(layout, block_key(block), block_shape(spec));
  }
  append_layer_norm_layout(layout, "pretrained.norm", dim);
  for (int level = 0; level < 4; ++level) {
    append_conv_layout(layout, project_key(level), spec.out_channels[level], dim, 1, 1, true);
  }
  for (int level = 0; level < 4; ++level) {
    ReassembleResize::append_layout(layout, resize_key(level), level, spec.out_channels[level]);
  }
  for (int level = 0; level < 4; ++level) {
    append_conv_layout(layout, layer_rn_key(level), features, spec.out_channels[level], 3, 1, false);
  }
  for (int level = 0; level < 4; ++level) {  // state_dict order: refinenet1 was assigned first
    FusionBlock::append_layout(layout, refinenet_key(level), features, features);
  }
  append_conv_layout(layout, head_key("scratch.output_conv1"), features / 2, features, 3, 1, true);
  append_conv_layout(layout, head_key("scratch.output_conv2.0"), 32, features / 2, 3, 1, true);
  append_conv_layout(layout, head_key("scratch.output_conv2.2"), 1, 32, 1, 1, true);
  return layout;
}


}  // namespace

std::string to_string(DepthAnythingVariant variant) { return spec_of(variant).name; }

const std::vector<DepthAnythingVariant>& depth_anything_variants() {
  static const std::vector<DepthAnythingVariant> variants = [] {
    std::vector<DepthAnythingVariant> all;
    for (std::size_t i = 0; i < variant_specs().size(); ++i) all.push_back(static_cast<DepthAnythingVariant>(i));
    return all;
  }();
  return variants;
}

const std::vector<std::string>& depth_anything_variant_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> all;
    for (const VariantSpec& spec : variant_specs()) all.push_back(spec.name);
    return all;
  }();
  return names;
}

int depth_anything_generation(DepthAnythingVariant variant) { return spec_of(variant).generation; }

std::string depth_anything_title(DepthAnythingVariant variant) {
  return concat("Depth Anything V", spec_of(variant).generation, " ", spec_of(variant).size->size);
}

std::string depth_anything_file(DepthAnythingVariant variant) {
  const std::string pattern = spec_of(variant).file_pattern;
  const std::size_t at = pattern.find("%s");
  return pattern.substr(0, at) + spec_of(variant).size->size + pattern.substr(at + 2);
}

std::string depth_anything_encoder(DepthAnythingVariant variant) { return spec_of(variant).size->encoder; }

DepthAnythingVariant depth_anything_variant_from_string(const std::string& name) {
  const std::vector<std::string>& names = depth_anything_variant_names();
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<DepthAnythingVariant>(i);
  }
  throw UsageError(concat("unknown Depth Anything variant '", name, "'", did_you_mean(name, names),
                          "; expected one of ", join(names, ", ")));
}

const WeightLayout& depth_anything_weight_layout(DepthAnythingVariant variant) {
  static const std::vector<WeightLayout> layouts = [] {
    std::vector<WeightLayout> all;
    for (DepthAnythingVariant each : depth_anything_variants()) all.push_back(make_layout(each));
    return all;
  }();
  return layouts[static_cast<int>(variant)];
}

void check_depth_anything_weights(DepthAnythingVariant variant, const NamedTensors& weights, const std::string& source) {
  std::vector<const WeightLayout*> look_alikes = {&midas_small_weight_layout(), &midas_weight_layout(MidasVersion::kV2)};
  for (DepthAnythingVariant other : depth_anything_variants()) {
    // The other generation's file of the same size has these very tensors: naming it would say nothing.
    if (spec_of(other).size != spec_of(variant).size) look_alikes.push_back(&depth_anything_weight_layout(other));
  }
  check_weight_layout(depth_anything_weight_layout(variant), weights, source, look_alikes);
  // Same size, other generation: only the file's name can tell (docs/depth-models.md#depth-anything-v1).
  const std::string file = std::filesystem::path(source).filename().string();
  for (DepthAnythingVariant other : depth_anything_variants()) {
    if (other != variant && file == depth_anything_file(other)) {
      throw InputError(concat(source, ": named as the ", depth_anything_title(other), " file (", file, "), but variant ",
                              to_string(variant), " (", depth_anything_title(variant), ", ",
                              depth_anything_file(variant), ") was asked for; both generations' files hold tensors of ",
                              "the same names and shapes, so the name is all that tells them apart: set variant ",
                              to_string(other), ", or rename the file if it holds ", depth_anything_title(variant),
                              " weights"));
    }
  }
}

DepthAnythingNetwork::DepthAnythingNetwork(DepthAnythingVariant variant, const NamedTensors& weights,
                                           const std::string& source)
    : variant_(variant) {
  check_depth_anything_weights(variant, weights, source);
  const SizeSpec& spec = *spec_of(variant).size;
  dim_ = spec.dim;
  intermediate_blocks_ = intermediate_blocks_of(spec_of(variant));
  const auto tensor = [&](const std::string& name) { return checked_tensor(weights, name); };
  embedding_ = PatchEmbedding(weights, "pretrained.", kPatch, kGrid, PositionResize::kDinov2Bicubic);
  for (int block = 0; block < spec.depth; ++block) blocks_.emplace_back(weights, block_key(block), block_shape(spec));
  norm_ = LayerNorm(tensor("pretrained.norm.weight"), tensor("pretrained.norm.bias"), kNormEps);
  for (int level = 0; level < 4; ++level) {
    projects_[level] = Linear(tensor(project_key(level) + ".weight").reshape({spec.out_channels[level], dim_}),
                              tensor(project_key(level) + ".bias"));
  }
  resize_ = ReassembleResize(weights, {resize_key(0), resize_key(1), resize_key(2), resize_key(3)}, 0);
  for (int level = 0; level < 4; ++level) {
    layer_rn_[level] = folded_conv_from(weights, layer_rn_key(level), {1, 1, 1});
    refinenets_[level] = FusionBlock(weights, refinenet_key(level));
  }
  output_conv1_ = folded_conv_from(weights, head_key("scratch.output_conv1"), {1, 1, 1});
  output_conv2_ = {folded_conv_from(weights, head_key("scratch.output_conv2.0"), {1, 1, 1}),
                   folded_conv_from(weights, head_key("scratch.output_conv2.2"), {1, 0, 1})};
}

DepthAnythingNetwork::~DepthAnythingNetwork() = default;

at::Tensor DepthAnythingNetwork::position_embedding(std::int64_t rows, std::int64_t columns) const {
  return embedding_.position_embedding(rows, columns);
}

std::vector<at::Tensor> DepthAnythingNetwork::encode(const at::Tensor& image) const {
  at::Tensor tokens = embedding_(image);
  std::vector<at::Tensor> features;
  std::size_t next = 0;
  for (std::size_t block = 0; block < blocks_.size() && next < intermediate_blocks_.size(); ++block) {
    blocks_[block].apply(tokens);
    if (static_cast<int>(block) == intermediate_blocks_[next]) {
      features.push_back(norm_(tokens).slice(0, 1));  // the class token is dropped (use_clstoken=False)
      ++next;
    }
  }
  return features;
}

std::vector<at::Tensor> DepthAnythingNetwork::intermediate_tokens(const at::Tensor& image) const {
  at::NoGradGuard no_grad;
  check_network_input(depth_anything_title(variant_), image, kPatch);
  return encode(image);
}

// projects and resize_layers: the four features as maps at 4x, 2x, 1x and 1/2 the patch grid.
std::array<at::Tensor, 4> DepthAnythingNetwork::reassemble(const std::vector<at::Tensor>& features,
                                                           std::int64_t rows, std::int64_t columns) const {
  std::array<at::Tensor, 4> layers;
  for (int level = 0; level < 4; ++level) {
    layers[level] = resize_(level, projects_[level](features[level].contiguous()), rows, columns);
  }
  return layers;
}

namespace {

// A fusion block's result resized to `size` (bilinear, align_corners True), after its out_conv: they commute
// (nets/fusion_block.h). bilinear_resize is bit-for-bit ATen's upsample_bilinear2d (nets/vector_kernels.h).
at::Tensor fuse_to(const FusionBlock& block, at::Tensor path, const at::Tensor* skip, at::IntArrayRef size) {
  return bilinear_resize(block.fuse(std::move(path), skip), size[0], size[1], /*align_corners=*/true);
}

}  // namespace

at::Tensor DepthAnythingNetwork::forward(const at::Tensor& image) const {
  at::NoGradGuard no_grad;
  check_network_input(depth_anything_title(variant_), image, kPatch);
  const std::int64_t rows = image.size(2) / kPatch, columns = image.size(3) / kPatch;
  const std::array<at::Tensor, 4> layers = reassemble(encode(image), rows, columns);
  std::array<at::Tensor, 4> layer_rn;
  for (int level = 0; level < 4; ++level) layer_rn[level] = layer_rn_[level](layers[level]);
  const auto size_of = [](const at::Tensor& map) { return std::vector<std::int64_t>{map.size(2), map.size(3)}; };
  at::Tensor path = fuse_to(refinenets_[3], layer_rn[3], nullptr, size_of(layer_rn[2]));
  path = fuse_to(refinenets_[2], path, &layer_rn[2], size_of(layer_rn[1]));
  path = fuse_to(refinenets_[1], path, &layer_rn[1], size_of(layer_rn[0]));
  path = fuse_to(refinenets_[0], path, &layer_rn[0], {2 * layer_rn[0].size(2), 2 * layer_rn[0].size(3)});
  at::Tensor out = bilinear_resize(output_conv1_(path), image.size(2), image.size(3), /*align_corners=*/true);
  const FusedOps relu_after{/*relu_input=*/false, /*residual=*/{}, /*relu_output=*/true};
  out = output_conv2_[0](out, relu_after);
  // output_conv2's last ReLU. What forward does after it changes nothing: V2's F.relu; V1's resize to (h, w), the
  // size the head already returns (align_corners=True: the identity), and F.relu.
  return output_conv2_[1](out, relu_after);
}

double DepthAnythingNetwork::flops(std::int64_t height, std::int64_t width) const {
  const std::int64_t rows = height / kPatch, columns = width / kPatch, patches = rows * columns;
  const std::int64_t deepest = intermediate_blocks_.back() + 1;  // blocks after the last intermediate one never run
  double total = embedding_.flops(rows, columns);
  for (std::int64_t block = 0; block < deepest; ++block) total += blocks_[block].flops(patches + 1);
  for (int level = 0; level < 4; ++level) {
    total += projects_[level].flops(patches) + resize_.flops(level, rows, columns);
    const std::int64_t h = ReassembleResize::level_side(level, rows);
    const std::int64_t w = ReassembleResize::level_side(level, columns);
    total += layer_rn_[level].flops(h, w) + refinenets_[level].flops(h, w, /*with_skip=*/level < 3);
  }
  total += output_conv1_.flops(8 * rows, 8 * columns);
  return total + output_conv2_[0].flops(height, width) + output_conv2_[1].flops(height, width);
}

}  // namespace depthstyle
