#include "core/file_hash_cache.h"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/sha256.h"
#include "core/text.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

// Sets a file's modification time to exactly `ns` nanoseconds after the Unix epoch.
void set_mtime_ns(const std::filesystem::path& path, std::int64_t ns) {
  const timespec times[2] = {{0, UTIME_OMIT}, {ns / 1000000000, ns % 1000000000}};
  ASSERT_EQ(utimensat(AT_FDCWD, path.c_str(), times, 0), 0) << path;
}

class FileHashCacheTest : public ::testing::Test {
 protected:
  std::filesystem::path weights() const { return std::filesystem::canonical(dir_ / "weights.bin"); }
  void SetUp() override {
    testing::write_text(dir_ / "weights.bin", "first version");
    set_mtime_ns(dir_ / "weights.bin", 1700000000123456789);
  }

  testing::TempDir dir_;
  std::filesystem::path cache_file_ = dir_ / "cache/file_hashes.tsv";
};

TEST_F(FileHashCacheTest, HashesOnceAndWritesTheEntry) {
  FileHashCache cache(cache_file_);
  EXPECT_EQ(cache.sha256_of(dir_ / "weights.bin"), sha256_hex("first version"));
  EXPECT_EQ(cache.sha256_of(dir_ / "weights.bin"), sha256_hex("first version"));
  EXPECT_EQ(cache.files_hashed(), 1u);
  EXPECT_EQ(read_file(cache_file_), concat("depthstyle file hashes v1\n", sha256_hex("first version"),
                                           "\t13\t1700000000123456789\t", weights().string(), "\n"));
  // Another process (a new cache object) reads the digest from the file instead of hashing.
  FileHashCache next_process(cache_file_);
  EXPECT_EQ(next_process.sha256_of(dir_ / "weights.bin"), sha256_hex("first version"));
  EXPECT_EQ(next_process.files_hashed(), 0u);
}

TEST_F(FileHashCacheTest, UsesTheStoredDigestWithoutReadingTheFile) {
  const std::string planted(64, 'a');
  write_file_atomically(cache_file_, concat("depthstyle file hashes v1\n", planted, "\t13\t1700000000123456789\t",
                                            weights().string(), "\n"));
  FileHashCache cache(cache_file_);
  EXPECT_EQ(cache.sha256_of(dir_ / "weights.bin"), planted);
  EXPECT_EQ(cache.files_hashed(), 0u);
}

TEST_F(FileHashCacheTest, TouchedFileIsHashedAgain) {
  FileHashCache(cache_file_).sha256_of(dir_ / "weights.bin");
  set_mtime_ns(dir_ / "weights.bin", 1700000000123456790);  // one nanosecond later, same bytes
  FileHashCache cache(cache_file_);
  EXPECT_EQ(cache.sha256_of(dir_ / "weights.bin"), sha256_hex("first version"));
  EXPECT_EQ(cache.files_hashed(), 1u);
  EXPECT_TRUE(read_file(cache_file_).find("\t1700000000123456790\t") != std::string::npos);
  EXPECT_TRUE(read_file(cache_file_).find("\t1700000000123456789\t") == std::string::npos);
}

TEST_F(FileHashCacheTest, FileOfOtherSizeWithTheSameMtimeIsHashedAgain) {
  FileHashCache cache(cache_file_);
  cache.sha256_of(dir_ / "weights.bin");
  testing::write_text(dir_ / "weights.bin", "second, longer version");
  set_mtime_ns(dir_ / "weights.bin", 1700000000123456789);
  EXPECT_EQ(cache.sha256_of(dir_ / "weights.bin"), sha256_hex("second, longer version"));
  EXPECT_EQ(cache.files_hashed(), 2u);
}

TEST_F(FileHashCacheTest, CorruptCacheFileIsIgnoredAndRebuilt) {
  for (const std::string& corrupt : {std::string("\x00\x01garbage", 9), std::string("depthstyle file hashes v1\nxyz\n"),
                                     concat("depthstyle file hashes v1\n", std::string(64, 'a'), "\t13\n")}) {
    write_file_atomically(cache_file_, corrupt);
    FileHashCache cache(cache_file_);
    EXPECT_EQ(cache.sha256_of(dir_ / "weights.bin"), sha256_hex("first version"));
    EXPECT_EQ(cache.files_hashed(), 1u);
    EXPECT_TRUE(starts_with(read_file(cache_file_), "depthstyle file hashes v1\n" + sha256_hex("first version")));
  }
}

TEST_F(FileHashCacheTest, UnwritableCacheIsNotFatal) {
  testing::write_text(dir_ / "not_a_folder", "");
  FileHashCache cache(dir_ / "not_a_folder/file_hashes.tsv");
  EXPECT_EQ(cache.sha256_of(dir_ / "weights.bin"), sha256_hex("first version"));
  EXPECT_THROW_MESSAGE(cache.sha256_of(dir_ / "missing.bin"), InputError, "missing.bin: cannot open for reading");
}

TEST_F(FileHashCacheTest, TwoProcessesWritingAtOnceLoseNoEntry) {
  constexpr int kFilesPerProcess = 25;
  for (int process = 0; process < 2; ++process) {
    for (int i = 0; i < kFilesPerProcess; ++i) testing::write_text(dir_ / concat("p", process, "_", i), concat(i));
  }
  pid_t children[2];
  for (int process = 0; process < 2; ++process) {
    children[process] = fork();
    if (children[process] == 0) {
      FileHashCache cache(cache_file_);
      for (int i = 0; i < kFilesPerProcess; ++i) cache.sha256_of(dir_ / concat("p", process, "_", i));
      _exit(0);
    }
  }
  for (const pid_t child : children) {
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  EXPECT_EQ(testing::line_count(cache_file_), 1u + 2 * kFilesPerProcess);
  FileHashCache reader(cache_file_);
  for (int process = 0; process < 2; ++process) {
    for (int i = 0; i < kFilesPerProcess; ++i) {
      EXPECT_EQ(reader.sha256_of(dir_ / concat("p", process, "_", i)), sha256_hex(concat(i)));
    }
  }
  EXPECT_EQ(reader.files_hashed(), 0u);
}

// Sets (or, with nullptr, removes) an environment variable for the object's lifetime.
class ScopedEnvironment {
 public:
  ScopedEnvironment(const char* name, const char* value) : name_(name) {
    const char* old = std::getenv(name);
    if (old) saved_ = old;
    had_value_ = old != nullptr;
    value ? setenv(name, value, 1) : unsetenv(name);
  }
  ~ScopedEnvironment() { had_value_ ? setenv(name_, saved_.c_str(), 1) : unsetenv(name_); }

 private:
  const char* name_;
  std::string saved_;
  bool had_value_ = false;
};

TEST(FileHashCacheDefault, FollowsTheEnvironment) {
  ScopedEnvironment home("HOME", "/home/someone");
  {
    ScopedEnvironment file("DEPTHSTYLE_HASH_CACHE", "/x/hashes.tsv");
    EXPECT_EQ(default_hash_cache_file(), "/x/hashes.tsv");
  }
  ScopedEnvironment file("DEPTHSTYLE_HASH_CACHE", nullptr);
  {
    ScopedEnvironment xdg("XDG_CACHE_HOME", "/xdg");
    EXPECT_EQ(default_hash_cache_file(), "/xdg/depthstyle/file_hashes.tsv");
  }
  ScopedEnvironment xdg("XDG_CACHE_HOME", nullptr);
  EXPECT_EQ(default_hash_cache_file(), "/home/someone/.cache/depthstyle/file_hashes.tsv");
}

}  // namespace
}  // namespace depthstyle
