#include "io/pickle.h"

#include <algorithm>
#include <cstring>
#include <unordered_map>

#include "core/error.h"
#include "core/text.h"
#include "io/byte_order.h"

namespace depthstyle {
namespace {

using Kind = PickleValue::Kind;

// Opcode names, for messages about opcodes this interpreter does not implement.
const char* opcode_name(unsigned char opcode) {
  switch (opcode) {
    case 'F': return "FLOAT";
    case 'I': return "INT";
    case 'L': return "LONG";
    case 'S': return "STRING";
    case 'V': return "UNICODE";
    case 'P': return "PERSID";
    case 'g': return "GET";
    case 'p': return "PUT";
    case 'i': return "INST";
    case 'o': return "OBJ";
    case 0x82: case 0x83: case 0x84: return "EXT";
    case 0x92: return "NEWOBJ_EX";
    case 0x96: return "BYTEARRAY8";
    case 0x97: return "NEXT_BUFFER";
    case 0x98: return "READONLY_BUFFER";
    default: return "unknown";
  }
}

class Interpreter {
 public:
  Interpreter(std::string_view bytes, std::size_t position, const PickleHooks& hooks, const std::string& source,
              const PickleLimits& limits)
      : bytes_(bytes), position_(position), hooks_(hooks), source_(source), limits_(limits) {}

  PickleRef run();
  std::size_t position() const { return position_; }

 private:
  bool run_stack_opcode(unsigned char opcode);
  bool push_scalar(unsigned char opcode);
  bool run_container_opcode(unsigned char opcode);
  bool run_object_opcode(unsigned char opcode);

  [[noreturn]] void fail(const std::string& what) const {
    throw InputError(concat(source_, ": ", what, " (pickle byte ", opcode_position_, ")"));
  }
  const unsigned char* take(std::size_t count) {
    if (count > bytes_.size() - position_) fail(concat("truncated: ", count, " more bytes needed"));
    const auto* data = reinterpret_cast<const unsigned char*>(bytes_.data() + position_);
    position_ += count;
    return data;
  }
  std::uint64_t take_unsigned(int width) { return read_unsigned(take(static_cast<std::size_t>(width)), width, ByteOrder::kLittle); }
  std::string take_text(std::uint64_t count) {
    const auto* data = take(static_cast<std::size_t>(count));
    return std::string(reinterpret_cast<const char*>(data), static_cast<std::size_t>(count));
  }
  void push(PickleRef value) {
    if (++pushed_ > limits_.max_values) fail(concat("more than ", limits_.max_values, " values"));
    stack_.push_back(std::move(value));
  }
  PickleRef pop() {
    if (stack_.size() <= floor()) fail("stack underflow (corrupt pickle)");
    PickleRef value = std::move(stack_.back());
    stack_.pop_back();
    return value;
  }
  PickleRef& top() {
    if (stack_.size() <= floor()) fail("stack underflow (corrupt pickle)");
    return stack_.back();
  }
  std::size_t floor() const { return marks_.empty() ? 0 : marks_.back(); }
  std::vector<PickleRef> pop_to_mark() {
    if (marks_.empty()) fail("MARK expected on the stack (corrupt pickle)");
    std::vector<PickleRef> items(std::make_move_iterator(stack_.begin() + static_cast<std::ptrdiff_t>(marks_.back())),
                                 std::make_move_iterator(stack_.end()));
    stack_.resize(marks_.back());
    marks_.pop_back();
    return items;
  }
  PickleValue& container(Kind kind, const char* operation) {
    PickleValue& value = *top();
    if (value.kind != kind) fail(concat(operation, " applied to ", describe(value)));
    if (value.nested) {
      fail(concat(operation, " on a container already inside another one (recursive objects are not supported)"));
    }
    return value;
  }
  // Checks that `item` may go into `target` and records that it lives there; called before it is inserted. A
  // container inserted into itself would be a reference cycle that shared ownership never frees, even after the
  // error (found by fuzzing: tests/fuzz), and the depth and size limits hold before the tree grows further.
  void adopt(PickleValue& target, PickleValue& item) {
    if (&item == &target) fail("a container that contains itself (recursive objects are not supported)");
    if (target.items.size() + target.entries.size() >= limits_.max_container_items) {
      fail(concat("a container of more than ", limits_.max_container_items, " items"));
    }
    item.nested = true;
    target.depth = std::max(target.depth, item.depth + 1);
    if (target.depth > limits_.max_depth) fail(concat("containers nested more than ", limits_.max_depth, " deep"));
  }
  // A new list, tuple or set of `items` (which become nested in it).
  PickleRef make_container(Kind kind, std::vector<PickleRef> items) {
    PickleRef value = PickleValue::of_items(kind);
    add_items(*value, std::move(items));
    return value;
  }
  void memoize(std::uint64_t index) { memo_[index] = top(); }
  PickleRef recall(std::uint64_t index) {
    const auto found = memo_.find(index);
    if (found == memo_.end()) fail(concat("memo entry ", index, " is used before it is defined"));
    return found->second;
  }
  PickleRef global(const std::string& module, const std::string& name) {
    PickleRef value = PickleValue::of_string(module + "." + name, Kind::kGlobal);
    value->call = hooks_.find_class(module, name);
    return value;
  }
  PickleRef call(const PickleRef& callable, const PickleRef& arguments) {
    if (callable->kind != Kind::kGlobal) fail(concat("cannot call ", describe(*callable)));
    if (arguments->kind != Kind::kTuple) fail(concat("arguments of ", excerpt(callable->text), " are not a tuple"));
    return callable->call(arguments->items);
  }
  void add_items(PickleValue& target, std::vector<PickleRef> items) {
    for (PickleRef& item : items) {
      adopt(target, *item);
      target.items.push_back(std::move(item));
    }
  }
  void set_items(PickleValue& dict, const std::vector<PickleRef>& items) {
    if (items.size() % 2 != 0) fail("SETITEMS with an odd number of items");
    for (std::size_t i = 0; i < items.size(); i += 2) {
      adopt(dict, *items[i]);
      adopt(dict, *items[i + 1]);
      dict.entries.emplace_back(items[i], items[i + 1]);
    }
  }
  PickleRef integer_from_bytes(std::uint64_t count) {
    const std::string raw = take_text(count);
    if (count > 8) return PickleValue::of_string(raw, Kind::kBigInt);
    if (count == 0) return PickleValue::of_int(0);
    return PickleValue::of_int(
        read_signed(reinterpret_cast<const unsigned char*>(raw.data()), static_cast<int>(count), ByteOrder::kLittle));
  }

  std::string_view bytes_;
  std::size_t position_;
  std::size_t opcode_position_ = 0;
  const PickleHooks& hooks_;
  const std::string& source_;
  const PickleLimits& limits_;
  std::size_t pushed_ = 0;
  std::vector<PickleRef> stack_;
  std::vector<std::size_t> marks_;
  std::unordered_map<std::uint64_t, PickleRef> memo_;
};

// Opcodes by what they do; each group's function returns false for an opcode outside it.
PickleRef Interpreter::run() {
  while (true) {
    opcode_position_ = position_;
    const unsigned char opcode = *take(1);
    if (opcode == '.') {  // STOP
      if (stack_.size() != 1 || !marks_.empty()) fail("STOP with a malformed stack (corrupt pickle)");
      return stack_.back();
    }
    if (!run_stack_opcode(opcode) && !push_scalar(opcode) && !run_container_opcode(opcode) &&
        !run_object_opcode(opcode)) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02x", opcode);
      fail(concat("pickle opcode ", hex, " (", opcode_name(opcode), ") is not supported"));
    }
  }
}

// Framing, marks and the stack itself.
bool Interpreter::run_stack_opcode(unsigned char opcode) {
  switch (opcode) {
    case 0x80: take(1); return true;  // PROTO n
    case 0x95: take(8); return true;  // FRAME length: the frame's bytes simply follow
    case '(': marks_.push_back(stack_.size()); return true;
    case '0': pop(); return true;
    case '1': pop_to_mark(); return true;
    case '2': push(top()); return true;
    default: return false;
  }
}

// None, bools, ints, floats, strings and bytes.
bool Interpreter::push_scalar(unsigned char opcode) {
  switch (opcode) {
    case 'N': push(PickleValue::none()); return true;
    case 0x88: push(PickleValue::of_bool(true)); return true;
    case 0x89: push(PickleValue::of_bool(false)); return true;
    case 'J': push(PickleValue::of_int(static_cast<std::int32_t>(take_unsigned(4)))); return true;
    case 'K': push(PickleValue::of_int(static_cast<std::int64_t>(take_unsigned(1)))); return true;
    case 'M': push(PickleValue::of_int(static_cast<std::int64_t>(take_unsigned(2)))); return true;
    case 0x8a: push(integer_from_bytes(take_unsigned(1))); return true;  // LONG1
    case 0x8b: push(integer_from_bytes(take_unsigned(4))); return true;  // LONG4
    case 'G': {  // BINFLOAT: big-endian double
      const std::uint64_t bits = read_unsigned(take(8), 8, ByteOrder::kBig);
      double value;
      std::memcpy(&value, &bits, 8);
      push(PickleValue::of_float(value));
      return true;
    }
    case 'X': push(PickleValue::of_string(take_text(take_unsigned(4)))); return true;   // BINUNICODE
    case 0x8c: push(PickleValue::of_string(take_text(take_unsigned(1)))); return true;  // SHORT_BINUNICODE
    case 0x8d: push(PickleValue::of_string(take_text(take_unsigned(8)))); return true;  // BINUNICODE8
    case 'T': push(PickleValue::of_string(take_text(take_unsigned(4)))); return true;   // BINSTRING (Python 2 str)
    case 'U': push(PickleValue::of_string(take_text(take_unsigned(1)))); return true;   // SHORT_BINSTRING
    case 'B': push(PickleValue::of_string(take_text(take_unsigned(4)), Kind::kBytes)); return true;
    case 'C': push(PickleValue::of_string(take_text(take_unsigned(1)), Kind::kBytes)); return true;
    case 0x8e: push(PickleValue::of_string(take_text(take_unsigned(8)), Kind::kBytes)); return true;
    default: return false;
  }
}

// Lists, tuples, sets and dicts: made whole, or filled in place.
bool Interpreter::run_container_opcode(unsigned char opcode) {
  switch (opcode) {
    case ']': push(make_container(Kind::kList, {})); return true;
    case ')': push(make_container(Kind::kTuple, {})); return true;
    case '}': push(PickleValue::empty_dict()); return true;
    case 0x8f: push(make_container(Kind::kSet, {})); return true;
    case 'l': push(make_container(Kind::kList, pop_to_mark())); return true;
    case 't': push(make_container(Kind::kTuple, pop_to_mark())); return true;
    case 0x91: push(make_container(Kind::kSet, pop_to_mark())); return true;  // FROZENSET
    case 0x85: case 0x86: case 0x87: {  // TUPLE1..3
      std::vector<PickleRef> items(static_cast<std::size_t>(opcode - 0x84));
      for (auto item = items.rbegin(); item != items.rend(); ++item) *item = pop();
      push(make_container(Kind::kTuple, std::move(items)));
      return true;
    }
    case 'd': {
      PickleRef dict = PickleValue::empty_dict();
      set_items(*dict, pop_to_mark());
      push(dict);
      return true;
    }
    case 'a': {
      PickleRef item = pop();
      add_items(container(Kind::kList, "APPEND"), {std::move(item)});
      return true;
    }
    case 'e': {
      std::vector<PickleRef> items = pop_to_mark();
      add_items(container(Kind::kList, "APPENDS"), std::move(items));
      return true;
    }
    case 0x90: {
      std::vector<PickleRef> items = pop_to_mark();
      add_items(container(Kind::kSet, "ADDITEMS"), std::move(items));
      return true;
    }
    case 's': {
      PickleRef value = pop();
      PickleRef key = pop();
      set_items(container(Kind::kDict, "SETITEM"), {std::move(key), std::move(value)});
      return true;
    }
    case 'u': {
      const std::vector<PickleRef> items = pop_to_mark();
      set_items(container(Kind::kDict, "SETITEMS"), items);
      return true;
    }
    default: return false;
  }
}

// Globals and calls (through the hooks), persistent ids and the memo.
bool Interpreter::run_object_opcode(unsigned char opcode) {
  switch (opcode) {
    case 'c': {  // GLOBAL "module\nname\n"
      const std::size_t module_end = bytes_.find('\n', position_);
      const std::size_t name_end =
          module_end == std::string_view::npos ? module_end : bytes_.find('\n', module_end + 1);
      if (name_end == std::string_view::npos) fail("truncated GLOBAL");
      const std::string module(bytes_.substr(position_, module_end - position_));
      const std::string name(bytes_.substr(module_end + 1, name_end - module_end - 1));
      position_ = name_end + 1;
      push(global(module, name));
      return true;
    }
    case 0x93: {  // STACK_GLOBAL
      const PickleRef name = pop();
      const PickleRef module = pop();
      if (module->kind != Kind::kString || name->kind != Kind::kString) fail("STACK_GLOBAL needs two strings");
      push(global(module->text, name->text));
      return true;
    }
    case 'R': case 0x81: {  // REDUCE callable(args), NEWOBJ cls(args)
      const PickleRef arguments = pop();
      const PickleRef callable = pop();
      push(call(callable, arguments));
      return true;
    }
    case 'b': pop(); return true;  // BUILD: object state (e.g. an OrderedDict's _metadata) is not needed for weights
    case 'Q': {                    // BINPERSID
      const PickleRef id = pop();
      if (!hooks_.persistent_load) fail("persistent id in a pickle that should have none");
      push(hooks_.persistent_load(id));
      return true;
    }
    case 'h': push(recall(take_unsigned(1))); return true;
    case 'j': push(recall(take_unsigned(4))); return true;
    case 'q': memoize(take_unsigned(1)); return true;
    case 'r': memoize(take_unsigned(4)); return true;
    case 0x94: memoize(memo_.size()); return true;  // MEMOIZE
    default: return false;
  }
}

}  // namespace

PickleRef PickleValue::none() { return std::make_shared<PickleValue>(); }

PickleRef PickleValue::of_bool(bool value) {
  auto result = std::make_shared<PickleValue>();
  result->kind = Kind::kBool;
  result->boolean = value;
  return result;
}

PickleRef PickleValue::of_int(std::int64_t value) {
  auto result = std::make_shared<PickleValue>();
  result->kind = Kind::kInt;
  result->integer = value;
  return result;
}

PickleRef PickleValue::of_float(double value) {
  auto result = std::make_shared<PickleValue>();
  result->kind = Kind::kFloat;
  result->number = value;
  return result;
}

PickleRef PickleValue::of_string(std::string value, Kind kind) {
  auto result = std::make_shared<PickleValue>();
  result->kind = kind;
  result->text = std::move(value);
  return result;
}

PickleRef PickleValue::of_items(Kind kind, std::vector<PickleRef> items) {
  auto result = std::make_shared<PickleValue>();
  result->kind = kind;
  result->depth = 1;
  for (const PickleRef& item : items) result->depth = std::max(result->depth, item->depth + 1);
  result->items = std::move(items);
  return result;
}

PickleRef PickleValue::empty_dict() {
  auto result = std::make_shared<PickleValue>();
  result->kind = Kind::kDict;
  result->depth = 1;
  return result;
}

PickleRef PickleValue::of_host_object(std::any object) {
  auto result = std::make_shared<PickleValue>();
  result->kind = Kind::kHostObject;
  result->host_object = std::move(object);
  return result;
}

std::string describe(const PickleValue& value) {
  switch (value.kind) {
    case Kind::kNone: return "None";
    case Kind::kBool: return value.boolean ? "True" : "False";
    case Kind::kInt: return concat("the int ", value.integer);
    case Kind::kBigInt: return "a large int";
    case Kind::kFloat: return concat("the float ", value.number);
    case Kind::kString: return concat("the string '", excerpt(value.text), "'");
    case Kind::kBytes: return concat("a bytes object of ", value.text.size(), " bytes");
    case Kind::kList: return concat("a list of ", value.items.size());
    case Kind::kTuple: return concat("a tuple of ", value.items.size());
    case Kind::kSet: return "a set";
    case Kind::kDict: return concat("a dict of ", value.entries.size());
    case Kind::kGlobal: return concat("the global ", excerpt(value.text));
    case Kind::kHostObject: return "an object";
  }
  return "?";
}

PickleRef load_pickle(std::string_view bytes, std::size_t& position, const PickleHooks& hooks,
                      const std::string& source, const PickleLimits& limits) {
  Interpreter interpreter(bytes, position, hooks, source, limits);
  PickleRef result = interpreter.run();
  position = interpreter.position();
  return result;
}

}  // namespace depthstyle
