#include "core/log.h"

#include <cstdio>
#include <fstream>
#include <mutex>

#include "core/text.h"

namespace depthstyle {
namespace {

struct LogState {
  std::mutex mutex;
  std::ofstream file;
  LogLevel stderr_level = LogLevel::kInfo;
};

LogState& state() {
  static LogState instance;
  return instance;
}

const char* level_name(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarning: return "warning";
    case LogLevel::kError: return "error";
  }
  return "?";
}

void write_to_file(LogState& log, LogLevel level, const std::string& message) {
  if (!log.file.is_open()) return;
  log.file << utc_timestamp() << ' ' << level_name(level) << ' ' << message << '\n';
  log.file.flush();
}

}  // namespace

void log_message(LogLevel level, const std::string& message) {
  LogState& log = state();
  std::lock_guard<std::mutex> lock(log.mutex);
  if (level >= log.stderr_level) {
    if (level == LogLevel::kInfo) {
      std::fprintf(stderr, "%s\n", message.c_str());
    } else {
      std::fprintf(stderr, "%s: %s\n", level_name(level), message.c_str());
    }
  }
  write_to_file(log, level, message);
}

void log_to_file_only(LogLevel level, const std::string& message) {
  LogState& log = state();
  std::lock_guard<std::mutex> lock(log.mutex);
  write_to_file(log, level, message);
}

void set_log_file(const std::filesystem::path& path) {
  LogState& log = state();
  std::lock_guard<std::mutex> lock(log.mutex);
  if (log.file.is_open()) log.file.close();
  if (path.empty()) return;
  log.file.open(path, std::ios::app);
  if (!log.file) throw Error(concat(path.string(), ": cannot open the log file for appending"));
}

void set_stderr_log_level(LogLevel level) {
  std::lock_guard<std::mutex> lock(state().mutex);
  state().stderr_level = level;
}

}  // namespace depthstyle
