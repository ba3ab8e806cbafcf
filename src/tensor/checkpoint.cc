#include "tensor/checkpoint.h"

#include <ATen/ATen.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <fstream>
#include <map>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/text.h"
#include "io/byte_order.h"
#include "io/pickle.h"
#include "io/zip_archive.h"

namespace depthstyle {
namespace {

using Kind = PickleValue::Kind;

// A storage as the pickle refers to it: a flat tensor of the storage's dtype and element count. Tensors are
// strided views of it, so tensors that shared a storage in Python share memory here too.
struct Storage {
  at::Tensor flat;
};

struct NumpyDtype {
  char kind = 'f';
  int width = 8;
};

at::ScalarType storage_dtype(const std::string& class_name) {
  static const std::map<std::string, at::ScalarType> dtypes = {
      {"torch.FloatStorage", at::kFloat},   {"torch.DoubleStorage", at::kDouble},
      {"torch.HalfStorage", at::kHalf},     {"torch.BFloat16Storage", at::kBFloat16},
      {"torch.LongStorage", at::kLong},     {"torch.IntStorage", at::kInt},
      {"torch.ShortStorage", at::kShort},   {"torch.CharStorage", at::kChar},
      {"torch.ByteStorage", at::kByte},     {"torch.BoolStorage", at::kBool},
      {"torch.ComplexFloatStorage", at::kComplexFloat}, {"torch.ComplexDoubleStorage", at::kComplexDouble}};
  const auto found = dtypes.find(class_name);
  return found == dtypes.end() ? at::ScalarType::Undefined : found->second;
}

// "(2, 3)", as Python prints a tuple of ints (one item: "(2,)").
std::string tuple_text(const std::vector<std::int64_t>& values) {
  std::string text = "(";
  for (std::size_t i = 0; i < values.size(); ++i) text += concat(i ? ", " : "", values[i]);
  return text + (values.size() == 1 ? ",)" : ")");
}

// Python's latin-1 codec over a str the pickle stored as UTF-8: each code point (all < 256) becomes one byte.
std::string latin1_bytes(const std::string& utf8) {
  std::string bytes;
  for (std::size_t i = 0; i < utf8.size(); ++i) {
    const auto lead = static_cast<unsigned char>(utf8[i]);
    if (lead < 0x80) {
      bytes += static_cast<char>(lead);
    } else if ((lead & 0xe0) == 0xc0 && i + 1 < utf8.size()) {
      bytes += static_cast<char>(((lead & 0x1f) << 6) | (static_cast<unsigned char>(utf8[++i]) & 0x3f));
    }
  }
  return bytes;
}

// Interprets the pickles of one checkpoint: the globals torch.save and numpy emit, and storages by key.
class CheckpointPickles {
 public:
  CheckpointPickles(std::string source, std::function<at::Tensor(const std::string& key, at::ScalarType dtype,
                                                                 std::int64_t numel)> storage_for_key)
      : source_(std::move(source)), storage_for_key_(std::move(storage_for_key)) {
    hooks_.find_class = [this](const std::string& module, const std::string& name) {
      return find_class(module, name);
    };
    hooks_.persistent_load = [this](const PickleRef& id) { return persistent_load(id); };
  }

  PickleRef load(std::string_view bytes, std::size_t& position) {
    return load_pickle(bytes, position, hooks_, source_);
  }

 private:
  [[noreturn]] void fail(const std::string& what) const { throw InputError(concat(source_, ": ", what)); }

  std::int64_t integer(const PickleRef& value, const char* what) const {
    if (value->kind != Kind::kInt) fail(concat(what, " is ", describe(*value), ", expected an int"));
    return value->integer;
  }
  std::vector<std::int64_t> integers(const PickleRef& value, const char* what) const {
    if (value->kind != Kind::kTuple && value->kind != Kind::kList) {
      fail(concat(what, " is ", describe(*value), ", expected a tuple of ints"));
    }
    std::vector<std::int64_t> out;
    for (const PickleRef& item : value->items) out.push_back(integer(item, what));
    return out;
  }

  PickleRef rebuild_tensor(const std::vector<PickleRef>& arguments) {
    if (arguments.size() < 4) fail("_rebuild_tensor with fewer than 4 arguments");
    const Storage* storage = arguments[0]->kind == Kind::kHostObject
                                 ? std::any_cast<Storage>(&arguments[0]->host_object)
                                 : nullptr;
    if (!storage) fail(concat("tensor storage is ", describe(*arguments[0])));
    const std::int64_t offset = integer(arguments[1], "storage offset");
    const std::vector<std::int64_t> size = integers(arguments[2], "tensor size");
    const std::vector<std::int64_t> stride = integers(arguments[3], "tensor stride");
    if (size.size() != stride.size()) fail("tensor size and stride differ in length");
    check_view_fits(size, stride, offset, storage->flat.numel());
    return PickleValue::of_host_object(storage->flat.as_strided(size, stride, offset));
  }

  // The view's element count and its last element's index in the storage, in int64 with every product and sum
  // checked: sizes and strides are the file's, and an overflow here (found by fuzzing, tests/fuzz) was undefined
  // behaviour or a c10::Error from as_strided naming no file.
  void check_view_fits(const std::vector<std::int64_t>& size, const std::vector<std::int64_t>& stride,
                       std::int64_t offset, std::int64_t storage_numel) const {
    if (offset < 0) fail(concat("negative tensor storage offset ", offset));
    std::int64_t numel = 1;
    std::int64_t last = offset;
    bool overflow = false;
    for (std::size_t i = 0; i < size.size(); ++i) {
      if (size[i] < 0 || stride[i] < 0) fail("negative tensor size or stride");
      std::int64_t reach = 0;
      overflow = overflow || __builtin_mul_overflow(numel, size[i], &numel) ||
                 (size[i] > 0 && (__builtin_mul_overflow(size[i] - 1, stride[i], &reach) ||
                                  __builtin_add_overflow(last, reach, &last)));
    }
    if (overflow) fail(concat("tensor size ", tuple_text(size), " with stride ", tuple_text(stride),
                              " does not fit in 64-bit element indices"));
    if (numel > 0 && last >= storage_numel) {
      fail(concat("tensor view reaches element ", last, " of a storage of ", storage_numel, " elements"));
    }
  }

  PickleRef numpy_scalar(const std::vector<PickleRef>& arguments) {
    const NumpyDtype* dtype = arguments.size() == 2 && arguments[0]->kind == Kind::kHostObject
                                  ? std::any_cast<NumpyDtype>(&arguments[0]->host_object)
                                  : nullptr;
    if (!dtype || arguments[1]->kind != Kind::kBytes || arguments[1]->text.size() != static_cast<std::size_t>(dtype->width)) {
      fail("malformed numpy scalar");
    }
    const auto* raw = reinterpret_cast<const unsigned char*>(arguments[1]->text.data());
    switch (dtype->kind) {
      case 'f':
        if (dtype->width == 2 || dtype->width == 4 || dtype->width == 8) {
          return PickleValue::of_float(read_float(raw, dtype->width, ByteOrder::kLittle));
        }
        break;
      case 'i': return PickleValue::of_int(read_signed(raw, dtype->width, ByteOrder::kLittle));
      case 'u':
        return PickleValue::of_int(static_cast<std::int64_t>(read_unsigned(raw, dtype->width, ByteOrder::kLittle)));
      case 'b': return PickleValue::of_bool(raw[0] != 0);
    }
    fail(concat("unsupported numpy scalar type '", dtype->kind, dtype->width, "'"));
  }

  PickleRef numpy_dtype(const std::vector<PickleRef>& arguments) {
    if (arguments.empty() || arguments[0]->kind != Kind::kString || arguments[0]->text.size() < 2) {
      fail("malformed numpy dtype");
    }
    // numpy's dtype string: a kind letter and the width in bytes, "f8", "i4", "u1", "b1" (bool).
    const std::string& text = arguments[0]->text;
    NumpyDtype dtype;
    dtype.kind = text[0];
    const char* digits_end = text.data() + text.size();
    const auto [end, error] = std::from_chars(text.data() + 1, digits_end, dtype.width);
    const bool width_supported = error == std::errc() && end == digits_end &&
                                 (dtype.kind == 'b' ? dtype.width == 1
                                                    : dtype.width == 1 || dtype.width == 2 || dtype.width == 4 ||
                                                          dtype.width == 8);
    if (!width_supported || std::string_view("fiub").find(dtype.kind) == std::string_view::npos) {
      fail(concat("unsupported numpy dtype '", excerpt(text), "': expected f, i or u followed by a width of 1, 2, 4 or "
                  "8 bytes, or b1"));
    }
    return PickleValue::of_host_object(dtype);
  }

  PickleCallable find_class(const std::string& module, const std::string& name) {
    const std::string full = module + "." + name;
    if (full == "collections.OrderedDict") return [](const auto&) { return PickleValue::empty_dict(); };
    if (full == "torch._utils._rebuild_tensor_v2" || full == "torch._utils._rebuild_tensor") {
      return [this](const auto& arguments) { return rebuild_tensor(arguments); };
    }
    if (full == "torch._utils._rebuild_parameter" || full == "torch._utils._rebuild_parameter_with_state") {
      return [this](const auto& arguments) {
        if (arguments.empty()) fail("_rebuild_parameter without arguments");
        return arguments[0];
      };
    }
    if (full == "torch.Size") {
      return [](const auto& arguments) {
        return arguments.empty() ? PickleValue::of_items(Kind::kTuple) : arguments[0];
      };
    }
    if (full == "numpy.core.multiarray.scalar") {
      return [this](const auto& arguments) { return numpy_scalar(arguments); };
    }
    if (full == "numpy.dtype") return [this](const auto& arguments) { return numpy_dtype(arguments); };
    if (full == "_codecs.encode") {
      return [this](const auto& arguments) {
        if (arguments.empty() || arguments[0]->kind != Kind::kString) fail("malformed _codecs.encode");
        return PickleValue::of_string(latin1_bytes(arguments[0]->text), Kind::kBytes);
      };
    }
    if (storage_dtype(full) != at::ScalarType::Undefined) {
      return [this, full](const auto&) -> PickleRef { fail(full + " called; storages come from persistent ids"); };
    }
    fail(concat("unsupported pickle global '", excerpt(full), "': a checkpoint may hold tensors, containers and plain "
                "values, not other objects"));
  }

  // ('storage', storage class, key, location, numel[, view metadata])
  PickleRef persistent_load(const PickleRef& id) {
    if (id->kind != Kind::kTuple || id->items.size() < 5 || id->items[0]->kind != Kind::kString ||
        id->items[0]->text != "storage" || id->items[1]->kind != Kind::kGlobal || id->items[2]->kind != Kind::kString) {
      fail(concat("unexpected persistent id: ", describe(*id)));
    }
    const at::ScalarType dtype = storage_dtype(id->items[1]->text);
    if (dtype == at::ScalarType::Undefined) {
      fail(concat("unsupported storage type '", excerpt(id->items[1]->text), "'"));
    }
    const std::int64_t numel = integer(id->items[4], "storage size");
    at::Tensor flat = storage_for_key_(id->items[2]->text, dtype, numel);
    if (id->items.size() > 5 && id->items[5]->kind == Kind::kTuple) {  // legacy view of a storage
      const auto& view = id->items[5]->items;
      if (view.size() != 3) fail("malformed storage view");
      const std::int64_t offset = integer(view[1], "storage view offset");
      const std::int64_t count = integer(view[2], "storage view size");
      if (offset < 0 || count < 0 || offset > flat.numel() || count > flat.numel() - offset) {
        fail("storage view outside its storage");
      }
      flat = flat.narrow(0, offset, count);
    }
    return PickleValue::of_host_object(Storage{flat});
  }

  std::string source_;
  std::function<at::Tensor(const std::string&, at::ScalarType, std::int64_t)> storage_for_key_;
  PickleHooks hooks_;
};

// Flattens the unpickled object into dotted names.
class Flattener {
 public:
  Flattener(Checkpoint& checkpoint, const std::string& source) : checkpoint_(checkpoint), source_(source) {}

  void add(const std::string& name, const PickleRef& value, int depth = 0) {
    // load_pickle has refused deeper trees already; this keeps the recursion bounded whatever built `value`.
    const int max_depth = PickleLimits().max_depth;
    if (depth > max_depth) {
      throw InputError(concat(source_, ": containers nested more than ", max_depth, " deep at '", excerpt(name), "'"));
    }
    const auto child = [&](const std::string& key) { return name.empty() ? key : name + "." + key; };
    switch (value->kind) {
      case Kind::kDict:
        for (const auto& [key, item] : value->entries) {
          std::string key_text;
          if (key->kind == Kind::kString) key_text = key->text;
          else if (key->kind == Kind::kInt) key_text = std::to_string(key->integer);
          else throw InputError(concat(source_, ": dict key ", describe(*key), " under '", name, "' is not a name"));
          add(child(key_text), item, depth + 1);
        }
        return;
      case Kind::kList:
      case Kind::kTuple:
        for (std::size_t i = 0; i < value->items.size(); ++i) add(child(std::to_string(i)), value->items[i], depth + 1);
        return;
      case Kind::kNone: checkpoint_.values.emplace_back(name, std::monostate{}); return;
      case Kind::kBool: checkpoint_.values.emplace_back(name, value->boolean); return;
      case Kind::kInt: checkpoint_.values.emplace_back(name, value->integer); return;
      case Kind::kFloat: checkpoint_.values.emplace_back(name, value->number); return;
      case Kind::kString: checkpoint_.values.emplace_back(name, value->text); return;
      case Kind::kHostObject:
        if (const auto* tensor = std::any_cast<at::Tensor>(&value->host_object)) {
          checkpoint_.tensors.emplace_back(name.empty() ? "tensor" : name, *tensor);
          return;
        }
        break;
      default: break;
    }
    throw InputError(concat(source_, ": entry '", name, "' is ", describe(*value), ", not a tensor or plain value"));
  }

 private:
  Checkpoint& checkpoint_;
  const std::string& source_;
};

// Read-only memory map of a whole file, so legacy checkpoints of hundreds of MB are not copied before parsing.
class MappedFile {
 public:
  explicit MappedFile(const std::filesystem::path& path) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat info {};
    if (fd_ < 0 || ::fstat(fd_, &info) != 0) throw InputError(concat(path.string(), ": cannot open for reading"));
    size_ = static_cast<std::size_t>(info.st_size);
    if (size_ > 0) {
      data_ = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd_, 0);
      if (data_ == MAP_FAILED) throw InputError(concat(path.string(), ": cannot map the file into memory"));
    }
  }
  ~MappedFile() {
    if (data_ && data_ != MAP_FAILED) ::munmap(data_, size_);
    if (fd_ >= 0) ::close(fd_);
  }
  std::string_view bytes() const { return {static_cast<const char*>(data_), size_}; }

 private:
  int fd_ = -1;
  void* data_ = nullptr;
  std::size_t size_ = 0;
};

std::string entry_folder(const ZipReader& archive) {
  for (const ZipEntry& entry : archive.entries()) {
    const std::size_t slash = entry.name.find('/');
    if (slash != std::string::npos && entry.name.substr(slash + 1) == "data.pkl") return entry.name.substr(0, slash + 1);
  }
  throw InputError(concat(archive.path().string(), ": a ZIP archive without <folder>/data.pkl is not a PyTorch "
                                                   "checkpoint"));
}

bool is_torchscript(const ZipReader& archive) {
  for (const ZipEntry& entry : archive.entries()) {
    const std::size_t slash = entry.name.find('/');
    if (slash == std::string::npos) continue;
    const std::string inner = entry.name.substr(slash + 1);
    if (inner == "constants.pkl" || starts_with(inner, "code/")) return true;
  }
  return false;
}

Checkpoint read_zip_checkpoint(const std::filesystem::path& path, ZipReader& archive) {
  const std::string source = path.string();
  const std::string folder = entry_folder(archive);
  if (const ZipEntry* order = archive.find(folder + "byteorder"); order && trim(archive.read(*order)) != "little") {
    throw InputError(concat(source, ": written on a big-endian machine (byteorder '",
                            excerpt(trim(archive.read(*order))), "'); only little-endian checkpoints are supported"));
  }
  std::map<std::string, at::Tensor> storages;
  CheckpointPickles pickles(source, [&](const std::string& key, at::ScalarType dtype, std::int64_t numel) {
    if (const auto found = storages.find(key); found != storages.end()) return found->second;
    const ZipEntry* entry = archive.find(folder + "data/" + key);
    if (!entry) throw InputError(concat(source, ": storage '", excerpt(key), "' is missing from the archive"));
    // Checked before anything is allocated: the pickle's element count is outside data, and 2^33 floats claimed
    // for a 16-byte entry used to reach at::empty (32 GiB, or a c10 stack trace naming no file).
    const auto element_size = static_cast<std::uint64_t>(c10::elementSize(dtype));
    if (numel < 0 || entry->size % element_size != 0 ||
        static_cast<std::uint64_t>(numel) != entry->size / element_size) {
      throw InputError(concat(source, ": storage '", excerpt(key), "' (entry '", excerpt(entry->name), "') holds ",
                              entry->size, " bytes, but the pickle gives it ", numel, " ", pytorch_dtype_name(dtype),
                              " elements"));
    }
    at::Tensor flat = at::empty({numel}, at::TensorOptions().dtype(dtype));
    archive.read_into(*entry, flat.data_ptr());
    storages.emplace(key, flat);
    return flat;
  });
  const std::string data = archive.read(*archive.find(folder + "data.pkl"));
  std::size_t position = 0;
  const PickleRef root = pickles.load(data, position);
  Checkpoint checkpoint{path, CheckpointFormat::kZip, {}, {}};
  Flattener(checkpoint, source).add("", root);
  return checkpoint;
}

Checkpoint read_legacy_checkpoint(const std::filesystem::path& path) {
  const std::string source = path.string();
  const MappedFile file(path);
  const std::string_view bytes = file.bytes();
  std::map<std::string, at::Tensor> storages;
  CheckpointPickles pickles(source, [&](const std::string& key, at::ScalarType dtype, std::int64_t numel) {
    if (const auto found = storages.find(key); found != storages.end()) return found->second;
    if (numel < 0) throw InputError(concat(source, ": storage '", excerpt(key), "' has a negative size"));
    // The storages' bytes follow the pickles in this file, so none can be larger than the file: checked before
    // allocating what the pickle claims.
    const auto element_size = static_cast<std::uint64_t>(c10::elementSize(dtype));
    if (static_cast<std::uint64_t>(numel) > bytes.size() / element_size) {
      throw InputError(concat(source, ": storage '", excerpt(key), "' claims ", numel, " ", pytorch_dtype_name(dtype),
                              " elements, more than the whole file of ", bytes.size(), " bytes holds"));
    }
    return storages.emplace(key, at::empty({numel}, at::TensorOptions().dtype(dtype))).first->second;
  });

  std::size_t position = 0;
  const PickleRef magic = pickles.load(bytes, position);
  // 0x1950a86a20f9469cfc6c, little-endian, as Python's LONG1 stores it
  static const std::string kMagic("\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19", 10);
  if (magic->kind != Kind::kBigInt || magic->text != kMagic) {
    throw InputError(concat(source, ": a pickle, but not a PyTorch checkpoint (no magic number)"));
  }
  const PickleRef protocol = pickles.load(bytes, position);
  if (protocol->kind != Kind::kInt || protocol->integer != 1001) {
    throw InputError(concat(source, ": unsupported legacy protocol version ", describe(*protocol), "; expected 1001"));
  }
  const PickleRef system = pickles.load(bytes, position);
  for (const auto& [key, value] : system->entries) {
    if (key->text == "little_endian" && value->kind == Kind::kBool && !value->boolean) {
      throw InputError(concat(source, ": written on a big-endian machine; only little-endian is supported"));
    }
  }
  const PickleRef root = pickles.load(bytes, position);
  const PickleRef keys = pickles.load(bytes, position);
  if (keys->kind != Kind::kList) throw InputError(concat(source, ": the storage key list is ", describe(*keys)));

  for (const PickleRef& key : keys->items) {
    const auto found = storages.find(key->text);
    if (key->kind != Kind::kString || found == storages.end()) {
      throw InputError(concat(source, ": storage list names ", describe(*key), ", which no tensor uses"));
    }
    const at::Tensor& flat = found->second;
    if (bytes.size() - position < 8) throw InputError(concat(source, ": truncated before storage '", key->text, "'"));
    const auto count = static_cast<std::int64_t>(
        read_unsigned(reinterpret_cast<const unsigned char*>(bytes.data() + position), 8, ByteOrder::kLittle));
    position += 8;
    if (count != flat.numel()) {
      throw InputError(concat(source, ": storage '", key->text, "' holds ", count, " elements, its tensors need ",
                              flat.numel()));
    }
    const std::size_t size = static_cast<std::size_t>(flat.numel()) * flat.element_size();
    if (bytes.size() - position < size) {
      throw InputError(concat(source, ": truncated: storage '", key->text, "' needs ", size, " bytes, ",
                              bytes.size() - position, " present"));
    }
    // An empty storage has no data pointer, and memcpy from or to null is undefined even for 0 bytes (UBSan).
    if (size > 0) std::memcpy(flat.data_ptr(), bytes.data() + position, size);
    position += size;
  }
  Checkpoint checkpoint{path, CheckpointFormat::kLegacy, {}, {}};
  Flattener(checkpoint, source).add("", root);
  return checkpoint;
}

}  // namespace

std::string to_string(CheckpointFormat format) {
  switch (format) {
    case CheckpointFormat::kZip: return "zip (torch.save, PyTorch >= 1.6)";
    case CheckpointFormat::kLegacy: return "legacy (torch.save, pre-1.6 format)";
    case CheckpointFormat::kTorchScript: return "TorchScript archive (torch.jit.save)";
  }
  return "?";
}

std::string to_string(const CheckpointValue& value) {
  if (std::holds_alternative<std::monostate>(value)) return "None";
  if (const auto* flag = std::get_if<bool>(&value)) return *flag ? "True" : "False";
  if (const auto* integer = std::get_if<std::int64_t>(&value)) return std::to_string(*integer);
  if (const auto* number = std::get_if<double>(&value)) return format_number(*number);
  return "'" + std::get<std::string>(value) + "'";
}

std::string pytorch_dtype_name(at::ScalarType dtype) {
  switch (dtype) {
    case at::kFloat: return "float32";
    case at::kDouble: return "float64";
    case at::kHalf: return "float16";
    case at::kBFloat16: return "bfloat16";
    case at::kLong: return "int64";
    case at::kInt: return "int32";
    case at::kShort: return "int16";
    case at::kChar: return "int8";
    case at::kByte: return "uint8";
    case at::kBool: return "bool";
    case at::kComplexFloat: return "complex64";
    case at::kComplexDouble: return "complex128";
    default: return c10::toString(dtype);
  }
}

const at::Tensor* Checkpoint::find(std::string_view name) const {
  for (const auto& [key, tensor] : tensors) {
    if (key == name) return &tensor;
  }
  return nullptr;
}

const at::Tensor& Checkpoint::tensor(std::string_view name) const {
  if (const at::Tensor* found = find(name)) return *found;
  std::vector<std::string> names;
  for (const auto& entry : tensors) names.push_back(entry.first);
  throw InputError(concat(path.string(), ": no tensor '", name, "'", did_you_mean(name, names)));
}

const CheckpointValue* Checkpoint::value(std::string_view name) const {
  for (const auto& [key, value] : values) {
    if (key == name) return &value;
  }
  return nullptr;
}

Checkpoint read_checkpoint(const std::filesystem::path& path) {
  check_readable_file(path);
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  if (error) throw InputError(concat(path.string(), ": cannot open for reading (", error.message(), ")"));
  if (size == 0) throw InputError(concat(path.string(), ": empty file, expected a PyTorch checkpoint"));
  char head[4] = {};
  std::ifstream(path, std::ios::binary).read(head, sizeof head);
  if (std::string_view(head, 4) == std::string_view("PK\x03\x04", 4)) {
    ZipReader archive(path);
    if (is_torchscript(archive)) return read_torchscript_tensors(path);
    return read_zip_checkpoint(path, archive);
  }
  if (static_cast<unsigned char>(head[0]) == 0x80) return read_legacy_checkpoint(path);
  throw InputError(concat(path.string(), ": not a PyTorch checkpoint (neither a ZIP archive nor a pickle)"));
}

}  // namespace depthstyle
