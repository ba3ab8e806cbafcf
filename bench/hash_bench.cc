// SHA-256 throughput of a weights-sized file (core/sha256.h, OpenSSL's EVP) against just reading it in the same
// chunks (the floor any hash pays), best of --repeats with the file in the page cache, and the cost of the same
// digest from the hash cache (core/file_hash_cache.h), i.e. what every later run pays for an unchanged file.
//
//   build/bench/hash_bench [--file F] [--megabytes 200] [--repeats 3]
// Without --file, writes a file of pseudo-random bytes of that size into the temp folder (removed afterwards).

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "bench_main.h"
#include "bench_options.h"
#include "core/error.h"
#include "core/file_hash_cache.h"
#include "core/scratch_folder.h"
#include "core/sha256.h"

namespace {

using depthstyle::concat;

template <typename Work>
double best_seconds(int repeats, const Work& work) {
  double best = 1e300;
  for (int i = 0; i < repeats; ++i) {
    const auto start = std::chrono::steady_clock::now();
    work();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return best;
}

void read_whole_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> chunk(1 << 20);
  while (in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || in.gcount() > 0) {
  }
}

void write_random_file(const std::filesystem::path& path, std::size_t megabytes) {
  std::ofstream out(path, std::ios::binary);
  std::mt19937_64 random(1);
  std::vector<std::uint64_t> chunk((1 << 20) / sizeof(std::uint64_t));
  for (std::size_t i = 0; i < megabytes; ++i) {
    for (std::uint64_t& word : chunk) word = random();
    out.write(reinterpret_cast<const char*>(chunk.data()), 1 << 20);
  }
  if (!out) throw depthstyle::Error(concat(path.string(), ": cannot write the benchmark file"));
}

int run(int argc, char** argv) {
  std::string file_option;
  int megabytes = 200;
  int repeats = 3;
  depthstyle::BenchOptions options(
      "hash_bench: SHA-256 of a weights-sized file vs reading it; the hash cache's lookup");
  options.value("file", file_option, "the file to hash (default: one of --megabytes random bytes, removed afterwards)")
      .value("megabytes", megabytes, "size of the file written when --file is not given")
      .value("repeats", repeats, "timings of each; the best is reported");
  options.parse(argc, argv);
  if (megabytes < 1 || repeats < 1) throw depthstyle::UsageError("need --megabytes >= 1 and --repeats >= 1");
  std::filesystem::path file = file_option;
  const depthstyle::ScratchFolder scratch("hash-bench");
  if (file.empty()) {
    file = scratch / "weights.bin";
    write_random_file(file, static_cast<std::size_t>(megabytes));
  }
  const double mb = static_cast<double>(std::filesystem::file_size(file)) / 1e6;
  read_whole_file(file);  // into the page cache
  const double read_s = best_seconds(repeats, [&] { read_whole_file(file); });
  std::string digest;
  const double hash_s = best_seconds(repeats, [&] { digest = depthstyle::sha256_hex_of_file(file); });
  depthstyle::FileHashCache(scratch / "file_hashes.tsv").sha256_of(file);
  const double cached_s = best_seconds(repeats, [&] {
    depthstyle::FileHashCache(scratch / "file_hashes.tsv").sha256_of(file);  // a new process's first lookup
  });
  std::printf("%s: %.1f MB\n  read only   %8.1f MB/s\n  SHA-256     %8.1f MB/s (%s)\n  hash cache  %8.3f ms\n",
              file.string().c_str(), mb, mb / read_s, mb / hash_s, digest.c_str(), cached_s * 1e3);
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return depthstyle::run_benchmark(argc, argv, run); }
