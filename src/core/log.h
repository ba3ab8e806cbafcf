// Logging to stderr and, while a run is active, to the run's log file.
//
// Messages are one line each, prefixed with a UTC timestamp and level in the file; stderr gets the bare message
// for info and a "warning: "/"error: " prefix otherwise, so interactive output stays readable.
#pragma once

#include <filesystem>
#include <string>

#include "core/error.h"

namespace depthstyle {

enum class LogLevel { kDebug, kInfo, kWarning, kError };

void log_message(LogLevel level, const std::string& message);
// Writes `message` to the run's log file only (nothing if none is open): for an error that main() prints to stderr
// itself.
void log_to_file_only(LogLevel level, const std::string& message);
// Mirrors every following message into `path` (appending); an empty path stops mirroring.
void set_log_file(const std::filesystem::path& path);
// Messages below `level` are not printed to stderr (they still go to the log file).
void set_stderr_log_level(LogLevel level);

template <typename... Parts>
void log_info(const Parts&... parts) {
  log_message(LogLevel::kInfo, concat(parts...));
}
template <typename... Parts>
void log_warning(const Parts&... parts) {
  log_message(LogLevel::kWarning, concat(parts...));
}
template <typename... Parts>
void log_debug(const Parts&... parts) {
  log_message(LogLevel::kDebug, concat(parts...));
}

}  // namespace depthstyle
