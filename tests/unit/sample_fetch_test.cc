// The real fetch from Debian packages into a fresh cache (apt-get download + dpkg -x), its manifest, the no-op
// second call, and repair of a damaged file from the kept .deb without downloading.
#include "data/sample_fetch.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/sha256.h"
#include "data/sample_catalog.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

// Reuses the .deb files of the project's cache when present, so the test does not download 116 MB again; the
// copying is what a user with a pre-filled cache would see too.
void seed_debs(const std::filesystem::path& cache) {
  const std::filesystem::path shared = testing::sample_cache_dir() / "debs";
  if (!std::filesystem::exists(shared)) return;
  std::filesystem::create_directories(cache / "debs");
  for (const auto& entry : std::filesystem::directory_iterator(shared)) {
    std::filesystem::copy_file(entry.path(), cache / "debs" / entry.path().filename());
  }
}

TEST(SampleFetch, ExtractsEveryCatalogFileWithProvenanceAndIsANoOpTheSecondTime) {
  testing::TempDir cache;
  seed_debs(cache.path());
  const FetchReport first = fetch_samples(cache.path());
  EXPECT_FALSE(first.already_complete);
  EXPECT_EQ(first.files_written, static_cast<int>(sample_catalog().size()));

  const std::filesystem::path dir = samples_dir(cache.path());
  const nlohmann::json manifest = nlohmann::json::parse(read_file(dir / "manifest.json"));
  ASSERT_EQ(manifest["files"].size(), sample_catalog().size());
  for (const nlohmann::json& entry : manifest["files"]) {
    const std::string file = entry["file"];
    const SampleFile* sample = find_sample(file);
    ASSERT_NE(sample, nullptr) << file;
    EXPECT_EQ(entry["package"], sample->package);
    EXPECT_EQ(entry["package_path"], sample->package_path);
    EXPECT_EQ(entry["sha256"], sha256_hex_of_file(dir / file)) << file;
    EXPECT_EQ(entry["bytes"], std::filesystem::file_size(dir / file)) << file;
    EXPECT_EQ(entry["deb_sha256"].get<std::string>().size(), 64u);
    EXPECT_FALSE(entry["package_version"].get<std::string>().empty());
  }
  // Known facts about the real files (docs/reference.md#debian-sample-data).
  EXPECT_EQ(read_file(dir / "aloeGT.png").substr(1, 3), "PNG");
  EXPECT_EQ(read_file(dir / "motorcycle_disp.npz").substr(0, 2), "PK");

  const auto manifest_time = std::filesystem::last_write_time(dir / "manifest.json");
  const FetchReport second = fetch_samples(cache.path());
  EXPECT_TRUE(second.already_complete);
  EXPECT_EQ(second.files_written, 0);
  EXPECT_EQ(std::filesystem::last_write_time(dir / "manifest.json"), manifest_time);

  // A damaged file is restored from the kept .deb, and only that file is rewritten.
  const std::string original = read_file(dir / "coffee.png");
  write_file_atomically(dir / "coffee.png", "damaged");
  const FetchReport repair = fetch_samples(cache.path());
  EXPECT_FALSE(repair.already_complete);
  EXPECT_EQ(repair.files_written, 1);
  EXPECT_EQ(repair.packages_downloaded, 0);
  EXPECT_EQ(read_file(dir / "coffee.png"), original);
}

TEST(SampleFetch, MissingSampleNamesTheFetchCommand) {
  testing::TempDir cache;
  EXPECT_THROW_MESSAGE(sample_path(cache.path(), "aloeL.jpg"), InputError,
                       "aloeL.jpg: sample file missing; run 'depthstyle data fetch-samples'");
}

}  // namespace
}  // namespace depthstyle
