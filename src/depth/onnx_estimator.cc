#include "depth/onnx_estimator.h"

#include <opencv2/core/utils/logger.hpp>
#include <opencv2/dnn.hpp>

#include "core/error.h"
#include "core/text.h"
#include "depth/network_estimator.h"

namespace depthstyle {
namespace {

// OpenCV's message without its "OpenCV(4.6.0) /path/file.cpp:123: error: (-2:Unspecified error)" preamble when
// the structured fields are there.
std::string opencv_message(const cv::Exception& error) {
  return error.err.empty() ? std::string(error.what()) : concat(error.err, " (in ", error.func, ")");
}

class OnnxEstimator : public NetworkEstimator {
 public:
  OnnxEstimator(const std::filesystem::path& path, const std::string& preset, PreprocessingSpec spec)
      : NetworkEstimator("onnx", {path}, preset, std::move(spec)) {
    // The importer logs each node it fails on before it throws; the exception says the same, so keep stderr quiet.
    const cv::utils::logging::LogLevel log_level = cv::utils::logging::getLogLevel();
    cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT);
    try {
      net_ = cv::dnn::readNetFromONNX(path.string());
      cv::utils::logging::setLogLevel(log_level);
    } catch (const cv::Exception& error) {
      cv::utils::logging::setLogLevel(log_level);
      const std::string message = opencv_message(error);
      // OpenCV's Resize layer checks its mode with an empty message; say what it accepts.
      const bool resize_node =
          message.find("[Resize@") != std::string::npos && message.find("resize_layer.cpp") != std::string::npos;
      throw InputError(concat(path.string(), ": OpenCV ", CV_VERSION, " dnn cannot load this ONNX model: ", message,
                              resize_node ? concat(" (OpenCV ", CV_VERSION,
                                                   " imports ONNX Resize only with mode "
                                                   "nearest or linear; the cubic mode PyTorch exports for "
                                                   "interpolate(mode='bicubic') is refused)")
                                          : std::string()));
    }
    if (net_.empty()) throw InputError(concat(path.string(), ": OpenCV dnn read an empty network from this file"));
    net_.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    net_.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
  }

 protected:
  cv::Mat run_model(const cv::Mat& input, const std::string& source) override {
    cv::Mat output;
    try {
      net_.setInput(cv::dnn::blobFromImage(input));  // HxWx3 -> 1x3xHxW, no scaling, no channel swap
      output = net_.forward();
    } catch (const cv::Exception& error) {
      throw InputError(concat(model_path().string(), ": OpenCV dnn failed on ", source, " (input 1x3x", input.rows, "x",
                              input.cols, "): ", opencv_message(error)));
    }
    std::vector<int> shape(output.size.p, output.size.p + output.dims);
    while (shape.size() > 2 && shape.front() == 1) shape.erase(shape.begin());
    if (shape.size() != 2 || output.depth() != CV_32F) {
      std::vector<std::string> sides;
      for (int i = 0; i < output.dims; ++i) sides.push_back(std::to_string(output.size[i]));
      throw InputError(concat(model_path().string(), ": the model's output has shape ", join(sides, "x"),
                              "; expected 1x1xHxW, 1xHxW or HxW float32"));
    }
    return cv::Mat(shape[0], shape[1], CV_32FC1, output.ptr<float>()).clone();
  }

 private:
  cv::dnn::Net net_;
};

}  // namespace

std::unique_ptr<DepthEstimator> make_onnx_estimator(const DepthEstimatorConfig& config) {
  PreprocessingSpec spec = resolve_model_file_preprocessing(config);
  return std::make_unique<OnnxEstimator>(model_file_of(config), config.preset, std::move(spec));
}

}  // namespace depthstyle
