#include "nets/weight_layout.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "core/error.h"
#include "core/text.h"
#include "tensor/checkpoint.h"

namespace depthstyle {

std::string shape_text(at::IntArrayRef shape) {
  std::vector<std::string> sizes;
  for (const std::int64_t size : shape) sizes.push_back(std::to_string(size));
  return "[" + join(sizes, ", ") + "]";
}

std::vector<LayoutDifference> layout_differences(const WeightLayout& layout, const NamedTensors& tensors) {
  std::unordered_map<std::string, const at::Tensor*> by_name;
  for (const auto& [name, tensor] : tensors) by_name.emplace(name, &tensor);

  std::vector<LayoutDifference> differences;
  std::unordered_set<std::string> known;
  for (const ExpectedTensor& expected : layout.tensors) {
    known.insert(expected.name);
    const auto found = by_name.find(expected.name);
    if (found == by_name.end()) {
      if (expected.required) {
        differences.push_back({LayoutDifference::Kind::kMissing, expected.name,
                               pytorch_dtype_name(expected.dtype) + " " + shape_text(expected.shape), ""});
      }
      continue;
    }
    const at::Tensor& tensor = *found->second;
    if (tensor.sizes() != at::IntArrayRef(expected.shape)) {
      differences.push_back({LayoutDifference::Kind::kWrongShape, expected.name, shape_text(expected.shape),
                             shape_text(tensor.sizes())});
    }
    if (tensor.scalar_type() != expected.dtype) {
      differences.push_back({LayoutDifference::Kind::kWrongDtype, expected.name, pytorch_dtype_name(expected.dtype),
                             pytorch_dtype_name(tensor.scalar_type())});
    }
  }
  for (const auto& [name, tensor] : tensors) {
    if (known.count(name) == 0) {
      differences.push_back({LayoutDifference::Kind::kUnexpected, name, "",
                             pytorch_dtype_name(tensor.scalar_type()) + " " + shape_text(tensor.sizes())});
    }
  }
  return differences;
}

namespace {

std::string describe(const LayoutDifference& difference) {
  switch (difference.kind) {
    case LayoutDifference::Kind::kMissing:
      return concat("missing tensor '", difference.name, "': expected ", difference.expected);
    case LayoutDifference::Kind::kUnexpected:
      return concat("unexpected tensor '", difference.name, "': found ", difference.found);
    case LayoutDifference::Kind::kWrongShape:
      return concat("wrong shape of '", difference.name, "': expected ", difference.expected, ", found ",
                    difference.found);
    case LayoutDifference::Kind::kWrongDtype:
      return concat("wrong dtype of '", difference.name, "': expected ", difference.expected, ", found ",
                    difference.found);
  }
  DEPTHSTYLE_ASSERT(false);
}

}  // namespace

void check_weight_layout(const WeightLayout& layout, const NamedTensors& tensors, const std::string& source,
                         const std::vector<const WeightLayout*>& look_alikes) {
  const std::vector<LayoutDifference> differences = layout_differences(layout, tensors);
  if (differences.empty()) return;
  std::string message = concat(source, ": does not hold the ", layout.model, " weights (", differences.size(),
                               differences.size() == 1 ? " difference):" : " differences):");
  const std::size_t listed = std::min(differences.size(), kMaxListedDifferences);
  for (std::size_t i = 0; i < listed; ++i) message += "\n  " + describe(differences[i]);
  if (listed < differences.size()) {
    std::size_t counts[4] = {};
    for (const LayoutDifference& difference : differences) ++counts[static_cast<int>(difference.kind)];
    std::vector<std::string> kinds;
    const char* names[4] = {"missing", "unexpected", "of the wrong shape", "of the wrong dtype"};
    for (int kind = 0; kind < 4; ++kind) {
      if (counts[kind] > 0) kinds.push_back(concat(counts[kind], " ", names[kind]));
    }
    message += concat("\n  ... and ", differences.size() - listed, " more (in all: ", join(kinds, ", "),
                      "); depthstyle weights inspect lists every tensor of a file");
  }
  for (const WeightLayout* look_alike : look_alikes) {
    if (layout_differences(*look_alike, tensors).empty()) {
      message += concat("\n  these are the ", look_alike->model, " weights: wrong file, or two files swapped?");
    }
  }
  throw InputError(message);
}

const at::Tensor* find_tensor(const NamedTensors& tensors, const std::string& name) {
  for (const auto& [tensor_name, tensor] : tensors) {
    if (tensor_name == name) return &tensor;
  }
  return nullptr;
}

}  // namespace depthstyle
