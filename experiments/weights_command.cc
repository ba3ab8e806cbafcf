#include <ATen/ATen.h>

#include <cstdio>

#include <iostream>

#include "cli_options.h"
#include "commands.h"
#include "core/error.h"
#include "nets/weight_layout.h"
#include "report/result_table.h"
#include "tensor/checkpoint.h"
#include "weights/weight_catalog.h"
#include "weights/weight_check.h"

namespace po = boost::program_options;

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

// "ok", or the first line of the loader's error (the rest lists every layout difference: weights inspect, or
// loading the model, shows it whole). Any failure is a row: the list goes on whatever the folder holds.
std::string load_status(const CatalogEntry& entry, const std::filesystem::path& path) {
  try {
    check_model_loads(entry, path);
    return "ok";
  } catch (const std::exception& error) {
    const std::string message = error.what();
    return message.substr(0, message.find('\n'));
  }
}

// "yes", "yes, as model-small-70d6b9c8.pt" (another published name) or "incomplete: no depth.pth".
std::string presence(const CatalogEntry& entry, const std::filesystem::path& path,
                     const std::filesystem::path& folder) {
  const std::vector<std::string> missing = missing_folder_files(entry, folder);
  if (!missing.empty()) return concat("incomplete: no ", join(missing, ", "));
  if (entry.folder_files.empty() && path.filename() != entry.published_file) {
    return concat("yes, as ", path.filename().string());
  }
  return "yes";
}

std::string file_names(const CatalogEntry& entry) {
  std::string names = entry.published_file;
  if (!entry.folder_files.empty()) names += " (" + join(entry.folder_files, ", ") + ")";
  if (!entry.other_names.empty()) names += " = " + join(entry.other_names, " = ");
  return names;
}

int list_command(int argc, char** argv) {
  CommandLine command_line("depthstyle weights list",
                           "Lists every published weight file depthstyle knows by name (the names configs and "
                           "options may give instead of a path), where each is published and where it goes in the "
                           "weights folder; for the files present there, whether they load (each read and checked "
                           "against its network's layout, nothing run). The folder: --weights-dir, else "
                           "$DEPTHSTYLE_WEIGHTS, else $XDG_CACHE_HOME/depthstyle/weights or "
                           "~/.cache/depthstyle/weights.");
  declare_weights_dir_option(command_line);
  if (!command_line.parse(argc, argv)) return 0;
  const WeightsFolder folder = apply_weights_dir_option(command_line);
  std::cout << "weights folder: " << describe(folder);
  if (folder.rule != WeightsFolderRule::kNone && !std::filesystem::is_directory(folder.path)) {
    std::cout << " (does not exist)";
  }
  std::cout << "\n\n";

  ResultTable table({{"model", "model"},
                     {"file", "file as published"},
                     {"published_at", "published at"},
                     {"expected_path", "expected path"},
                     {"present", "present"},
                     {"loads", "loads"}});
  int present_count = 0;
  for (const CatalogEntry& entry : weight_catalog()) {
    const std::filesystem::path path = present_path(entry, folder.path);
    Cell present = std::string("no"), loads;
    if (!path.empty()) {
      ++present_count;
      present = presence(entry, path, folder.path);
      loads = load_status(entry, path);
    }
    table.add_row({entry.name, file_names(entry), entry.published_at,
                   folder.rule == WeightsFolderRule::kNone ? entry.relative_path
                                                           : expected_path(entry, folder.path).string(),
                   present, loads});
  }
  std::cout << table.to_markdown() << "\n";
  const std::vector<std::string> unknown = unknown_files(folder.path);
  if (!unknown.empty()) {
    std::cout << "Files in the folder that the catalog does not know (misnamed or misplaced?):\n";
    for (const std::string& file : unknown) std::cout << "  " << file << closest_catalog_path(file) << "\n";
    std::cout << "\n";
  }
  std::cout << present_count << " of " << weight_catalog().size() << " models present. Configs and options take a "
            << "model's name wherever they take its path (e.g. --depth-model midas_v21, backbone.encoder: "
            << "vgg_encoder).\n";
  return 0;
}

}  // namespace

int run_weights_command(int argc, char** argv) {
  return run_verb_command("depthstyle weights", argc, argv,
                          {{"list", "every published weight file known by name: where to get it, where it goes, "
                                    "whether it is there and loads",
                            list_command},
                           {"inspect", "list the tensors and entries of a PyTorch checkpoint", inspect_command}});
}

}  // namespace depthstyle
