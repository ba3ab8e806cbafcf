// The checkpoint reader on files written by python3-torch 1.13 (tests/fixtures/checkpoints/make_fixtures.py), whose
// expected names, dtypes, shapes and values the script stored in expected.json; and on damaged copies of them.
#include "tensor/checkpoint.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/error.h"
#include "io/zip_archive.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

std::filesystem::path checkpoint_fixture(const std::string& name) {
  return testing::fixture_path("checkpoints/" + name);
}

const nlohmann::json& expected_entries(const std::string& fixture) {
  static const nlohmann::json expected =
      nlohmann::json::parse(read_file(checkpoint_fixture("expected.json")))["fixtures"];
  return expected.at(fixture);
}

// Every entry python3-torch wrote, in order, with exact values (float16/bfloat16 values are exactly representable
// as double, and so are the float32 values Python printed at full precision).
void expect_matches_python(const Checkpoint& checkpoint, const std::string& fixture) {
  std::size_t tensor_index = 0, value_index = 0;
  for (const nlohmann::json& entry : expected_entries(fixture)) {
    const std::string name = entry[0];
    const nlohmann::json& description = entry[1];
    if (description.contains("value")) {
      ASSERT_LT(value_index, checkpoint.values.size()) << name;
      const auto& [actual_name, actual] = checkpoint.values[value_index++];
      EXPECT_EQ(actual_name, name);
      const nlohmann::json& value = description["value"];
      if (value.is_null()) EXPECT_TRUE(std::holds_alternative<std::monostate>(actual)) << name;
      else if (value.is_boolean()) EXPECT_EQ(std::get<bool>(actual), value.get<bool>()) << name;
      else if (value.is_number_integer()) EXPECT_EQ(std::get<std::int64_t>(actual), value.get<std::int64_t>()) << name;
      else if (value.is_number()) EXPECT_EQ(std::get<double>(actual), value.get<double>()) << name;
      else EXPECT_EQ(std::get<std::string>(actual), value.get<std::string>()) << name;
      continue;
    }
    ASSERT_LT(tensor_index, checkpoint.tensors.size()) << name;
    const auto& [actual_name, tensor] = checkpoint.tensors[tensor_index++];
    EXPECT_EQ(actual_name, name);
    EXPECT_EQ(pytorch_dtype_name(tensor.scalar_type()), description["dtype"].get<std::string>()) << name;
    EXPECT_EQ(tensor.sizes().vec(), description["shape"].get<std::vector<std::int64_t>>()) << name;
    const at::Tensor values = tensor.to(at::kDouble).contiguous().flatten();
    const std::vector<double> expected = description["values"].get<std::vector<double>>();
    ASSERT_EQ(values.numel(), static_cast<std::int64_t>(expected.size())) << name;
    for (std::size_t i = 0; i < expected.size(); ++i) {
      EXPECT_EQ(values[static_cast<std::int64_t>(i)].item<double>(), expected[i]) << name << "[" << i << "]";
    }
  }
  EXPECT_EQ(tensor_index, checkpoint.tensors.size());
  EXPECT_EQ(value_index, checkpoint.values.size());
}

class CheckpointFixture : public ::testing::TestWithParam<std::pair<std::string, CheckpointFormat>> {};

TEST_P(CheckpointFixture, MatchesWhatPythonWrote) {
  const auto& [fixture, format] = GetParam();
  const Checkpoint checkpoint = read_checkpoint(checkpoint_fixture(fixture));
  EXPECT_EQ(checkpoint.format, format);
  expect_matches_python(checkpoint, fixture);
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, CheckpointFixture,
    ::testing::Values(std::make_pair("decoder_zip.pth", CheckpointFormat::kZip),
                      std::make_pair("decoder_legacy.pth", CheckpointFormat::kLegacy),
                      std::make_pair("dtypes_zip.pth", CheckpointFormat::kZip),
                      std::make_pair("dtypes_legacy.pth", CheckpointFormat::kLegacy),
                      std::make_pair("views_zip.pth", CheckpointFormat::kZip),
                      std::make_pair("views_legacy.pth", CheckpointFormat::kLegacy),
                      std::make_pair("nested_zip.pth", CheckpointFormat::kZip),
                      std::make_pair("monodepth2_encoder_legacy.pth", CheckpointFormat::kLegacy),
                      std::make_pair("scripted.pt", CheckpointFormat::kTorchScript)),
    [](const auto& info) {
      std::string name = info.param.first;
      for (char& c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
      return name;
    });

TEST(Checkpoint, ViewsShareStorageAndKeepStrides) {
  for (const char* fixture : {"views_zip.pth", "views_legacy.pth"}) {
    const Checkpoint checkpoint = read_checkpoint(checkpoint_fixture(fixture));
    const at::Tensor& whole = checkpoint.tensor("whole");
    const at::Tensor& row = checkpoint.tensor("row1");
    const at::Tensor& transposed = checkpoint.tensor("transposed");
    EXPECT_FALSE(transposed.is_contiguous()) << fixture;
    EXPECT_EQ(transposed.strides().vec(), (std::vector<std::int64_t>{1, 4})) << fixture;
    EXPECT_EQ(row.storage_offset(), 4) << fixture;
    EXPECT_TRUE(row.is_alias_of(whole)) << fixture;
    whole.fill_(0);  // one storage: every view sees the change
    EXPECT_EQ(row.abs().sum().item<float>(), 0) << fixture;
    EXPECT_EQ(checkpoint.tensor("every_other").abs().sum().item<float>(), 0) << fixture;
  }
}

TEST(Checkpoint, MonodepthFeedSizeComesFromPlainEntries) {
  const Checkpoint checkpoint = read_checkpoint(checkpoint_fixture("monodepth2_encoder_legacy.pth"));
  EXPECT_EQ(std::get<std::int64_t>(*checkpoint.value("height")), 192);
  EXPECT_EQ(std::get<std::int64_t>(*checkpoint.value("width")), 640);
  EXPECT_EQ(std::get<bool>(*checkpoint.value("use_stereo")), false);
  EXPECT_EQ(checkpoint.value("depth"), nullptr);
}

TEST(Checkpoint, MissingTensorNamesFileKeyAndClosestName) {
  const Checkpoint checkpoint = read_checkpoint(checkpoint_fixture("decoder_zip.pth"));
  EXPECT_THROW_MESSAGE(checkpoint.tensor("1.weigth"), InputError,
                       "decoder_zip.pth: no tensor '1.weigth' (did you mean '1.weight'?)");
}

class DamagedCheckpoint : public ::testing::Test {
 protected:
  std::filesystem::path damaged(const std::string& fixture, const std::function<void(std::string&)>& damage) {
    std::string bytes = read_file(checkpoint_fixture(fixture));
    damage(bytes);
    const std::filesystem::path path = dir_ / ("damaged_" + fixture);
    write_file_atomically(path, bytes);
    return path;
  }
  testing::TempDir dir_;
};

TEST_F(DamagedCheckpoint, MissingAndEmptyFilesAreNamed) {
  EXPECT_THROW_MESSAGE(read_checkpoint(dir_ / "absent.pth"), InputError, "absent.pth: cannot open for reading");
  const std::filesystem::path empty = damaged("decoder_zip.pth", [](std::string& bytes) { bytes.clear(); });
  EXPECT_THROW_MESSAGE(read_checkpoint(empty), InputError, "damaged_decoder_zip.pth: empty file");
}

TEST_F(DamagedCheckpoint, ForeignFilesAreRefused) {
  const std::filesystem::path text = damaged("decoder_zip.pth", [](std::string& bytes) { bytes = "hello world\n"; });
  EXPECT_THROW_MESSAGE(read_checkpoint(text), InputError, "not a PyTorch checkpoint (neither a ZIP archive nor a pickle)");
  const std::filesystem::path png = damaged("decoder_zip.pth", [](std::string& bytes) {
    bytes = std::string("\x89PNG\r\n\x1a\n", 8) + std::string(100, '\0');
  });
  EXPECT_THROW_MESSAGE(read_checkpoint(png), InputError, "neither a ZIP archive nor a pickle");
  // A plain pickle that is not a checkpoint: pickle.dumps(1, protocol=2)
  const std::filesystem::path pickle = damaged("decoder_zip.pth", [](std::string& bytes) { bytes = "\x80\x02K\x01."; });
  EXPECT_THROW_MESSAGE(read_checkpoint(pickle), InputError, "a pickle, but not a PyTorch checkpoint");
}

TEST_F(DamagedCheckpoint, TruncatedFilesSayWhatIsMissing) {
  const std::filesystem::path zip = damaged("decoder_zip.pth", [](std::string& bytes) { bytes.resize(bytes.size() / 2); });
  EXPECT_THROW_MESSAGE(read_checkpoint(zip), InputError, "damaged_decoder_zip.pth: not a ZIP archive, or truncated");
  const std::filesystem::path legacy = damaged("decoder_legacy.pth", [](std::string& bytes) { bytes.resize(bytes.size() - 10); });
  EXPECT_THROW_MESSAGE(read_checkpoint(legacy), InputError, "damaged_decoder_legacy.pth: truncated: storage");
  const std::filesystem::path header = damaged("decoder_legacy.pth", [](std::string& bytes) { bytes.resize(40); });
  EXPECT_THROW_MESSAGE(read_checkpoint(header), InputError, "truncated");
}

TEST_F(DamagedCheckpoint, FlippedStorageByteFailsTheCrcCheck) {
  const std::filesystem::path path = damaged("decoder_zip.pth", [](std::string& bytes) {
    const std::size_t storage = bytes.find("data/0");
    ASSERT_NE(storage, std::string::npos);
    bytes[storage + 200] ^= 0x40;  // inside the first storage's data, well past its local header
  });
  EXPECT_THROW_MESSAGE(read_checkpoint(path), InputError, "CRC mismatch in entry");
}

TEST_F(DamagedCheckpoint, UnknownOpcodeAndGlobalAreNamed) {
  const std::filesystem::path opcode = damaged("decoder_legacy.pth", [](std::string& bytes) {
    bytes = std::string("\x80\x02", 2) + "F1.0\n.";  // protocol-0 FLOAT opcode
  });
  EXPECT_THROW_MESSAGE(read_checkpoint(opcode), InputError, "pickle opcode 0x46 (FLOAT) is not supported");
  const std::filesystem::path global = damaged("decoder_legacy.pth", [](std::string& bytes) {
    bytes = std::string("\x80\x02", 2) + "cos\nsystem\nq\x00.";  // pickle's classic code-execution gadget
  });
  EXPECT_THROW_MESSAGE(read_checkpoint(global), InputError, "unsupported pickle global 'os.system'");
}

TEST_F(DamagedCheckpoint, CorruptTorchScriptIsNamed) {
  const std::filesystem::path path = damaged("scripted.pt", [](std::string& bytes) {
    // The module's pickle, just after its local header's name: LibTorch does not check CRCs, so scramble it.
    const std::size_t pickle = bytes.find("scripted/data.pkl");
    ASSERT_NE(pickle, std::string::npos);
    for (std::size_t i = pickle + 80; i < pickle + 300; ++i) bytes[i] = 'x';
  });
  EXPECT_THROW_MESSAGE(read_checkpoint(path), InputError, "damaged_scripted.pt: not a loadable TorchScript archive");
}

// Pickle protocol 2 written by hand: BINUNICODE of `text`.
std::string pickle_text(const std::string& text) {
  std::string bytes = "X";
  for (int i = 0; i < 4; ++i) bytes += static_cast<char>((text.size() >> (8 * i)) & 0xff);
  return bytes + text;
}

// A ZIP checkpoint holding {'w': <value>} (pickle ops of `value`) and storage '0' of four float32 zeros.
std::filesystem::path zip_checkpoint(const std::filesystem::path& path, const std::string& value) {
  ZipWriter zip(path);
  zip.add("archive/data.pkl", std::string("\x80\x02}", 3) + pickle_text("w") + value + "s.");
  zip.add("archive/data/0", std::string(16, '\0'));
  zip.finish();
  return path;
}

// torch._utils._rebuild_tensor_v2 of storage '0' at offset 0 with the pickle ops of a size and a stride tuple.
std::string rebuild_tensor_ops(const std::string& size, const std::string& stride) {
  return "ctorch._utils\n_rebuild_tensor_v2\n((" + pickle_text("storage") + "ctorch\nFloatStorage\n" +
         pickle_text("0") + pickle_text("cpu") + "K\x04tQ" + std::string("K\x00", 2) + size + stride +
         "\x89" "ccollections\nOrderedDict\n)RtR";  // NEWFALSE, then OrderedDict()
}

TEST_F(DamagedCheckpoint, ViewSizesBeyond64BitIndicesAreRefused) {
  // Found by fuzzing (tests/fuzz, checkpoint): size (2^62,) with stride (4,) overflowed int64 in the bounds check
  // (undefined behaviour), and size (2^40, 2^40, 0) reached as_strided, whose c10::Error named no file.
  const std::string two_to_62("\x8a\x08\x00\x00\x00\x00\x00\x00\x00\x40", 10);  // LONG1, 8 bytes
  const std::string two_to_40("\x8a\x06\x00\x00\x00\x00\x00\x01", 8);
  const std::filesystem::path reach =
      zip_checkpoint(dir_ / "reach.pth", rebuild_tensor_ops(two_to_62 + "\x85", "K\x04\x85"));
  EXPECT_THROW_MESSAGE(read_checkpoint(reach), InputError,
                       "reach.pth: tensor size (4611686018427387904,) with stride (4,) does not fit in 64-bit element "
                       "indices");
  const std::filesystem::path count = zip_checkpoint(
      dir_ / "count.pth", rebuild_tensor_ops(two_to_40 + two_to_40 + std::string("K\x00\x87", 3),
                                             std::string("K\x00K\x00K\x00\x87", 7)));
  EXPECT_THROW_MESSAGE(read_checkpoint(count), InputError,
                       "count.pth: tensor size (1099511627776, 1099511627776, 0) with stride (0, 0, 0) does not fit");
  // The bound itself: a view one element past its storage of 4.
  const std::filesystem::path past = zip_checkpoint(dir_ / "past.pth", rebuild_tensor_ops("K\x03\x85", "K\x02\x85"));
  EXPECT_THROW_MESSAGE(read_checkpoint(past), InputError,
                       "past.pth: tensor view reaches element 4 of a storage of 4 elements");
  const std::filesystem::path fits = zip_checkpoint(dir_ / "fits.pth", rebuild_tensor_ops("K\x02\x85", "K\x03\x85"));
  EXPECT_EQ(read_checkpoint(fits).tensor("w").strides().vec(), std::vector<std::int64_t>{3});
}

TEST_F(DamagedCheckpoint, NumpyDtypeWidthIsParsedWhole) {
  // numpy.dtype('f4294967304'): std::atoi read the width as 8 (2^32 + 8 cut to int), 'f8x' as 8 too.
  for (const std::string& dtype : {std::string("f4294967304"), std::string("f8x"), std::string("b8")}) {
    const std::filesystem::path path =
        zip_checkpoint(dir_ / "dtype.pth", "cnumpy\ndtype\n" + pickle_text(dtype) + "\x85R");
    EXPECT_THROW_MESSAGE(read_checkpoint(path), InputError,
                         "dtype.pth: unsupported numpy dtype '" + dtype +
                             "': expected f, i or u followed by a width of 1, 2, 4 or 8 bytes, or b1");
  }
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(WeightsInspect, ListsZipAndLegacyStateDicts) {
  for (const char* fixture : {"decoder_zip.pth", "decoder_legacy.pth"}) {
    const ProcessResult result = testing::run_cli({"weights", "inspect", checkpoint_fixture(fixture).string()});
    EXPECT_EQ(result.exit_code, 0) << result.output;
    EXPECT_TRUE(contains(result.output, "1.weight  float32  [3, 4, 3, 3]")) << result.output;
    EXPECT_TRUE(contains(result.output, "4.bias    float32  [2]")) << result.output;
    EXPECT_TRUE(contains(result.output, "4 tensors, 119 elements, 476 bytes")) << result.output;
  }
  const ProcessResult legacy = testing::run_cli({"weights", "inspect", checkpoint_fixture("decoder_legacy.pth").string()});
  EXPECT_TRUE(contains(legacy.output, "format: legacy")) << legacy.output;
}

TEST(WeightsInspect, ListsPlainEntriesAndStats) {
  const ProcessResult result =
      testing::run_cli({"weights", "inspect", "--stats", checkpoint_fixture("monodepth2_encoder_legacy.pth").string()});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(contains(result.output, "  height = 192\n  width = 640\n  use_stereo = False\n")) << result.output;
  EXPECT_TRUE(contains(result.output, "min 5  max 5  mean 5")) << result.output;
}

TEST(WeightsInspect, ExitCodesForBadFileAndBadUsage) {
  testing::TempDir dir;
  testing::write_text(dir / "bad.pth", "not weights");
  const ProcessResult bad = testing::run_cli({"weights", "inspect", (dir / "bad.pth").string()});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_TRUE(contains(bad.output, "bad.pth: not a PyTorch checkpoint")) << bad.output;
  EXPECT_EQ(testing::run_cli({"weights", "inspect"}).exit_code, 2);
  EXPECT_EQ(testing::run_cli({"weights", "inspcet", "x.pth"}).exit_code, 2);
}

}  // namespace
}  // namespace depthstyle
