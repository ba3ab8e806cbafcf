// `depthstyle weights inspect` on hostile checkpoints (issue 15): each is a clear error naming the file, exit 1, no
// crash and no allocation of what the file merely claims.
#include <gtest/gtest.h>

#include "core/error.h"
#include "io/zip_archive.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

using testing::contains;

// BINUNICODE: a 4-byte little-endian length, then the UTF-8 bytes.
std::string unicode(const std::string& text) {
  std::string bytes = "X";
  for (int i = 0; i < 4; ++i) bytes += static_cast<char>((text.size() >> (8 * i)) & 0xff);
  return bytes + text;
}

// torch.save's pickle of {'w': tensor} whose storage '0' claims 2^33 float32 elements (32 GiB), written by hand.
std::string oversized_storage_pickle() {
  const std::string two_to_33("\x8a\x05\x00\x00\x00\x00\x02", 7);  // LONG1, 5 bytes, little-endian
  return std::string("\x80\x02}", 3) + unicode("w") + "ctorch._utils\n_rebuild_tensor_v2\n((" + unicode("storage") +
         "ctorch\nFloatStorage\n" + unicode("0") + unicode("cpu") + two_to_33 + "tQ" + std::string("K\x00", 2) +
         two_to_33 + "\x85K\x01\x85\x89" + "ccollections\nOrderedDict\n)RtRs.";
}

TEST(WeightsInspect, DeeplyNestedPickleIsAnErrorNotACrash) {
  testing::TempDir dir;
  // issue 15's 400 KB pickle of 200,000 nested lists: exit 139 (stack overflow) before.
  const std::string depth(200000, ']');
  testing::write_text(dir / "deep.pth", std::string("\x80\x02", 2) + depth + std::string(199999, 'a') + ".");
  const ProcessResult result = testing::run_cli({"weights", "inspect", (dir / "deep.pth").string()});
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_TRUE(contains(result.output, (dir / "deep.pth").string() + ": containers nested more than 64 deep"))
      << result.output;
}

TEST(WeightsInspect, StorageLargerThanItsBytesIsRefusedBeforeAllocating) {
  testing::TempDir dir;
  // A ZIP checkpoint whose 16-byte entry is claimed to hold 2^33 floats: at::empty failed first (a 28-line c10 stack
  // trace naming no file).
  ZipWriter zip(dir / "claims.pth");
  zip.add("archive/data.pkl", oversized_storage_pickle());
  zip.add("archive/data/0", std::string(16, '\0'));
  zip.finish();
  const ProcessResult result = testing::run_cli({"weights", "inspect", (dir / "claims.pth").string()});
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_TRUE(contains(result.output, (dir / "claims.pth").string() + ": storage '0' (entry 'archive/data/0') holds "
                                      "16 bytes, but the pickle gives it 8589934592 float32 elements"))
      << result.output;

  // The legacy format: magic number, protocol 1001 and system info pickles, then the same object pickle.
  const std::string magic("\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19.", 15);
  testing::write_text(dir / "legacy.pth", magic + std::string("\x80\x02M\xe9\x03.", 6) + std::string("\x80\x02}.", 4) +
                                              oversized_storage_pickle());
  const ProcessResult legacy = testing::run_cli({"weights", "inspect", (dir / "legacy.pth").string()});
  EXPECT_EQ(legacy.exit_code, 1) << legacy.output;
  EXPECT_TRUE(contains(legacy.output, (dir / "legacy.pth").string() + ": storage '0' claims 8589934592 float32 "
                                      "elements, more than the whole file of"))
      << legacy.output;
}

TEST(WeightsInspect, DirectoriesAndDevicesAreNamed) {
  testing::TempDir dir;
  const ProcessResult folder = testing::run_cli({"weights", "inspect", dir.path().string()});
  EXPECT_EQ(folder.exit_code, 1) << folder.output;
  EXPECT_TRUE(contains(folder.output, dir.path().string() + ": is a directory")) << folder.output;
  const ProcessResult device = testing::run_cli({"weights", "inspect", "/dev/zero"});
  EXPECT_EQ(device.exit_code, 1) << device.output;
  EXPECT_TRUE(contains(device.output, "/dev/zero: not a regular file")) << device.output;
}

}  // namespace
}  // namespace depthstyle
