// The SQLite layer: binding and reading values, statements reset by RAII, every failure a SqliteError naming the
// database, connection settings (WAL, foreign keys, busy timeout), transactions and schema migrations.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cmath>
#include <limits>
#include <optional>

#include "db/sqlite.h"
#include "support/test_support.h"

namespace depthstyle {
namespace {

TEST(Sqlite, BindsAndReadsEveryValueKind) {
  SqliteDatabase database(":memory:");
  database.execute_script("CREATE TABLE t (i INTEGER, r REAL, s TEXT, n TEXT); -- a comment\n");
  database.execute("INSERT INTO t VALUES (?1, ?2, ?3, ?4)", std::int64_t{1} << 40, 0.1, std::string("a'b\"c"),
                   std::optional<std::string>());
  database.execute("INSERT INTO t VALUES (?1, ?2, ?3, ?4)", 7, std::numeric_limits<double>::quiet_NaN(), "x",
                   std::optional<std::string>("y"));
  EXPECT_EQ(database.changes(), 1);
  SqliteStatement select = database.prepare("SELECT i, r, s, n FROM t ORDER BY rowid");
  SqliteRows rows = select.query();
  ASSERT_TRUE(rows.next());
  EXPECT_EQ(rows.integer(0), std::int64_t{1} << 40);
  EXPECT_EQ(rows.real(1), 0.1);
  EXPECT_EQ(rows.text(2), "a'b\"c");
  EXPECT_TRUE(rows.is_null(3));
  ASSERT_TRUE(rows.next());
  EXPECT_TRUE(rows.is_null(1));  // NaN is stored as NULL ...
  EXPECT_TRUE(std::isnan(rows.real(1)));  // ... and read back as NaN
  EXPECT_EQ(rows.text(3), "y");
  EXPECT_FALSE(rows.next());
}

TEST(Sqlite, RowsGoingOutOfScopeResetTheStatement) {
  SqliteDatabase database(":memory:");
  database.execute_script("CREATE TABLE t (i INTEGER); INSERT INTO t VALUES (1), (2), (3);");
  SqliteStatement select = database.prepare("SELECT i FROM t WHERE i >= ?1 ORDER BY i");
  {
    SqliteRows rows = select.query(1);
    ASSERT_TRUE(rows.next());
    EXPECT_EQ(rows.integer(0), 1);
  }  // left half-read
  // A statement still stepping would make DROP TABLE fail with "database table is locked".
  database.execute("CREATE TABLE u (i INTEGER)");
  database.execute("DROP TABLE u");
  SqliteRows again = select.query(2);
  ASSERT_TRUE(again.next());
  EXPECT_EQ(again.integer(0), 2);  // starts over with the new binding
}

TEST(Sqlite, EveryFailureIsASqliteErrorNamingTheDatabase) {
  testing::TempDir dir;
  const std::string path = (dir / "store.sqlite").string();
  SqliteDatabase database(path);
  database.execute_script("CREATE TABLE t (name TEXT PRIMARY KEY, v REAL NOT NULL);");
  database.execute("INSERT INTO t VALUES (?1, ?2)", "a", 1.0);
  try {
    database.execute("INSERT INTO t VALUES (?1, ?2)", "a", 2.0);
    ADD_FAILURE() << "no error";
  } catch (const SqliteError& error) {
    EXPECT_EQ(error.code(), SQLITE_CONSTRAINT_PRIMARYKEY);
    EXPECT_EQ(std::string(error.what()), path + ": running INSERT INTO t VALUES (?1, ?2): UNIQUE constraint failed: "
                                                 "t.name (constraint failed)");
  }
  EXPECT_THROW_MESSAGE(database.prepare("SELEC 1"), SqliteError, path + ": preparing SELEC 1: near \"SELEC\": syntax");
  EXPECT_THROW_MESSAGE(database.prepare("SELECT * FROM missing"), SqliteError, "no such table: missing");
  EXPECT_THROW_MESSAGE(database.execute("INSERT INTO t VALUES (?1, ?2)", "b"), SqliteError,
                       path + ": statement takes 2 values, 1 given: INSERT INTO t VALUES (?1, ?2)");
  EXPECT_THROW_MESSAGE(database.prepare("SELECT 1; SELECT 2"), SqliteError,
                       "more than one SQL statement given to prepare(): 'SELECT 2' follows the first");
  EXPECT_THROW_MESSAGE(database.execute("SELECT 1"), SqliteError, "statement returns rows; read them with query()");
  EXPECT_THROW_MESSAGE(database.execute("INSERT INTO t VALUES (?1, ?2)", "c", nullptr), SqliteError,
                       "NOT NULL constraint failed: t.v");
}

TEST(Sqlite, RefusesFilesThatAreNotDatabasesAndWritesWhenReadOnly) {
  testing::TempDir dir;
  testing::write_text(dir / "text.sqlite", "this is not an SQLite database, just some text of sufficient length....");
  EXPECT_THROW_MESSAGE(SqliteDatabase(dir / "text.sqlite"), SqliteError,
                       (dir / "text.sqlite").string() + ": preparing PRAGMA journal_mode = WAL: file is not a database");
  SqliteOpenOptions read_only;
  read_only.read_only = true;
  EXPECT_THROW_MESSAGE(SqliteDatabase(dir / "absent.sqlite", read_only), SqliteError,
                       (dir / "absent.sqlite").string() + ": cannot open the database: unable to open database file");
  {
    SqliteDatabase writer(dir / "db.sqlite");
    writer.execute("CREATE TABLE t (i INTEGER)");
  }
  SqliteDatabase reader(dir / "db.sqlite", read_only);
  EXPECT_THROW_MESSAGE(reader.execute("INSERT INTO t VALUES (1)"), SqliteError,
                       "attempt to write a readonly database");
}

TEST(Sqlite, ConnectionsUseWalAndEnforceForeignKeys) {
  testing::TempDir dir;
  SqliteDatabase database(dir / "db.sqlite");
  SqliteStatement mode = database.prepare("PRAGMA journal_mode");
  SqliteRows rows = mode.query();
  ASSERT_TRUE(rows.next());
  EXPECT_EQ(rows.text(0), "wal");
  database.execute_script(
      "CREATE TABLE parent (id INTEGER PRIMARY KEY);"
      "CREATE TABLE child (parent INTEGER NOT NULL REFERENCES parent(id));");
  EXPECT_THROW_MESSAGE(database.execute("INSERT INTO child VALUES (?1)", 5), SqliteError,
                       "FOREIGN KEY constraint failed");
}

// synchronous=NORMAL (1) unless FULL (2) is asked for: what `survey serve --synchronous` chooses between.
TEST(Sqlite, SynchronousIsNormalByDefaultAndFullOnRequest) {
  testing::TempDir dir;
  const auto synchronous_of = [](SqliteDatabase& database) {
    SqliteStatement pragma = database.prepare("PRAGMA synchronous");
    SqliteRows rows = pragma.query();
    return rows.next() ? rows.integer(0) : -1;
  };
  SqliteDatabase normal(dir / "db.sqlite");
  EXPECT_EQ(synchronous_of(normal), 1);
  SqliteOpenOptions full_options;
  full_options.synchronous = SqliteSynchronous::kFull;
  SqliteDatabase full(dir / "db.sqlite", full_options);
  EXPECT_EQ(synchronous_of(full), 2);
  EXPECT_EQ(synchronous_of(normal), 1);  // a per-connection setting
}

TEST(Sqlite, ASecondWriterWaitsThenFailsWithBusyNamingTheDatabase) {
  testing::TempDir dir;
  SqliteDatabase first(dir / "db.sqlite");
  first.execute("CREATE TABLE t (i INTEGER)");
  SqliteOpenOptions impatient;
  impatient.busy_timeout_ms = 50;
  SqliteDatabase second(dir / "db.sqlite", impatient);
  SqliteTransaction holding(first);
  EXPECT_THROW_MESSAGE(SqliteTransaction waiting(second), SqliteError,
                       (dir / "db.sqlite").string() + ": running BEGIN IMMEDIATE: database is locked");
}

TEST(Sqlite, TransactionsRollBackUnlessCommitted) {
  SqliteDatabase database(":memory:");
  database.execute("CREATE TABLE t (i INTEGER)");
  {
    SqliteTransaction transaction(database);
    database.execute("INSERT INTO t VALUES (1)");
    EXPECT_TRUE(database.in_transaction());
  }
  EXPECT_FALSE(database.in_transaction());
  {
    SqliteTransaction transaction(database);
    database.execute("INSERT INTO t VALUES (2)");
    transaction.commit();
  }
  SqliteStatement select = database.prepare("SELECT group_concat(i) FROM t");
  SqliteRows rows = select.query();
  ASSERT_TRUE(rows.next());
  EXPECT_EQ(rows.text(0), "2");
}

const SqliteSchema kTestSchema{"test store", 0x54455354, {"CREATE TABLE a (x INTEGER);", "ALTER TABLE a ADD y TEXT;"}};

TEST(Sqlite, MigrationsBringOldDatabasesUpToDateAndRefuseOthers) {
  testing::TempDir dir;
  const std::filesystem::path path = dir / "db.sqlite";
  {
    SqliteDatabase database(path);
    const SqliteSchema first_version{kTestSchema.name, kTestSchema.application_id, {kTestSchema.migrations[0]}};
    EXPECT_EQ(migrate(database, first_version), 0);
    EXPECT_EQ(schema_version(database), 1);
    database.execute("INSERT INTO a VALUES (1)");
  }
  {
    SqliteDatabase database(path);
    EXPECT_EQ(migrate(database, kTestSchema), 1);  // found version 1, applied step 2
    EXPECT_EQ(schema_version(database), 2);
    database.execute("UPDATE a SET y = ?1", "kept");
    EXPECT_EQ(migrate(database, kTestSchema), 2);  // nothing to do
  }
  {
    SqliteDatabase database(path);
    const SqliteSchema older{kTestSchema.name, kTestSchema.application_id, {kTestSchema.migrations[0]}};
    EXPECT_THROW_MESSAGE(migrate(database, older), SqliteError,
                         path.string() + ": test store schema version 2 was written by a newer depthstyle; this "
                                         "build knows versions up to 1");
    const SqliteSchema other{"prediction store", 0x1234, {"CREATE TABLE b (z INTEGER);"}};
    EXPECT_THROW_MESSAGE(migrate(database, other), SqliteError,
                         path.string() + ": not a prediction store (an SQLite database with application_id " +
                             std::to_string(0x54455354) + ", expected 4660)");
  }
  {
    SqliteDatabase foreign(dir / "foreign.sqlite");
    foreign.execute("CREATE TABLE unrelated (x INTEGER)");
    EXPECT_THROW_MESSAGE(migrate(foreign, kTestSchema), SqliteError,
                         "not a test store (an SQLite database with application_id 0");
  }
}

}  // namespace
}  // namespace depthstyle
