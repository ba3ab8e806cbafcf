// SHA-256 (FIPS 180-4) through OpenSSL's libcrypto (EVP interface, which uses the CPU's SHA extensions where there
// are any), for provenance records of sample data, model files and stimuli. Weight files are hashed through
// core/file_hash_cache.h, which remembers the digest of an unchanged file.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

// OpenSSL's EVP_MD_CTX, declared here so that this header does not expose OpenSSL to the modules that use it.
struct evp_md_ctx_st;

namespace depthstyle {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(const void* data, std::size_t size);
  void update(std::string_view bytes) { update(bytes.data(), bytes.size()); }
  // Lower-case hex of the digest; the object must not be updated afterwards.
  std::string hex_digest();

 private:
  evp_md_ctx_st* context_;
  bool finished_ = false;
};

std::string sha256_hex(std::string_view bytes);
// Streams the file; throws InputError naming it if it cannot be read.
std::string sha256_hex_of_file(const std::filesystem::path& path);

}  // namespace depthstyle
