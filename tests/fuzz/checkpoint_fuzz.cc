// A torch.save (>= 1.6) checkpoint through the two layers tensor/checkpoint.h reads it with, without LibTorch (whose
// tensors the last step builds): io/zip_archive.h opens the archive and verifies entries, io/pickle.h interprets
// <folder>/data.pkl, and each storage the pickle names by a persistent id ('storage', class, key, location, numel)
// is read from <folder>/data/<key>, as the checkpoint reader does.
#include <map>

#include "fuzz/fuzz_support.h"
#include "io/pickle.h"
#include "io/zip_archive.h"

using namespace depthstyle;
using Kind = PickleValue::Kind;

namespace {

std::string data_folder(const ZipReader& archive) {
  for (const ZipEntry& entry : archive.entries()) {
    const std::size_t slash = entry.name.find('/');
    if (slash != std::string::npos && entry.name.substr(slash + 1) == "data.pkl") return entry.name.substr(0, slash + 1);
  }
  throw InputError("fuzz: no <folder>/data.pkl");
}

void read_checkpoint_layers(const std::filesystem::path& path) {
  ZipReader archive(path);
  const std::string folder = data_folder(archive);
  if (const ZipEntry* order = archive.find(folder + "byteorder")) archive.read(*order);
  std::map<std::string, std::string> storages;
  PickleHooks hooks;
  hooks.find_class = [](const std::string&, const std::string&) -> PickleCallable {
    return [](const std::vector<PickleRef>& arguments) { return PickleValue::of_items(Kind::kTuple, arguments); };
  };
  hooks.persistent_load = [&](const PickleRef& id) {
    if (id->kind != Kind::kTuple || id->items.size() < 5 || id->items[0]->kind != Kind::kString ||
        id->items[0]->text != "storage" || id->items[2]->kind != Kind::kString) {
      throw InputError("fuzz: unexpected persistent id " + describe(*id));
    }
    const std::string& key = id->items[2]->text;
    if (storages.count(key) == 0) {
      const ZipEntry* entry = archive.find(folder + "data/" + key);
      if (!entry) throw InputError("fuzz: storage '" + key + "' missing");
      storages.emplace(key, archive.read(*entry));
    }
    return PickleValue::of_string(storages.at(key), Kind::kBytes);
  };
  const std::string data = archive.read(*archive.find(folder + "data.pkl"));
  std::size_t position = 0;
  const PickleRef value = load_pickle(data, position, hooks, path.string());
  describe(*value);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::filesystem::path path = fuzz::scratch_file("checkpoint.pth", fuzz::as_text(data, size));
  fuzz::expect_clean_refusal([&] { read_checkpoint_layers(path); });
  return 0;
}
