#include "run/run_record.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "core/atomic_file.h"
#include "core/build_info.h"
#include "core/error.h"
#include "core/log.h"
#include "core/sha256.h"
#include "core/text.h"
#include "run/versions.h"

namespace depthstyle {
namespace {

constexpr const char* kManifestFile = "manifest.json";
constexpr const char* kUnitsFile = "units.done";

std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "unknown";
  return name;
}

nlohmann::json new_attempt(const RunStart& start) {
  const BuildInfo& build = build_info();
  return {{"start_time", utc_timestamp()},
          {"end_time", nullptr},
          {"status", "running"},
          {"threads", start.threads},
          {"tool_revision", build.git_revision},
          {"tool_dirty", build.git_dirty},
          {"command_line", start.command_line}};
}

void append_line_durably(const std::filesystem::path& path, const std::string& line) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) throw Error(concat(path.string(), ": cannot open for appending (", std::strerror(errno), ")"));
  const std::string text = line + "\n";
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::fsync(fd);
  ::close(fd);
  if (!written) throw Error(concat(path.string(), ": cannot append (disk full?)"));
}

}  // namespace

std::filesystem::path RunRecord::folder_of(const std::filesystem::path& output_root, const std::string& experiment,
                                           const std::string& name) {
  return output_root / experiment / name;
}

RunRecord::RunRecord(const RunStart& start) : dir_(folder_of(start.output_root, start.experiment, start.name)) {
  const bool exists = std::filesystem::exists(dir_ / kManifestFile);
  if (exists && !start.resume) {
    throw UsageError(concat("run folder ", dir_.string(), " already exists; pass --resume to continue it, or ",
                            "--set name=<other> to start a new run"));
  }
  if (!exists && start.resume) {
    throw UsageError(concat("--resume: there is no run to resume in ", dir_.string()));
  }
  std::filesystem::create_directories(dir_);

  // One process per run folder: a second one would interleave the journal and the outputs.
  lock_fd_ = ::open((dir_ / ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0) {
    throw Error(concat("run folder ", dir_.string(), ": cannot create its lock file: ", std::strerror(errno)));
  }
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      throw Error(concat("run folder ", dir_.string(), " is in use by another depthstyle process"));
    }
    // E.g. ENOLCK or EOPNOTSUPP on a network file system mounted without lock support (Lustre without -o flock).
    throw Error(concat("run folder ", dir_.string(), ": cannot lock it (", std::strerror(errno),
                       "); its file system must support flock (on Lustre, mount with -o flock)"));
  }

  if (exists) {
    resumed_ = true;
    try {
      manifest_ = nlohmann::json::parse(read_file(dir_ / kManifestFile));
    } catch (const nlohmann::json::exception& error) {
      throw InputError(concat((dir_ / kManifestFile).string(), ": not a valid run manifest: ", error.what()));
    }
    load_done_units();
  } else {
    const BuildInfo& build = build_info();
    nlohmann::json libraries = nlohmann::json::object();
    for (const auto& [library, version] : library_versions()) libraries[library] = version;
    manifest_ = {{"experiment", start.experiment},
                 {"name", start.name},
                 {"tool", {{"version", build.version},
                           {"git_revision", build.git_revision},
                           {"git_dirty", build.git_dirty},
                           {"build_type", build.build_type},
                           {"compiler", build.compiler}}},
                 {"libraries", libraries},
                 {"host", host_name()},
                 {"seed", start.seed},
                 {"config_source", start.source_name},
                 {"overrides", start.overrides},
                 {"attempts", nlohmann::json::array()}};
    write_file_atomically(dir_ / "source_config.yaml", start.source_text);
  }
  write_file_atomically(dir_ / "config.yaml", start.resolved_config);
  manifest_["attempts"].push_back(new_attempt(start));
  manifest_["status"] = "running";
  manifest_["threads"] = start.threads;
  write_manifest();
  set_log_file(dir_ / "log.txt");
  if (resumed_) {
    log_info("resuming run ", dir_.string(), " (", done_units_.size(), " units already done)");
    // A killed attempt may have left half-written temporary files; the lock says no one else writes here.
    if (const std::size_t stale = remove_stale_temporary_files(dir_)) {
      log_info("removed ", stale, " temporary file(s) a killed attempt left behind");
    }
  } else {
    log_info("starting run ", dir_.string());
  }
}

RunRecord::~RunRecord() {
  if (!finished_) {
    try {
      finish("failed", "the run ended without recording a status");
    } catch (...) {
    }
  }
  set_log_file({});
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

void RunRecord::load_done_units() {
  std::ifstream in(dir_ / kUnitsFile, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // A process killed in the middle of an append leaves a last line without its newline: that unit did not finish.
  std::size_t start = 0;
  for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
    if (end > start) done_units_.insert(text.substr(start, end - start));
  }
}

void RunRecord::mark_done(const std::string& unit) {
  DEPTHSTYLE_ASSERT(!unit.empty() && unit.find('\n') == std::string::npos);
  if (!done_units_.insert(unit).second) return;
  append_line_durably(dir_ / kUnitsFile, unit);
}

std::filesystem::path RunRecord::unit_result_path(const std::string& unit) const {
  std::string file_name;
  for (char c : unit) {
    file_name += std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '=' || c == '-' ? c : '_';
  }
  // Distinct keys may sanitize alike ("a/b", "a_b"): a short hash of the key keeps their files apart.
  if (file_name != unit) file_name += "-" + sha256_hex(unit).substr(0, 10);
  return dir_ / "units" / (file_name + ".json");
}

void RunRecord::complete_unit(const std::string& unit, const nlohmann::json& result) {
  write_file_atomically(unit_result_path(unit), result.dump(2) + "\n");
  mark_done(unit);
}

nlohmann::json RunRecord::unit_result(const std::string& unit) const {
  const std::filesystem::path path = unit_result_path(unit);
  try {
    return nlohmann::json::parse(read_file(path));
  } catch (const nlohmann::json::exception& error) {
    throw InputError(concat(path.string(), ": unreadable result of unit '", unit, "': ", error.what()));
  }
}

void RunRecord::set_manifest_field(const std::string& key, nlohmann::json value) {
  manifest_[key] = std::move(value);
  write_manifest();
}

void RunRecord::finish(const std::string& status, const std::string& error) {
  finished_ = true;
  nlohmann::json& attempt = manifest_["attempts"].back();
  attempt["end_time"] = utc_timestamp();
  attempt["status"] = status;
  attempt["units_done"] = done_units_.size();
  if (!error.empty()) {
    attempt["error"] = error;
    // main() prints the error to stderr; the log gets it too, so log.txt alone tells why the run ended.
    log_to_file_only(status == "interrupted" ? LogLevel::kWarning : LogLevel::kError, error);
  }
  manifest_["status"] = status;
  manifest_["start_time"] = manifest_["attempts"].front()["start_time"];
  manifest_["end_time"] = attempt["end_time"];
  write_manifest();
  log_info("run ", status, ": ", dir_.string());
}

void RunRecord::write_manifest() const { write_file_atomically(dir_ / kManifestFile, manifest_.dump(2) + "\n"); }

}  // namespace depthstyle
