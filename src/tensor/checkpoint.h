// PyTorch checkpoints as written by torch.save and torch.jit.save, read without Python and without LibTorch's
// pickle_load (which turns a state_dict's collections.OrderedDict into None and cannot read pre-1.6 files).
//
// Formats, detected from the bytes:
//   zip          torch >= 1.6 default: <folder>/data.pkl + <folder>/data/<storage key> (+ version, byteorder)
//   legacy       pre-1.6, or _use_new_zipfile_serialization=False: magic, protocol and sys-info pickles, the object
//                pickle, the list of storage keys, then each storage's int64 element count and raw bytes
//   torchscript  a torch.jit.save archive: its parameters and buffers, read with torch::jit::load
//
// Nested containers are flattened into dotted names: {'model': {'0.weight': w}} gives "model.0.weight", list items
// their index. Tensors that shared a storage in Python share memory here, and views keep their strides.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace depthstyle {

enum class CheckpointFormat { kZip, kLegacy, kTorchScript };
std::string to_string(CheckpointFormat format);

// A plain entry stored beside the tensors, e.g. monodepth2's height, width and use_stereo. monostate = None.
using CheckpointValue = std::variant<std::monostate, bool, std::int64_t, double, std::string>;
std::string to_string(const CheckpointValue& value);
// PyTorch's name of a dtype ("float32", "int64", "bool"), as Python prints it without the "torch." prefix.
std::string pytorch_dtype_name(at::ScalarType dtype);

struct Checkpoint {
  std::filesystem::path path;
  CheckpointFormat format = CheckpointFormat::kZip;
  std::vector<std::pair<std::string, at::Tensor>> tensors;     // in file order
  std::vector<std::pair<std::string, CheckpointValue>> values;  // in file order

  // nullptr if there is no tensor of that name.
  const at::Tensor* find(std::string_view name) const;
  // Throws InputError naming the file and the key (with the closest existing name) if it is absent.
  const at::Tensor& tensor(std::string_view name) const;
  const CheckpointValue* value(std::string_view name) const;
};

// Throws InputError starting with the file's path for a missing, empty, truncated, corrupt or foreign file, and for
// pickle content this reader refuses (the message names the opcode or the global).
Checkpoint read_checkpoint(const std::filesystem::path& path);

// Parameters and buffers of a TorchScript archive (defined in checkpoint_torchscript.cc, the one translation unit
// that needs LibTorch's JIT).
Checkpoint read_torchscript_tensors(const std::filesystem::path& path);

}  // namespace depthstyle
