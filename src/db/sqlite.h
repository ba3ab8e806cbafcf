// A small RAII layer over SQLite 3 for every database the harness keeps (DIW prediction stores, the user-study
// database). What it guarantees:
//   - prepared statements only: SQL text holds ?N placeholders and values are bound, never spliced into the SQL
//     (the one exception is PRAGMA values, which SQLite cannot bind; only integers of our own are formatted there);
//   - every result code other than OK/ROW/DONE becomes a SqliteError whose message starts with the database path and
//     carries what was being done and sqlite3_errmsg;
//   - a statement is reset and its bindings cleared when the SqliteRows reading it goes out of scope, so an early
//     return or an exception never leaves a statement half-stepped (which would hold a read lock);
//   - every connection: WAL journal (readers never block the writer), busy_timeout (a second process waits instead of
//     failing at once), foreign_keys=ON, synchronous=NORMAL by default (in WAL mode a killed process loses nothing
//     committed; only a power loss may lose the last commits) or FULL on request (SqliteOpenOptions::synchronous);
//   - write transactions start with BEGIN IMMEDIATE, so a read-then-write sequence takes the write lock first and
//     cannot fail half-way with SQLITE_BUSY; an uncommitted transaction rolls back when it goes out of scope;
//   - schemas are versioned (PRAGMA user_version) and tagged (PRAGMA application_id); migrate() applies the missing
//     steps atomically and refuses files of another kind or from a newer build.
// A connection and its statements belong to one thread at a time.
//
//   SqliteDatabase database(path);
//   migrate(database, kStoreSchema);
//   SqliteStatement insert = database.prepare("INSERT INTO predictions VALUES (?1, ?2, ?3)");
//   SqliteTransaction transaction(database);
//   insert.execute(estimator_id, line, value);
//   transaction.commit();
//   SqliteStatement select = database.prepare("SELECT name, value FROM t WHERE id = ?1");
//   for (SqliteRows rows = select.query(id); rows.next();) use(rows.text(0), rows.real(1));
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace depthstyle {

class SqliteError : public Error {
 public:
  SqliteError(const std::string& message, int code) : Error(message), code_(code) {}
  // The SQLite result code (extended), e.g. SQLITE_CONSTRAINT_PRIMARYKEY.
  int code() const { return code_; }

 private:
  int code_;
};

class SqliteDatabase;
class SqliteRows;

class SqliteStatement {
 public:
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&& other) noexcept;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;
  ~SqliteStatement();

  // Binds the values to ?1, ?2, ... and runs the statement to completion (INSERT, UPDATE, DELETE, DDL). A statement
  // that returns rows is an error here: use query().
  template <typename... Values>
  void execute(const Values&... values);
  // Binds the values and returns the rows; the statement is reset when the SqliteRows goes away.
  template <typename... Values>
  SqliteRows query(const Values&... values);

  const std::string& sql() const { return sql_; }

 private:
  friend class SqliteDatabase;
  friend class SqliteRows;
  SqliteStatement(SqliteDatabase& database, sqlite3_stmt* statement, std::string sql);

  // Values: integers (and bool), double, text (std::string, string_view, const char*), nullptr, std::optional<T>.
  void bind(int index, std::int64_t value);
  void bind(int index, int value) { bind(index, static_cast<std::int64_t>(value)); }
  void bind(int index, bool value) { bind(index, static_cast<std::int64_t>(value)); }
  void bind(int index, double value);
  void bind(int index, std::string_view value);
  void bind(int index, const std::string& value) { bind(index, std::string_view(value)); }
  void bind(int index, const char* value) { bind(index, std::string_view(value)); }
  void bind(int index, std::nullptr_t);
  template <typename T>
  void bind(int index, const std::optional<T>& value) {
    if (value) bind(index, *value);
    else bind(index, nullptr);
  }
  template <typename... Values>
  void bind_all(const Values&... values);
  void check_parameter_count(int given) const;
  // One sqlite3_step: true if a row is ready.
  bool step();
  void reset() noexcept;

  SqliteDatabase* database_;
  sqlite3_stmt* statement_;
  std::string sql_;
};

// The rows of a running query. Column indices are 0-based, in SELECT order.
class SqliteRows {
 public:
  SqliteRows(SqliteRows&& other) noexcept;
  SqliteRows(const SqliteRows&) = delete;
  SqliteRows& operator=(const SqliteRows&) = delete;
  SqliteRows& operator=(SqliteRows&&) = delete;
  ~SqliteRows();

  // Advances to the next row; false when there are no more.
  bool next();

  bool is_null(int column) const;
  std::int64_t integer(int column) const;
  // REAL; an SQL NULL reads as NaN, so stored "unknown" values round-trip.
  double real(int column) const;
  std::string text(int column) const;

 private:
  friend class SqliteStatement;
  explicit SqliteRows(SqliteStatement& statement) : statement_(&statement) {}
  SqliteStatement* statement_;
};

// When a commit is on disk (WAL mode). Both keep the file consistent after any crash; they differ in what the last
// commits survive.
enum class SqliteSynchronous {
  // COMMIT returns once the transaction is written to the WAL file (in the OS page cache): a killed process (even
  // SIGKILL) loses nothing committed; a power loss or kernel crash may lose the commits since the last checkpoint.
  kNormal,
  // COMMIT also fsyncs the WAL: committed transactions survive a power loss too, at one fsync per commit.
  kFull,
};

struct SqliteOpenOptions {
  // Open without write access; the file must exist. No journal mode is set (a reader cannot change it).
  bool read_only = false;
  // Create the file if it does not exist (ignored with read_only).
  bool create = true;
  // A file this call creates is readable and writable by its owner only (mode 0600; e.g. it holds completion codes).
  // SQLite gives the -wal and -shm files it creates the database file's mode.
  bool owner_only = false;
  // How long a connection waits for another process's lock before SQLITE_BUSY, milliseconds.
  int busy_timeout_ms = 60000;
  SqliteSynchronous synchronous = SqliteSynchronous::kNormal;
};

class SqliteDatabase {
 public:
  // `path` ":memory:" opens a private in-memory database (tests). Throws SqliteError naming the path.
  explicit SqliteDatabase(std::filesystem::path path, const SqliteOpenOptions& options = {});
  ~SqliteDatabase();
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  // Exactly one SQL statement; trailing SQL after it is an error rather than silently ignored.
  SqliteStatement prepare(std::string_view sql);
  // prepare(sql).execute(values...) for statements run once.
  template <typename... Values>
  void execute(std::string_view sql, const Values&... values) {
    prepare(sql).execute(values...);
  }
  // Several statements without parameters (schemas, migrations), each prepared and run in order.
  void execute_script(std::string_view sql);

  std::int64_t last_insert_rowid() const;
  // Rows changed by the last INSERT, UPDATE or DELETE.
  std::int64_t changes() const;
  bool in_transaction() const;
  const std::filesystem::path& path() const { return path_; }

  // Throws SqliteError "<path>: <doing>: <sqlite3_errmsg> (<code name>)" for result `code`.
  [[noreturn]] void fail(int code, const std::string& doing) const;

 private:
  std::filesystem::path path_;
  sqlite3* connection_ = nullptr;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back on destruction unless commit() ran. Not nestable.
class SqliteTransaction {
 public:
  explicit SqliteTransaction(SqliteDatabase& database);
  ~SqliteTransaction();
  SqliteTransaction(const SqliteTransaction&) = delete;
  SqliteTransaction& operator=(const SqliteTransaction&) = delete;
  void commit();

 private:
  SqliteDatabase& database_;
  bool open_ = true;
};

// A versioned schema: migrations[i] is the SQL that brings version i to i + 1, so the newest version is
// migrations.size(). Published steps never change; a schema change is a new step at the end.
struct SqliteSchema {
  // What kind of database this is, for messages ("DIW prediction store").
  std::string name;
  // PRAGMA application_id of this kind: tells it from any other SQLite file. Non-zero.
  std::int32_t application_id = 0;
  std::vector<std::string> migrations;
};

// Brings `database` to the newest version of `schema` in one BEGIN IMMEDIATE transaction and returns the version it
// found (0 for a new database). Throws SqliteError if the file is another kind of SQLite database, or was written by
// a newer build (a higher version than this build knows).
int migrate(SqliteDatabase& database, const SqliteSchema& schema);
// The version a database is at, without changing it; 0 for an empty database.
int schema_version(SqliteDatabase& database);

// ---- template definitions ----

template <typename... Values>
void SqliteStatement::bind_all(const Values&... values) {
  check_parameter_count(static_cast<int>(sizeof...(Values)));
  int index = 0;
  (bind(++index, values), ...);
}

template <typename... Values>
void SqliteStatement::execute(const Values&... values) {
  SqliteRows rows = query(values...);
  if (rows.next()) {
    throw SqliteError(concat(database_->path().string(), ": statement returns rows; read them with query(): ", sql_),
                      0);
  }
}

template <typename... Values>
SqliteRows SqliteStatement::query(const Values&... values) {
  reset();
  SqliteRows rows(*this);
  bind_all(values...);
  return rows;
}

}  // namespace depthstyle
