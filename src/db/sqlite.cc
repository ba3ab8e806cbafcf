#include "db/sqlite.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>

#include "core/text.h"

namespace depthstyle {
namespace {

// The start of a statement for messages, on one line.
std::string sql_excerpt(std::string_view sql) {
  std::string text = trim(sql);
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return text.size() > 120 ? text.substr(0, 117) + "..." : text;
}

bool is_blank_sql(std::string_view sql) {
  // Whitespace and comments only (what sqlite3_prepare leaves as a tail after the last statement).
  std::size_t i = 0;
  while (i < sql.size()) {
    if (std::isspace(static_cast<unsigned char>(sql[i]))) {
      ++i;
    } else if (sql.compare(i, 2, "--") == 0) {
      while (i < sql.size() && sql[i] != '\n') ++i;
    } else if (sql.compare(i, 2, "/*") == 0) {
      const std::size_t end = sql.find("*/", i + 2);
      i = end == std::string_view::npos ? sql.size() : end + 2;
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

// ---- SqliteStatement ----

SqliteStatement::SqliteStatement(SqliteDatabase& database, sqlite3_stmt* statement, std::string sql)
    : database_(&database), statement_(statement), sql_(std::move(sql)) {}

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : database_(other.database_), statement_(other.statement_), sql_(std::move(other.sql_)) {
  other.statement_ = nullptr;
}

SqliteStatement& SqliteStatement::operator=(SqliteStatement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(statement_);
    database_ = other.database_;
    statement_ = other.statement_;
    sql_ = std::move(other.sql_);
    other.statement_ = nullptr;
  }
  return *this;
}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(statement_); }

void SqliteStatement::check_parameter_count(int given) const {
  const int expected = sqlite3_bind_parameter_count(statement_);
  if (given != expected) {
    throw SqliteError(concat(database_->path().string(), ": statement takes ", expected, " values, ", given,
                             " given: ", sql_excerpt(sql_)),
                      SQLITE_RANGE);
  }
}

void SqliteStatement::bind(int index, std::int64_t value) {
  const int code = sqlite3_bind_int64(statement_, index, value);
  if (code != SQLITE_OK) database_->fail(code, concat("binding value ", index, " of ", sql_excerpt(sql_)));
}

void SqliteStatement::bind(int index, double value) {
  // SQLite stores NaN as NULL anyway; say so explicitly, and SqliteRows::real reads NULL back as NaN.
  const int code = std::isnan(value) ? sqlite3_bind_null(statement_, index)
                                     : sqlite3_bind_double(statement_, index, value);
  if (code != SQLITE_OK) database_->fail(code, concat("binding value ", index, " of ", sql_excerpt(sql_)));
}

void SqliteStatement::bind(int index, std::string_view value) {
  const int code = sqlite3_bind_text64(statement_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (code != SQLITE_OK) database_->fail(code, concat("binding value ", index, " of ", sql_excerpt(sql_)));
}

void SqliteStatement::bind(int index, std::nullptr_t) {
  const int code = sqlite3_bind_null(statement_, index);
  if (code != SQLITE_OK) database_->fail(code, concat("binding value ", index, " of ", sql_excerpt(sql_)));
}

bool SqliteStatement::step() {
  const int code = sqlite3_step(statement_);
  if (code == SQLITE_ROW) return true;
  if (code == SQLITE_DONE) return false;
  database_->fail(code, concat("running ", sql_excerpt(sql_)));
}

void SqliteStatement::reset() noexcept {
  if (statement_ == nullptr) return;
  // sqlite3_reset repeats the last step's error code; that error was already reported by step().
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

// ---- SqliteRows ----

SqliteRows::SqliteRows(SqliteRows&& other) noexcept : statement_(other.statement_) { other.statement_ = nullptr; }

SqliteRows::~SqliteRows() {
  if (statement_ != nullptr) statement_->reset();
}

bool SqliteRows::next() { return statement_->step(); }

bool SqliteRows::is_null(int column) const {
  return sqlite3_column_type(statement_->statement_, column) == SQLITE_NULL;
}

std::int64_t SqliteRows::integer(int column) const { return sqlite3_column_int64(statement_->statement_, column); }

double SqliteRows::real(int column) const {
  if (is_null(column)) return std::numeric_limits<double>::quiet_NaN();
  return sqlite3_column_double(statement_->statement_, column);
}

std::string SqliteRows::text(int column) const {
  const unsigned char* text = sqlite3_column_text(statement_->statement_, column);
  const int size = sqlite3_column_bytes(statement_->statement_, column);
  return text == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(text), size);
}

// ---- SqliteDatabase ----

namespace {

// An empty file (SQLite treats it as a new database) with mode 0600, unless the file exists already.
void create_owner_only_file(const std::filesystem::path& path) {
  const int descriptor = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (descriptor >= 0) {
    ::close(descriptor);
    return;
  }
  if (errno != EEXIST) {
    throw SqliteError(concat(path.string(), ": cannot create the database file: ", std::strerror(errno)),
                      SQLITE_CANTOPEN);
  }
}

}  // namespace

SqliteDatabase::SqliteDatabase(std::filesystem::path path, const SqliteOpenOptions& options)
    : path_(std::move(path)) {
  int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  if (!options.read_only && options.create && options.owner_only && path_ != ":memory:") {
    create_owner_only_file(path_);
  }
  if (options.read_only) {
    flags |= SQLITE_OPEN_READONLY;
  } else {
    flags |= SQLITE_OPEN_READWRITE | (options.create ? SQLITE_OPEN_CREATE : 0);
  }
  const int code = sqlite3_open_v2(path_.c_str(), &connection_, flags, nullptr);
  if (code != SQLITE_OK) {
    const std::string message = connection_ ? sqlite3_errmsg(connection_) : sqlite3_errstr(code);
    sqlite3_close_v2(connection_);
    connection_ = nullptr;
    throw SqliteError(concat(path_.string(), ": cannot open the database: ", message, " (", sqlite3_errstr(code), ")"),
                      code);
  }
  sqlite3_busy_timeout(connection_, options.busy_timeout_ms);
  try {
    execute("PRAGMA foreign_keys = ON");
    // Reading the journal mode reads the file header: a file that is not a database fails here, with its path.
    SqliteStatement journal = prepare(options.read_only ? "PRAGMA journal_mode" : "PRAGMA journal_mode = WAL");
    SqliteRows mode = journal.query();
    const std::string journal_mode = mode.next() ? mode.text(0) : "";
    if (!options.read_only && journal_mode != "wal" && path_ != ":memory:") {
      throw SqliteError(concat(path_.string(), ": cannot switch to WAL journal mode (got '", journal_mode,
                               "'); is the file on a file system without shared-memory support?"),
                        SQLITE_ERROR);
    }
  } catch (...) {
    sqlite3_close_v2(connection_);
    connection_ = nullptr;
    throw;
  }
  execute(options.synchronous == SqliteSynchronous::kFull ? "PRAGMA synchronous = FULL"
                                                          : "PRAGMA synchronous = NORMAL");
}

SqliteDatabase::~SqliteDatabase() { sqlite3_close_v2(connection_); }

SqliteStatement SqliteDatabase::prepare(std::string_view sql) {
  sqlite3_stmt* statement = nullptr;
  const char* tail = nullptr;
  const int code = sqlite3_prepare_v2(connection_, sql.data(), static_cast<int>(sql.size()), &statement, &tail);
  if (code != SQLITE_OK) fail(code, concat("preparing ", sql_excerpt(sql)));
  SqliteStatement prepared(*this, statement, std::string(sql));
  if (statement == nullptr) {
    throw SqliteError(concat(path_.string(), ": no SQL statement in '", sql_excerpt(sql), "'"), SQLITE_MISUSE);
  }
  const std::string_view rest = sql.substr(static_cast<std::size_t>(tail - sql.data()));
  if (!is_blank_sql(rest)) {
    throw SqliteError(concat(path_.string(), ": more than one SQL statement given to prepare(): '",
                             sql_excerpt(rest), "' follows the first; use execute_script()"),
                      SQLITE_MISUSE);
  }
  return prepared;
}

void SqliteDatabase::execute_script(std::string_view sql) {
  while (!is_blank_sql(sql)) {
    sqlite3_stmt* statement = nullptr;
    const char* tail = nullptr;
    const int code = sqlite3_prepare_v2(connection_, sql.data(), static_cast<int>(sql.size()), &statement, &tail);
    if (code != SQLITE_OK) fail(code, concat("preparing ", sql_excerpt(sql)));
    const std::string_view current = sql.substr(0, static_cast<std::size_t>(tail - sql.data()));
    sql.remove_prefix(current.size());
    if (statement == nullptr) continue;
    SqliteStatement prepared(*this, statement, std::string(current));
    prepared.execute();
  }
}

std::int64_t SqliteDatabase::last_insert_rowid() const { return sqlite3_last_insert_rowid(connection_); }

std::int64_t SqliteDatabase::changes() const { return sqlite3_changes64(connection_); }

bool SqliteDatabase::in_transaction() const { return sqlite3_get_autocommit(connection_) == 0; }

void SqliteDatabase::fail(int code, const std::string& doing) const {
  throw SqliteError(concat(path_.string(), ": ", doing, ": ", sqlite3_errmsg(connection_), " (",
                           sqlite3_errstr(code), ")"),
                    sqlite3_extended_errcode(connection_));
}

// ---- SqliteTransaction ----

SqliteTransaction::SqliteTransaction(SqliteDatabase& database) : database_(database) {
  database_.execute("BEGIN IMMEDIATE");
}

SqliteTransaction::~SqliteTransaction() {
  if (!open_) return;
  try {
    database_.execute("ROLLBACK");
  } catch (const SqliteError&) {
    // A failed statement may already have rolled the transaction back; nothing is left to undo.
  }
}

void SqliteTransaction::commit() {
  DEPTHSTYLE_ASSERT(open_);
  database_.execute("COMMIT");
  open_ = false;
}

// ---- schema versions ----

int schema_version(SqliteDatabase& database) {
  SqliteStatement statement = database.prepare("PRAGMA user_version");
  SqliteRows rows = statement.query();
  return rows.next() ? static_cast<int>(rows.integer(0)) : 0;
}

int migrate(SqliteDatabase& database, const SqliteSchema& schema) {
  DEPTHSTYLE_ASSERT(schema.application_id != 0);
  // The write lock first, so two processes opening a new database do not both create it.
  SqliteTransaction transaction(database);
  const int version = schema_version(database);
  std::int64_t application_id = 0;
  {
    SqliteStatement statement = database.prepare("PRAGMA application_id");
    SqliteRows rows = statement.query();
    if (rows.next()) application_id = rows.integer(0);
  }
  std::int64_t objects = 0;
  {
    SqliteStatement statement = database.prepare("SELECT count(*) FROM sqlite_schema");
    SqliteRows rows = statement.query();
    if (rows.next()) objects = rows.integer(0);
  }
  const bool empty = application_id == 0 && version == 0 && objects == 0;
  if (!empty && application_id != schema.application_id) {
    throw SqliteError(concat(database.path().string(), ": not a ", schema.name, " (an SQLite database with ",
                             "application_id ", application_id, ", expected ", schema.application_id, ")"),
                      SQLITE_MISMATCH);
  }
  const int newest = static_cast<int>(schema.migrations.size());
  if (version > newest) {
    throw SqliteError(concat(database.path().string(), ": ", schema.name, " schema version ", version,
                             " was written by a newer depthstyle; this build knows versions up to ", newest),
                      SQLITE_MISMATCH);
  }
  for (int step = version; step < newest; ++step) {
    database.execute_script(schema.migrations[static_cast<std::size_t>(step)]);
  }
  if (version != newest) {
    // PRAGMA values cannot be bound; these are our own integers.
    database.execute(concat("PRAGMA application_id = ", schema.application_id));
    database.execute(concat("PRAGMA user_version = ", newest));
  }
  transaction.commit();
  return version;
}

}  // namespace depthstyle
