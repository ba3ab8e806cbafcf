// The one translation unit that includes LibTorch's JIT (it costs ~11 s to compile).
#include <torch/script.h>

#include "core/error.h"
#include "tensor/checkpoint.h"

namespace depthstyle {

Checkpoint read_torchscript_tensors(const std::filesystem::path& path) {
  torch::jit::Module module;
  try {
    module = torch::jit::load(path.string());
  } catch (const c10::Error& error) {
    throw InputError(concat(path.string(), ": not a loadable TorchScript archive: ", error.what_without_backtrace()));
  }
  Checkpoint checkpoint{path, CheckpointFormat::kTorchScript, {}, {}};
  // Parameters first, then buffers; within each, the order of the module's attributes.
  for (const auto& parameter : module.named_parameters(/*recurse=*/true)) {
    checkpoint.tensors.emplace_back(parameter.name, parameter.value);
  }
  for (const auto& buffer : module.named_buffers(/*recurse=*/true)) {
    checkpoint.tensors.emplace_back(buffer.name, buffer.value);
  }
  return checkpoint;
}

}  // namespace depthstyle
