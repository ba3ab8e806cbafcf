// Error types and checks (docs/conventions.md#two-failure-channels).
//
// Two failure channels: exceptions for everything a user can cause (bad command line, config, input
// file, environment), whose message names the file/key and what was expected; DEPTHSTYLE_ASSERT only for our own
// invariants, which abort. main() is the single place that catches and maps the exception type to an exit code.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace depthstyle {

// Exit code 2: the command line or a config asks for something malformed.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A config problem; the message starts with "file:line:column:" (or "--set key=value:").
class ConfigError : public UsageError {
 public:
  using UsageError::UsageError;
};

// Exit code 1: the work failed at run time (corrupt file, wrong weights, failed download).
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An input file is missing, truncated, corrupt or of the wrong kind. The message starts with the file's path.
class InputError : public Error {
 public:
  using Error::Error;
};

// The user interrupted a run (SIGINT/SIGTERM/SIGHUP); finished units of work are kept for --resume.
class Interrupted : public Error {
 public:
  using Error::Error;
};

// Concatenates anything streamable: concat("expected ", n, " bytes, found ", m).
template <typename... Parts>
std::string concat(const Parts&... parts) {
  std::ostringstream out;
  (out << ... << parts);
  return out.str();
}

[[noreturn]] void assertion_failed(const char* condition, const char* file, int line);

}  // namespace depthstyle

#define DEPTHSTYLE_ASSERT(condition) \
  ((condition) ? static_cast<void>(0) : ::depthstyle::assertion_failed(#condition, __FILE__, __LINE__))
