// Finding and opening a study's database: the commands take a study folder (made by `survey create`) or its
// study.sqlite file.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "db/sqlite.h"

namespace depthstyle {

// The database's file name inside a study folder.
inline constexpr const char* kStudyDatabaseName = "study.sqlite";

// `study` is a folder holding study.sqlite, or the database file itself. Throws InputError naming it otherwise.
std::filesystem::path study_database_path(const std::filesystem::path& study);
// The study folder (where stimuli/ lives) of a database path.
std::filesystem::path study_folder_of(const std::filesystem::path& database);

// Opens an existing study database and brings it to this build's schema version (migrate() refuses other SQLite
// files and databases written by a newer build).
std::unique_ptr<SqliteDatabase> open_study_database(const std::filesystem::path& database,
                                                    const SqliteOpenOptions& options = {});

// "2026-11-24T02:30:00.123Z": UTC now with milliseconds, as answers record it.
std::string utc_timestamp_ms();
// Milliseconds since the Unix epoch (system clock).
std::int64_t unix_time_ms();

}  // namespace depthstyle
