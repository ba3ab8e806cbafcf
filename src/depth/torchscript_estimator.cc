// With tensor/checkpoint_torchscript.cc, one of the two translation units that include LibTorch's JIT (~11 s to compile).
#include "depth/torchscript_estimator.h"

#include <torch/script.h>

#include "core/error.h"
#include "depth/network_estimator.h"

namespace depthstyle {
namespace {

// TorchScript's interpreter errors carry a traceback of the scripted code; the last line says what went wrong.
std::string last_line(const std::string& text) {
  const std::size_t end = text.find_last_not_of("\n ");
  if (end == std::string::npos) return text;
  const std::size_t start = text.rfind('\n', end);
  return text.substr(start == std::string::npos ? 0 : start + 1,
                     end + 1 - (start == std::string::npos ? 0 : start + 1));
}

class TorchScriptEstimator : public NetworkEstimator {
 public:
  TorchScriptEstimator(const std::filesystem::path& path, const std::string& preset, PreprocessingSpec spec)
      : NetworkEstimator("torchscript", {path}, preset, std::move(spec)) {
    try {
      module_ = torch::jit::load(path.string(), torch::kCPU);
    } catch (const c10::Error& error) {
      throw InputError(concat(path.string(), ": not a loadable TorchScript model: ", error.what_without_backtrace()));
    } catch (const std::exception& error) {
      throw InputError(concat(path.string(), ": not a loadable TorchScript model: ", error.what()));
    }
    module_.eval();
  }

 protected:
  cv::Mat run_model(const cv::Mat& input, const std::string& source) override {
    const c10::InferenceMode inference;
    const at::Tensor batch =
        torch::from_blob(const_cast<float*>(input.ptr<float>()), {input.rows, input.cols, 3}, torch::kFloat32)
            .permute({2, 0, 1})
            .unsqueeze(0)
            .contiguous();
    torch::jit::IValue output;
    try {
      output = module_.forward({batch});
    } catch (const c10::Error& error) {
      throw InputError(concat(model_path().string(), ": forward failed on ", source, " (input 1x3x", input.rows, "x",
                              input.cols, "): ", last_line(error.what_without_backtrace())));
    } catch (const std::exception& error) {  // the interpreter's JITException
      throw InputError(concat(model_path().string(), ": forward failed on ", source, " (input 1x3x", input.rows, "x",
                              input.cols, "): ", last_line(error.what())));
    }
    if (!output.isTensor()) {
      throw InputError(concat(model_path().string(), ": forward returned a ", output.tagKind(),
                              "; a depth model must return one tensor (1x1xHxW, 1xHxW or HxW)"));
    }
    at::Tensor map = output.toTensor();
    while (map.dim() > 2 && map.size(0) == 1) map = map.squeeze(0);
    if (map.dim() != 2 || !map.is_floating_point()) {
      throw InputError(concat(model_path().string(), ": forward returned a ", output.toTensor().scalar_type(),
                              " tensor of shape ", output.toTensor().sizes(),
                              "; expected floating point 1x1xHxW, 1xHxW or HxW"));
    }
    map = map.to(torch::kFloat32).contiguous();
    return cv::Mat(static_cast<int>(map.size(0)), static_cast<int>(map.size(1)), CV_32FC1, map.data_ptr<float>())
        .clone();
  }

 private:
  torch::jit::Module module_;
};

}  // namespace

std::unique_ptr<DepthEstimator> make_torchscript_estimator(const DepthEstimatorConfig& config) {
  PreprocessingSpec spec = resolve_model_file_preprocessing(config);
  return std::make_unique<TorchScriptEstimator>(model_file_of(config), config.preset, std::move(spec));
}

}  // namespace depthstyle
