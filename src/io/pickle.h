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

// Runs one pickle starting at bytes[position] up to its STOP opcode and returns the object; `position` is left just
// after STOP. `source` names the file in errors ("file.pth: pickle opcode 0x2a ('*') at byte 17 is not supported").
PickleRef load_pickle(std::string_view bytes, std::size_t& position, const PickleHooks& hooks,
                      const std::string& source);

}  // namespace depthstyle
