#include "nets/blocked_conv.h"

#include <ATen/ATen.h>

#include <map>
#include <mutex>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "core/error.h"
#include "nets/onednn_runtime.h"

namespace depthstyle {

using dnnl::memory;
using onednn::cpu_engine;

struct BlockedMap::Data {
  memory map;          // its descriptor says the layout; its buffer is `storage`'s
  at::Tensor storage;  // float32, owns the buffer
  std::int64_t channels = 0, height = 0, width = 0;
};

namespace {

memory::desc nchw_desc(std::int64_t channels, std::int64_t height, std::int64_t width) {
  return memory::desc({1, channels, height, width}, memory::data_type::f32, memory::format_tag::nchw);
}

// The layout the convs read and write: channels in blocks of 16 (oneDNN's AVX-512 kernels) or 8, as ATen's
// mkldnn_convolution keeps them. Left to choose ("any"), oneDNN 2.6 picked NHWC and its brgemm kernels, 5x slower
// here at batch 1 (MiDaS v2.1 small's encoder, DNNL_VERBOSE).
memory::format_tag blocked_tag() {
  static const memory::format_tag tag =
      onednn::has_avx512_kernels() ? memory::format_tag::nChw16c : memory::format_tag::nChw8c;
  return tag;
}

// The layout a conv with `groups` groups of in_per_group -> out_per_group channels reads and writes: blocked_tag(),
// except that grouped convs whose groups are not whole 16-channel blocks (ResNeXt-101 32x8d's layer1: 8 channels
// per group) take blocks of 8, which oneDNN 2.6's AVX-512 kernels run; with 16 they fall back to its reference
// kernel, ~2000x slower (DNNL_VERBOSE). ATen's mkldnn_convolution picks the same, reordering around such convs.
memory::format_tag blocked_tag_for(std::int64_t groups, std::int64_t in_per_group, std::int64_t out_per_group) {
  const bool depthwise = in_per_group == 1 && out_per_group == 1;
  const bool narrow_groups = groups > 1 && !depthwise && (in_per_group % 16 != 0 || out_per_group % 16 != 0);
  return narrow_groups ? memory::format_tag::nChw8c : blocked_tag();
}

// A map of `desc` with a fresh, uninitialised buffer.
std::shared_ptr<BlockedMap::Data> new_map(const memory::desc& desc, std::int64_t channels, std::int64_t height,
                                          std::int64_t width) {
  auto data = std::make_shared<BlockedMap::Data>();
  data->storage = at::empty({static_cast<std::int64_t>(desc.get_size() / sizeof(float))}, at::kFloat);
  data->map = memory(desc, cpu_engine(), data->storage.data_ptr<float>());
  data->channels = channels, data->height = height, data->width = width;
  return data;
}

// `map` in the layout `desc`: itself if it has it, else a reordered copy.
std::shared_ptr<BlockedMap::Data> in_layout(const BlockedMap::Data& map, const memory::desc& desc) {
  auto copy = std::make_shared<BlockedMap::Data>(map);
  if (map.map.get_desc() == desc) return copy;
  copy = new_map(desc, map.channels, map.height, map.width);
  onednn::reorder(map.map, copy->map);
  return copy;
}

}  // namespace

BlockedMap BlockedMap::from_nchw(const at::Tensor& map) {
  DEPTHSTYLE_ASSERT(map.dim() == 4 && map.size(0) == 1 && map.scalar_type() == at::kFloat && map.is_contiguous());
  auto data = std::make_shared<Data>();
  data->storage = map;
  data->map = memory(nchw_desc(map.size(1), map.size(2), map.size(3)), cpu_engine(), map.data_ptr<float>());
  data->channels = map.size(1), data->height = map.size(2), data->width = map.size(3);
  return BlockedMap(std::move(data));
}

at::Tensor BlockedMap::to_nchw() const {
  const memory::desc desc = nchw_desc(data_->channels, data_->height, data_->width);
  const std::vector<std::int64_t> sizes = {1, data_->channels, data_->height, data_->width};
  // Already NCHW: a copy all the same, since a later residual sum may write over this map's buffer.
  if (data_->map.get_desc() == desc) {
    const std::int64_t size = data_->channels * data_->height * data_->width;
    return data_->storage.reshape({-1}).narrow(0, 0, size).clone().view(sizes);
  }
  return in_layout(*data_, desc)->storage.view(sizes);
}

std::int64_t BlockedMap::channels() const { return data_->channels; }
std::int64_t BlockedMap::height() const { return data_->height; }
std::int64_t BlockedMap::width() const { return data_->width; }

struct BlockedConv::Prepared {
  // [out, in / groups, k, k] float32 contiguous until the first primitive has it in its layout (weight_forms), then
  // released: later forms are reordered from that one, so the network holds its weights once (ResNeXt-101: 340 MB).
  at::Tensor weight;
  std::int64_t out = 0, in_per_group = 0, kernel = 0;  // the weight's sizes
  at::Tensor bias;    // [out] float32 contiguous, or undefined
  Geometry geometry;
  Activation activation = Activation::kNone;

  struct Primitive {
    dnnl::convolution_forward conv;
    memory weights;  // in the layout the primitive reads (one of weight_forms)
    memory::desc source, destination;
  };
  std::mutex mutex;
  // (height, width, residual) -> primitive; shared, so that a caller still running one survives a restart of the cache
  std::map<std::tuple<std::int64_t, std::int64_t, bool>, std::shared_ptr<const Primitive>> primitives;
  // The weight reordered into each layout a primitive asked for: usually one, whatever the map size, so images of
  // many sizes (the depth command on a folder) share it.
  std::vector<memory> weight_forms;
  // Primitives kept at most: beyond, the cache starts again (a folder of many image sizes must not grow it for ever).
  static constexpr std::size_t kMaxPrimitives = 32;

  std::int64_t out_channels() const { return out; }
  std::int64_t in_channels() const { return in_per_group * geometry.groups; }
  std::int64_t kernel_size() const { return kernel; }
  std::int64_t out_side(std::int64_t side) const {
    return (side + geometry.padding_before + geometry.padding_after - kernel_size()) / geometry.stride + 1;
  }

  // The primitive for an input of height x width, made on first use; the weight in the layout oneDNN prefers.
  std::shared_ptr<const Primitive> primitive(std::int64_t height, std::int64_t width, bool residual) {
    std::lock_guard<std::mutex> lock(mutex);
    const auto key = std::make_tuple(height, width, residual);
    const auto found = primitives.find(key);
    if (found != primitives.end()) return found->second;
    const auto f32 = memory::data_type::f32;
    const auto any = memory::format_tag::any;
    const std::int64_t groups = geometry.groups, out = out_channels(), in = in_channels(), k = kernel_size();
    // PyTorch's [out, in / groups, k, k] is oneDNN's goihw with o split into groups.
    const memory::dims weight_dims =
        groups == 1 ? memory::dims{out, in, k, k} : memory::dims{groups, out / groups, in / groups, k, k};
    const memory::desc plain_weights(weight_dims, f32,
                                     groups == 1 ? memory::format_tag::oihw : memory::format_tag::goihw);
    const memory::format_tag tag = blocked_tag_for(groups, in / groups, out / groups);
    const dnnl::convolution_forward::desc description(
        dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct,
        // A few input channels (an image) are read as NCHW, as oneDNN's kernels for them expect.
        memory::desc({1, in, height, width}, f32, in < 8 ? memory::format_tag::nchw : tag),
        memory::desc(weight_dims, f32, any),
        bias.defined() ? memory::desc({out}, f32, memory::format_tag::x) : memory::desc(),
        memory::desc({1, out, out_side(height), out_side(width)}, f32, tag),
        {geometry.stride, geometry.stride},
        {geometry.padding_before, geometry.padding_before}, {geometry.padding_after, geometry.padding_after});
    // With a residual the sum comes first: activation(conv + bias + residual).
    dnnl::post_ops post_ops;
    if (residual) post_ops.append_sum(1.0f);
    if (activation == Activation::kRelu) post_ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, 0.0f, 0.0f);
    if (activation == Activation::kRelu6) post_ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_clip, 0.0f, 6.0f);
    dnnl::primitive_attr attributes;
    attributes.set_post_ops(post_ops);
    const dnnl::convolution_forward::primitive_desc descriptor(description, attributes, cpu_engine());
    if (primitives.size() >= kMaxPrimitives) primitives.clear();
    auto made = std::make_shared<const Primitive>(Primitive{dnnl::convolution_forward(descriptor),
                                                            weight_form(descriptor.weights_desc(), plain_weights),
                                                            descriptor.src_desc(), descriptor.dst_desc()});
    primitives.emplace(key, made);
    return made;
  }

  // The weight in the layout `desc`, reordered on first request (called with the mutex held).
  memory weight_form(const memory::desc& desc, const memory::desc& plain_weights) {
    for (const memory& form : weight_forms) {
      if (form.get_desc() == desc) return form;
    }
    memory form(desc, cpu_engine());
    onednn::reorder(weight_forms.empty() ? memory(plain_weights, cpu_engine(), weight.data_ptr<float>())
                                         : weight_forms.front(),
                    form);
    weight_forms.push_back(form);
    weight = at::Tensor();
    return form;
  }

  // Runs the conv on `input` into `output` (already in the primitive's destination layout).
  void run(const Primitive& primitive, const BlockedMap::Data& input, const BlockedMap::Data& output) const {
    const std::shared_ptr<BlockedMap::Data> source = in_layout(input, primitive.source);
    std::unordered_map<int, memory> arguments = {
        {DNNL_ARG_SRC, source->map}, {DNNL_ARG_WEIGHTS, primitive.weights}, {DNNL_ARG_DST, output.map}};
    if (bias.defined()) {
      arguments.emplace(DNNL_ARG_BIAS, memory(memory::desc({out_channels()}, memory::data_type::f32,
                                                           memory::format_tag::x),
                                              cpu_engine(), bias.data_ptr<float>()));
    }
    onednn::execute(primitive.conv, arguments);
  }
};

BlockedConv::BlockedConv() = default;

BlockedConv::BlockedConv(const at::Tensor& weight, const at::Tensor& bias, Geometry geometry, Activation activation)
    : prepared_(std::make_shared<Prepared>()) {
  DEPTHSTYLE_ASSERT(weight.dim() == 4 && weight.scalar_type() == at::kFloat && weight.size(2) == weight.size(3));
  DEPTHSTYLE_ASSERT(geometry.groups >= 1 && weight.size(0) % geometry.groups == 0 && geometry.stride >= 1);
  DEPTHSTYLE_ASSERT(!bias.defined() || (bias.numel() == weight.size(0) && bias.scalar_type() == at::kFloat));
  prepared_->weight = weight.contiguous();
  prepared_->out = weight.size(0), prepared_->in_per_group = weight.size(1), prepared_->kernel = weight.size(2);
  prepared_->bias = bias.defined() ? bias.reshape({-1}).contiguous() : at::Tensor();
  prepared_->geometry = geometry;
  prepared_->activation = activation;
}

std::int64_t BlockedConv::out_channels() const { return prepared_->out_channels(); }

double BlockedConv::flops(std::int64_t out_height, std::int64_t out_width) const {
  return conv_flops(prepared_->out_channels(), prepared_->in_channels(), prepared_->geometry.groups,
                    prepared_->kernel_size(), out_height, out_width);
}

double conv_flops(std::int64_t out_channels, std::int64_t in_channels, std::int64_t groups, std::int64_t kernel_size,
                  std::int64_t out_height, std::int64_t out_width) {
  return 2.0 * static_cast<double>(out_height * out_width) * static_cast<double>(out_channels) *
         static_cast<double>(in_channels / groups * kernel_size * kernel_size);
}

BlockedMap BlockedConv::operator()(const BlockedMap& input) const {
  const BlockedMap::Data& in = input.data();
  DEPTHSTYLE_ASSERT(in.channels == prepared_->in_channels());
  const std::shared_ptr<const Prepared::Primitive> primitive = prepared_->primitive(in.height, in.width, false);
  std::shared_ptr<BlockedMap::Data> output = new_map(primitive->destination, prepared_->out_channels(),
                                                     prepared_->out_side(in.height), prepared_->out_side(in.width));
  prepared_->run(*primitive, in, *output);
  return BlockedMap(std::move(output));
}

BlockedMap BlockedConv::operator()(const BlockedMap& input, BlockedMap residual) const {
  const BlockedMap::Data& in = input.data();
  DEPTHSTYLE_ASSERT(in.channels == prepared_->in_channels());
  const std::shared_ptr<const Prepared::Primitive> primitive = prepared_->primitive(in.height, in.width, true);
  const BlockedMap::Data& sum = residual.data();
  DEPTHSTYLE_ASSERT(sum.channels == prepared_->out_channels() && sum.height == prepared_->out_side(in.height) &&
                    sum.width == prepared_->out_side(in.width));
  DEPTHSTYLE_ASSERT(sum.storage.data_ptr() != in.storage.data_ptr());  // oneDNN would read what it overwrites
  // The sum post-op adds what the destination holds: the residual, in the primitive's destination layout.
  std::shared_ptr<BlockedMap::Data> output = in_layout(sum, primitive->destination);
  prepared_->run(*primitive, in, *output);
  return BlockedMap(std::move(output));
}

}  // namespace depthstyle
