#include <ATen/ATen.h>

#include <cstdio>

#include "cli_options.h"
#include "commands.h"
#include "tensor/checkpoint.h"
#include "nets/weight_layout.h"

namespace depthstyle {
namespace {

std::string dtype_text(const at::Tensor& tensor) { return pytorch_dtype_name(tensor.scalar_type()); }

std::string stats_text(const at::Tensor& tensor) {
  if (tensor.numel() == 0 || tensor.is_complex()) return "";
  const at::Tensor values = tensor.to(at::kDouble);
  char text[128];
  std::snprintf(text, sizeof text, "  min %.6g  max %.6g  mean %.6g", values.min().item<double>(),
                values.max().item<double>(), values.mean().item<double>());
  return text;
}

int inspect_command(int argc, char** argv) {
  CommandLine command_line("depthstyle weights inspect",
                           "Lists every tensor of a PyTorch checkpoint (torch.save zip or legacy format, or a "
                           "TorchScript archive) with its dtype and shape, then the plain non-tensor entries.");
  command_line.positional("file", 1, "checkpoint file (.pth, .pt, ...)");
  command_line.options()("stats", "also print min, max and mean of every tensor");
  if (!command_line.parse(argc, argv)) return 0;
  const Checkpoint checkpoint = read_checkpoint(command_line.get<std::string>("file"));
  const bool stats = command_line.has("stats");

  std::size_t name_width = 4, dtype_width = 5, shape_width = 5;
  for (const auto& [name, tensor] : checkpoint.tensors) {
    name_width = std::max(name_width, name.size());
    dtype_width = std::max(dtype_width, dtype_text(tensor).size());
    shape_width = std::max(shape_width, shape_text(tensor.sizes()).size());
  }
  std::printf("%s\nformat: %s\n\n", checkpoint.path.c_str(), to_string(checkpoint.format).c_str());
  std::printf("%-*s  %-*s  %s\n", static_cast<int>(name_width), "name", static_cast<int>(dtype_width), "dtype",
              "shape");
  std::int64_t elements = 0, bytes = 0;
  for (const auto& [name, tensor] : checkpoint.tensors) {
    std::printf("%-*s  %-*s  %-*s%s\n", static_cast<int>(name_width), name.c_str(), static_cast<int>(dtype_width),
                dtype_text(tensor).c_str(), static_cast<int>(stats ? shape_width : 0), shape_text(tensor.sizes()).c_str(),
                stats ? stats_text(tensor).c_str() : "");
    elements += tensor.numel();
    bytes += tensor.numel() * static_cast<std::int64_t>(tensor.element_size());
  }
  std::printf("\n%zu tensors, %lld elements, %lld bytes\n", checkpoint.tensors.size(),
              static_cast<long long>(elements), static_cast<long long>(bytes));
  if (!checkpoint.values.empty()) {
    std::printf("\nother entries:\n");
    for (const auto& [name, value] : checkpoint.values) {
      std::printf("  %s = %s\n", name.c_str(), to_string(value).c_str());
    }
  }
  return 0;
}

}  // namespace

int run_weights_command(int argc, char** argv) {
  return run_verb_command("depthstyle weights", argc, argv,
                          {{"inspect", "list the tensors and entries of a PyTorch checkpoint", inspect_command}});
}

}  // namespace depthstyle
