// What every network-based estimator shares (TorchScript, ONNX, and the native models of later work): the declared
// preprocessing around one forward pass, the model files' checksums, and the manifest entry.
//
//   image (RGB [0,1]) -> prepare_input (HxWx3 float32, model channel order) -> run_model -> HxW float32 map
//   -> finish_output (meaning from the spec, resized back or not)
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "depth/depth_estimator.h"
#include "depth/preprocessing.h"

namespace depthstyle {

class NetworkEstimator : public DepthEstimator {
 public:
  DepthPrediction estimate(const DepthQuery& query) final;
  nlohmann::json describe() const override;
  const PreprocessingSpec& preprocessing() const { return spec_; }

 protected:
  // `model_files`: every file the weights come from (one for TorchScript/ONNX; monodepth2 has encoder.pth and
  // depth.pth), the first named in error messages. Throws InputError if one cannot be read; hashes each for
  // describe().
  NetworkEstimator(std::string type, std::vector<std::filesystem::path> model_files, std::string preset,
                   PreprocessingSpec spec);
  // `input`: CV_32FC3 at the feed size, already normalised. Returns the model's map as CV_32FC1. `source` names the
  // image for error messages.
  virtual cv::Mat run_model(const cv::Mat& input, const std::string& source) = 0;
  const std::filesystem::path& model_path() const { return model_files_.front(); }

 private:
  std::string type_;
  std::vector<std::filesystem::path> model_files_;
  std::vector<std::string> model_sha256s_;
  std::string preset_;
  PreprocessingSpec spec_;
};

// The entry's preprocessing (preset + overrides + meaning), for a model whose file cannot supply a feed size: a
// box left at 0 (the monodepth2 preset), or neither a preset nor a meaning, is a UsageError naming the entry.
PreprocessingSpec resolve_model_file_preprocessing(const DepthEstimatorConfig& config);

// The entry checks of a network whose files do not say which network they hold (midas `version`, depth_anything
// `variant`): UsageError naming the entry when `value` is empty ("set <key> (<choices>): the files do not say which
// network they hold"), not one of `names` ("unknown <what> '<value>' (did you mean ...?); expected one of ..."),
// or when `path` is empty.
void check_network_entry(const DepthEstimatorConfig& config, const std::string& key, const std::string& value,
                         const std::string& what, const std::vector<std::string>& names, const std::string& choices);

// The model file of an entry: UsageError if `path` is empty, InputError if it does not exist.
std::filesystem::path model_file_of(const DepthEstimatorConfig& config);

}  // namespace depthstyle
