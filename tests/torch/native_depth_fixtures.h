// What the native depth network tests share: the arrays the fixture scripts write (tests/fixtures/depth/make_*_fixtures.py,
// run by ctest into the build tree), the committed key/shape lists of the published files
// (tests/fixtures/depth/native_keys), and the agreement measure.
//
// Agreement with PyTorch is the largest absolute difference relative to the largest absolute expected value
// (relative L-infinity norm).
#pragma once

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "core/atomic_file.h"
#include "core/text.h"
#include "io/npy.h"
#include "tensor/tensor_image.h"
#include "nets/weight_layout.h"
#include "support/test_support.h"

namespace depthstyle::testing {

// An array a fixture script wrote into `dir`: a 2-D float32 .npy reshaped to its real shape from dir/expected.json.
inline at::Tensor fixture_array(const std::filesystem::path& dir, const std::string& name) {
  static std::map<std::filesystem::path, nlohmann::json> shapes_of;
  auto shapes = shapes_of.find(dir);
  if (shapes == shapes_of.end()) {
    shapes = shapes_of.emplace(dir, nlohmann::json::parse(read_file(dir / "expected.json"))["shapes"]).first;
  }
  const std::filesystem::path path = dir / (name + ".npy");
  return tensor_from_image(parse_npy(read_file(path), path.string()))
      .reshape(shapes->second.at(name).get<std::vector<std::int64_t>>());
}

inline double relative_max_difference(const at::Tensor& actual, const at::Tensor& expected) {
  EXPECT_EQ(actual.sizes(), expected.sizes());
  if (actual.sizes() != expected.sizes()) return INFINITY;
  return (actual - expected).abs().max().item<double>() / expected.abs().max().item<double>();
}

struct KeyList {
  NamedTensors tensors;                                     // zero-filled, with each entry's dtype and shape
  std::vector<std::pair<std::string, std::string>> values;  // plain entries: name, python type
};

// tests/fixtures/depth/native_keys/<name>.txt: "<name> <dtype> [<shape>]" or "<name> value <type>" per line.
inline KeyList key_list(const std::string& name) {
  const std::filesystem::path path = fixture_path("depth/native_keys/" + name + ".txt");
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  KeyList list;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const std::size_t first = line.find(' '), second = line.find(' ', first + 1);
    const std::string key = line.substr(0, first), kind = line.substr(first + 1, second - first - 1);
    const std::string rest = line.substr(second + 1);
    if (kind == "value") {
      list.values.emplace_back(key, rest);
      continue;
    }
    std::vector<std::int64_t> shape;
    for (const std::string& side : split(rest.substr(1, rest.size() - 2), ',')) {
      if (!trim(side).empty()) shape.push_back(std::stoll(trim(side)));
    }
    EXPECT_TRUE(kind == "float32" || kind == "int64") << line;
    list.tensors.emplace_back(key, at::zeros(shape, kind == "int64" ? at::kLong : at::kFloat));
  }
  return list;
}

}  // namespace depthstyle::testing
