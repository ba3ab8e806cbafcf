#include "survey/study_database.h"

#include <chrono>
#include <ctime>

#include "core/error.h"
#include "survey/study_schema.h"

namespace depthstyle {

std::filesystem::path study_database_path(const std::filesystem::path& study) {
  const std::filesystem::path database =
      std::filesystem::is_directory(study) ? study / kStudyDatabaseName : study;
  if (!std::filesystem::is_regular_file(database)) {
    throw InputError(concat(study.string(), ": no study here (expected a study folder made by 'depthstyle survey ",
                            "create', or its ", kStudyDatabaseName, ")"));
  }
  return database;
}

std::filesystem::path study_folder_of(const std::filesystem::path& database) {
  const std::filesystem::path folder = database.parent_path();
  return folder.empty() ? std::filesystem::path(".") : folder;
}

std::unique_ptr<SqliteDatabase> open_study_database(const std::filesystem::path& database,
                                                    const SqliteOpenOptions& options) {
  SqliteOpenOptions existing = options;
  existing.create = false;
  auto opened = std::make_unique<SqliteDatabase>(database, existing);
  migrate(*opened, study_schema());
  return opened;
}

std::int64_t unix_time_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string utc_timestamp_ms() {
  const std::int64_t now = unix_time_ms();
  const std::time_t seconds = static_cast<std::time_t>(now / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[40];
  const std::size_t length = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(text + length, sizeof text - length, ".%03dZ", static_cast<int>(now % 1000));
  return text;
}

}  // namespace depthstyle
