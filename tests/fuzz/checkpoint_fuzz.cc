// A PyTorch checkpoint read the way every loader reads it: tensor/checkpoint.h's read_checkpoint, down to the
// LibTorch tensors it builds, so the checks on storage sizes, tensor shapes, strides and offsets are fuzzed with the
// allocations they guard. The input is the file (a ZIP archive from torch >= 1.6, or a legacy pickle stream), except
// when it starts with 'Z': then it is the parts of a ZIP checkpoint, which this target archives with correct CRCs
// (a mutation of a real archive's data.pkl almost never keeps its CRC-32, so without this the pickle's tensor
// arguments are rarely reached): data.pkl, then each storage's bytes, split at kPartSeparator; storage i is entry
// archive/data/i, as torch.save names them. Each tensor's first and last
// element are then read through the instrumented code here: a view the reader let past its storage is an ASan report.
// TorchScript archives go to LibTorch's JIT reader (checkpoint_torchscript.cc), which is not ours and not built here:
// the definition below refuses them the documented way.
#include <ATen/ATen.h>

#include "core/text.h"
#include "fuzz/fuzz_support.h"
#include "io/zip_archive.h"
#include "tensor/checkpoint.h"

using namespace depthstyle;

namespace depthstyle {
Checkpoint read_torchscript_tensors(const std::filesystem::path& path) {
  throw InputError(path.string() + ": fuzz: TorchScript archives are read by LibTorch's JIT, not fuzzed here");
}
}  // namespace depthstyle

namespace {

constexpr std::string_view kPartSeparator("\xff\xfePART", 6);

std::filesystem::path checkpoint_file(std::string_view input) {
  if (input.empty() || input[0] != 'Z') return fuzz::scratch_file("checkpoint.pth", input);
  const std::filesystem::path path = fuzz::scratch_folder() / "composed.pth";
  ZipWriter archive(path);
  input.remove_prefix(1);
  for (int part = 0;; ++part) {
    const std::size_t end = input.find(kPartSeparator);
    archive.add(part == 0 ? "archive/data.pkl" : concat("archive/data/", part - 1), input.substr(0, end));
    if (end == std::string_view::npos) break;
    input.remove_prefix(end + kPartSeparator.size());
  }
  archive.finish();
  return path;
}

// The byte of the view's last element, read from instrumented code (LibTorch's own reads are not instrumented).
unsigned char touch_last_element(const at::Tensor& tensor) {
  if (tensor.numel() == 0) return 0;
  std::int64_t last = tensor.storage_offset();
  for (std::int64_t dim = 0; dim < tensor.dim(); ++dim) last += (tensor.size(dim) - 1) * tensor.stride(dim);
  const auto* storage = static_cast<const unsigned char*>(tensor.storage().data());
  const std::size_t element_size = tensor.element_size();
  return storage[static_cast<std::size_t>(last) * element_size + element_size - 1] ^
         storage[static_cast<std::size_t>(tensor.storage_offset()) * element_size];
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // LibTorch sets up its allocator and dispatcher on first use; done here so that the one-time allocations are not
  // taken for a leak of the first input.
  at::empty({1}).fill_(0);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::expect_clean_refusal([&] {
    const Checkpoint checkpoint = read_checkpoint(checkpoint_file(fuzz::as_text(data, size)));
    unsigned char sink = 0;
    for (const auto& [name, tensor] : checkpoint.tensors) sink ^= touch_last_element(tensor);
    for (const auto& [name, value] : checkpoint.values) sink ^= static_cast<unsigned char>(to_string(value).size());
    volatile unsigned char keep = sink;
    (void)keep;
  });
  return 0;
}
