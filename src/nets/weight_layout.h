// The tensors a network expects from a weight file, and the one check of a file's tensors against them.
//
// A layout is a list of entries (name, dtype, shape, required). Checking a name -> tensor list against it collects
// EVERY difference at once (missing required tensor, tensor the layout does not know, wrong shape, wrong dtype), so a
// user given the wrong file sees the whole picture in one error rather than the first mismatch. Entries marked
// optional may be absent, but are still checked for shape and dtype when present (e.g. the VGG file's layers past
// relu4_1, which inference does not use). nets/ knows nothing of files: callers pass a `source` label (the path)
// that starts the error message.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace depthstyle {

// Name -> tensor, in file order (the layout of Checkpoint::tensors).
using NamedTensors = std::vector<std::pair<std::string, at::Tensor>>;

struct ExpectedTensor {
  std::string name;
  at::ScalarType dtype = at::kFloat;
  std::vector<std::int64_t> shape;
  bool required = true;
};

struct WeightLayout {
  // What the weights are, for messages: "VGG-19 normalised encoder (vgg_normalised.pth)".
  std::string model;
  std::vector<ExpectedTensor> tensors;
};

struct LayoutDifference {
  enum class Kind { kMissing, kUnexpected, kWrongShape, kWrongDtype };
  Kind kind;
  std::string name;
  std::string expected;  // "[64, 3, 3, 3]" or "float32"; empty for kUnexpected
  std::string found;     // empty for kMissing
};

// In layout order (missing, wrong shape, wrong dtype), then unexpected tensors in file order.
std::vector<LayoutDifference> layout_differences(const WeightLayout& layout, const NamedTensors& tensors);

// Throws InputError if there is any difference:
//   <source>: does not hold the <model> weights (3 differences):
//     missing tensor '0.weight': expected float32 [3, 3, 1, 1]
//     unexpected tensor '99.weight': found float32 [3]
//     wrong shape of '2.weight': expected [64, 3, 3, 3], found [64, 4, 3, 3]
//     wrong dtype of '2.bias': expected float32, found float16
//     these are the <other model> weights: wrong file, or two files swapped?
// The last line appears when the tensors match one of `look_alikes` (layouts of related files) exactly. Past
// kMaxListedDifferences lines (a file of an unrelated network differs in thousands of tensors) the rest are counted
// by kind: "... and 1650 more (in all: 1330 missing, 360 unexpected); depthstyle weights inspect lists every
// tensor of a file".
constexpr std::size_t kMaxListedDifferences = 40;
void check_weight_layout(const WeightLayout& layout, const NamedTensors& tensors, const std::string& source,
                         const std::vector<const WeightLayout*>& look_alikes = {});

// The tensor named `name`; it must exist (check the layout first). Returns nullptr for an absent optional tensor.
const at::Tensor* find_tensor(const NamedTensors& tensors, const std::string& name);

// "[64, 3, 3, 3]", the shape notation of every message here.
std::string shape_text(at::IntArrayRef shape);

}  // namespace depthstyle
