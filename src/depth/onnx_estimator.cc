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

// What OpenCV's importer refuses without saying why, for the node kinds depth models are made of (measured with
// OpenCV 4.6 on torch 1.13 exports; see onnx_estimator.h).
std::string known_limitation(const std::string& message) {
  const auto has = [&message](const char* part) { return message.find(part) != std::string::npos; };
  if (has("[Resize@") && has("resize_layer.cpp")) {  // the mode check carries no message
    return concat(" (OpenCV ", CV_VERSION, " imports ONNX Resize only with mode nearest or linear; the cubic mode ",
                  "PyTorch exports for interpolate(mode='bicubic') is refused)");
  }
  if (has("[Clip@") && has("input_size() == 1")) {
    return concat(" (OpenCV ", CV_VERSION, " imports Clip, e.g. ReLU6, only with min and max as attributes, as ",
                  "opsets 6-10 write them; from opset 11 on they are inputs, which OpenCV reads from 4.7 on. A ",
                  "network with bilinear align_corners=True upsampling, such as MiDaS v2.1 small, needs opset >= 11, ",
                  "so it cannot be re-exported for this OpenCV: use OpenCV >= 4.7)");
  }
  if ((has("[Squeeze@") || has("[Unsqueeze@")) && has("input_size() == 1")) {
    return concat(" (OpenCV ", CV_VERSION, " imports Squeeze and Unsqueeze only with axes as an attribute, as ",
                  "opsets before 13 write them: export the model at opset 11 or 12)");
  }
  return "";
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
      throw InputError(concat(path.string(), ": OpenCV ", CV_VERSION, " dnn cannot load this ONNX model: ", message,
                              known_limitation(message)));
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
