// What every network-based estimator shares (TorchScript, ONNX, and the native models of later work): the declared
// preprocessing around one forward pass, the model file's checksum, and the manifest entry.
//
//   image (RGB [0,1]) -> prepare_input (HxWx3 float32, model channel order) -> run_model -> HxW float32 map
//   -> finish_output (meaning from the spec, resized back or not)
#pragma once

#include <filesystem>
#include <string>

#include "depth/depth_estimator.h"
#include "depth/preprocessing.h"

namespace depthstyle {

class NetworkEstimator : public DepthEstimator {
 public:
  DepthPrediction estimate(const DepthQuery& query) final;
  nlohmann::json describe() const override;
  const PreprocessingSpec& preprocessing() const { return spec_; }

 protected:
  // Throws InputError if `model_path` does not name a readable file; hashes it for describe().
  NetworkEstimator(std::string type, std::filesystem::path model_path, std::string preset, PreprocessingSpec spec);
  // `input`: CV_32FC3 at the feed size, already normalised. Returns the model's map as CV_32FC1. `source` names the
  // image for error messages.
  virtual cv::Mat run_model(const cv::Mat& input, const std::string& source) = 0;
  const std::filesystem::path& model_path() const { return model_path_; }

 private:
  std::string type_;
  std::filesystem::path model_path_;
  std::string model_sha256_;
  std::string preset_;
  PreprocessingSpec spec_;
};

// The entry's preprocessing (preset + overrides + meaning), for a model whose file cannot supply a feed size: a
// box left at 0 (the monodepth2 preset) is a UsageError naming the entry.
PreprocessingSpec resolve_model_file_preprocessing(const DepthEstimatorConfig& config);

// The model file of an entry: UsageError if `path` is empty, InputError if it does not exist.
std::filesystem::path model_file_of(const DepthEstimatorConfig& config);

}  // namespace depthstyle
