// A Python pickle interpreter for the subset of the format that torch.save and numpy write (protocols 2-5), with
// no notion of tensors: the caller resolves every global the pickle names (find_class) and every persistent id
// (persistent_load). A global the caller does not know is an InputError naming it, so a checkpoint can never run
// arbitrary code the way Python's pickle can.
#pragma once

#include <any>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace depthstyle {

struct PickleValue;
using PickleRef = std::shared_ptr<PickleValue>;
using PickleCallable = std::function<PickleRef(const std::vector<PickleRef>& arguments)>;

struct PickleValue {
  enum class Kind {
    kNone, kBool, kInt, kBigInt, kFloat, kString, kBytes, kList, kTuple, kSet, kDict, kGlobal, kHostObject
  };
  Kind kind = Kind::kNone;
  bool boolean = false;
  std::int64_t integer = 0;
  double number = 0;
  std::string text;  // kString, kBytes; "module.name" for kGlobal; little-endian two's complement for kBigInt
  std::vector<PickleRef> items;                       // kList, kTuple, kSet
  std::vector<std::pair<PickleRef, PickleRef>> entries;  // kDict, in insertion order
  PickleCallable call;                                // kGlobal
  std::any host_object;                               // kHostObject: what a find_class callable built
  // Containers nested in this value, counting itself (0 for a scalar, 1 for a list of scalars). Exact, because a
  // container that has been placed inside another one can no longer be modified (see load_pickle).
  int depth = 0;
  bool nested = false;  // placed inside another container

  static PickleRef none();
  static PickleRef of_bool(bool value);
  static PickleRef of_int(std::int64_t value);
  static PickleRef of_float(double value);
  static PickleRef of_string(std::string value, Kind kind = Kind::kString);
  static PickleRef of_items(Kind kind, std::vector<PickleRef> items = {});
  static PickleRef empty_dict();
  static PickleRef of_host_object(std::any object);
};

// "a dict", "an int 3", "the global collections.OrderedDict": for error messages.
std::string describe(const PickleValue& value);

struct PickleHooks {
  // Returns the callable a GLOBAL/STACK_GLOBAL names; throws InputError for unsupported globals.
  std::function<PickleCallable(const std::string& module, const std::string& name)> find_class;
  // Resolves a BINPERSID id; throws InputError if the id is malformed.
  std::function<PickleRef(const PickleRef& id)> persistent_load;
};

// Bounds on what a pickle may build, checked while it is interpreted, so a hostile file fails with a message
// instead of exhausting the stack or the memory. The defaults are far above what torch.save writes for any model
// here (a state dict nests 2-4 deep and has at most a few thousand entries).
struct PickleLimits {
  // Containers inside containers. Deeper trees are refused as they are built: a 200,000-deep list in a 400 KB file
  // would otherwise overflow the stack when it is walked or destroyed.
  int max_depth = 64;
  // Items of one list, tuple, set or dict.
  std::size_t max_container_items = std::size_t{1} << 20;
  // Values pushed in all (each costs ~200 bytes): bounds the memory of a pickle of millions of tiny opcodes.
  std::size_t max_values = std::size_t{1} << 22;
};

// Runs one pickle starting at bytes[position] up to its STOP opcode and returns the object; `position` is left just
// after STOP. `source` names the file in errors ("file.pth: pickle opcode 0x2a ('*') at byte 17 is not supported").
// Throws InputError when a limit is exceeded, and for a container modified after it was placed inside another one:
// Python's pickler fills every container before nesting it, and only self-referencing objects (which a checkpoint
// never holds) need otherwise; refusing them keeps depths exact and the value tree free of cycles.
PickleRef load_pickle(std::string_view bytes, std::size_t& position, const PickleHooks& hooks,
                      const std::string& source, const PickleLimits& limits = {});

}  // namespace depthstyle
