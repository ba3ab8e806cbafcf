#include "core/sha256.h"

#include <openssl/evp.h>

#include <fstream>
#include <vector>

#include "core/error.h"

namespace depthstyle {

// EVP calls fail only when the context cannot be allocated or the digest is unavailable: not a user's doing.
Sha256::Sha256() : context_(EVP_MD_CTX_new()) {
  DEPTHSTYLE_ASSERT(context_ != nullptr);
  const int initialized = EVP_DigestInit_ex(context_, EVP_sha256(), nullptr);
  DEPTHSTYLE_ASSERT(initialized == 1);
}

Sha256::~Sha256() { EVP_MD_CTX_free(context_); }

void Sha256::update(const void* data, std::size_t size) {
  DEPTHSTYLE_ASSERT(!finished_);
  const int updated = EVP_DigestUpdate(context_, data, size);
  DEPTHSTYLE_ASSERT(updated == 1);
}

std::string Sha256::hex_digest() {
  DEPTHSTYLE_ASSERT(!finished_);
  finished_ = true;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  const int finalized = EVP_DigestFinal_ex(context_, digest, &length);
  DEPTHSTYLE_ASSERT(finalized == 1 && length == 32);
  static const char* const kHex = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xf];
  }
  return hex;
}

std::string sha256_hex(std::string_view bytes) {
  Sha256 hash;
  hash.update(bytes);
  return hash.hex_digest();
}

std::string sha256_hex_of_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(concat(path.string(), ": cannot open for reading"));
  Sha256 hash;
  std::vector<char> chunk(1 << 20);
  while (in) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    hash.update(chunk.data(), static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) throw InputError(concat(path.string(), ": read error"));
  return hash.hex_digest();
}

}  // namespace depthstyle
