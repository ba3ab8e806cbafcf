// io/pickle.h: the pickle interpreter behind every checkpoint reader, on any bytes. The input is read as a sequence
// of pickles, as a legacy (pre-1.6) torch.save file is. The hooks accept every global and persistent id, returning a
// tuple of the arguments, so that the fuzzer reaches every opcode instead of stopping at the first unknown name.
#include "fuzz/fuzz_support.h"
#include "io/pickle.h"

using namespace depthstyle;

namespace {

PickleHooks permissive_hooks() {
  PickleHooks hooks;
  hooks.find_class = [](const std::string& module, const std::string& name) -> PickleCallable {
    if (module == "refused") throw InputError("fuzz: global " + name + " refused");  // the hooks' own failure
    return [](const std::vector<PickleRef>& arguments) { return PickleValue::of_items(PickleValue::Kind::kTuple, arguments); };
  };
  hooks.persistent_load = [](const PickleRef& id) {
    if (id->kind != PickleValue::Kind::kTuple) throw InputError("fuzz: persistent id is " + describe(*id));
    return PickleValue::of_items(PickleValue::Kind::kTuple, {id});
  };
  return hooks;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const PickleHooks hooks = permissive_hooks();
  const std::string_view bytes = fuzz::as_text(data, size);
  fuzz::expect_clean_refusal([&] {
    std::size_t position = 0;
    while (position < bytes.size()) {
      const std::size_t before = position;
      const PickleRef value = load_pickle(bytes, position, hooks, "fuzz.pkl");
      DEPTHSTYLE_ASSERT(value != nullptr && position > before && position <= bytes.size());
      describe(*value);
    }
  });
  return 0;
}
