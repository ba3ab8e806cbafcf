// The study database and the two commands that fill it before anyone answers: `survey create` (a self-contained
// study folder from a style-grid run) and `survey invite` (respondents with tokens of which only hashes are kept).
// The grid run is written in its real format by survey_fixture.h.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <opencv2/imgproc.hpp>

#include <set>

#include "core/atomic_file.h"
#include "core/secure_random.h"
#include "core/sha256.h"
#include "io/image.h"
#include "survey/invitations.h"
#include "survey/study_database.h"
#include "survey/study_schema.h"
#include "survey_fixture.h"

namespace depthstyle {
namespace {

using testing::TempDir;

std::int64_t count_rows(SqliteDatabase& database, const std::string& sql) {
  SqliteStatement select = database.prepare(sql);
  SqliteRows rows = select.query();
  return rows.next() ? rows.integer(0) : -1;
}

std::string text_value(SqliteDatabase& database, const std::string& sql) {
  SqliteStatement select = database.prepare(sql);
  SqliteRows rows = select.query();
  return rows.next() ? rows.text(0) : "";
}

// ---- schema ----

TEST(SurveySchema, OneAnswerPerTrialAndAnswersMatchTheShownSide) {
  TempDir dir;
  const StudyCreateSummary created =
      create_study(testing::small_study_options(write_synthetic_grid_run(dir / "grid"), dir.path()), "# config\n");
  const std::unique_ptr<SqliteDatabase> database = open_study_database(created.folder / "study.sqlite");
  EXPECT_EQ(schema_version(*database), 2);
  invite_respondents(*database, 1, "http://127.0.0.1:8080");
  const std::int64_t trial = count_rows(*database, "SELECT min(id) FROM trials");
  const std::int64_t left_method = count_rows(
      *database, "SELECT s.method_id FROM trials t JOIN stimuli s ON s.id = t.left_stimulus WHERE t.id = " +
                     std::to_string(trial));
  const std::int64_t right_method = count_rows(
      *database, "SELECT s.method_id FROM trials t JOIN stimuli s ON s.id = t.right_stimulus WHERE t.id = " +
                     std::to_string(trial));
  const char* insert =
      "INSERT INTO answers (trial_id, side, chosen_method_id, response_ms, answered_at, origin) "
      "VALUES (?1, ?2, ?3, 1200, 't', 'test')";
  // The method of the other side is refused by a trigger; the right one is accepted once.
  EXPECT_THROW_MESSAGE(database->execute(insert, trial, "left", right_method), SqliteError,
                       "chosen_method_id must be the method shown on the chosen side");
  database->execute(insert, trial, "left", left_method);
  try {
    database->execute(insert, trial, "left", left_method);
    ADD_FAILURE() << "a second answer was accepted";
  } catch (const SqliteError& error) {
    EXPECT_EQ(error.code(), SQLITE_CONSTRAINT_UNIQUE);
    EXPECT_NE(std::string(error.what()).find("UNIQUE constraint failed: answers.trial_id"), std::string::npos);
  }
  // (The trigger reads anything but 'left' as the right side; the CHECK constraint then refuses the side itself.)
  EXPECT_THROW_MESSAGE(database->execute(insert, trial, "middle", right_method), SqliteError,
                       "CHECK constraint failed");
  EXPECT_THROW_MESSAGE(database->execute("UPDATE answers SET side = 'right'"), SqliteError,
                       "an answer is never changed");
  EXPECT_THROW_MESSAGE(database->execute("DELETE FROM answers"), SqliteError, "an answer is never deleted");
  EXPECT_EQ(count_rows(*database, "SELECT count(*) FROM answers"), 1);
  // A trial must show the two stimuli of its comparison.
  EXPECT_THROW_MESSAGE(
      database->execute("INSERT INTO trials (respondent_id, position, label, comparison_id, left_stimulus, "
                        "right_stimulus) SELECT respondent_id, 99, '99', comparison_id, left_stimulus, left_stimulus "
                        "FROM trials WHERE id = ?1",
                        trial),
      SqliteError, "left and right stimuli must be the two stimuli of the comparison");
}

TEST(SurveySchema, AStudyMigratesToALaterVersionKeepingItsDataAndAnOlderBuildRefusesIt) {
  TempDir dir;
  const StudyCreateSummary created =
      create_study(testing::small_study_options(write_synthetic_grid_run(dir / "grid"), dir.path()), "# config\n");
  const std::filesystem::path path = created.folder / "study.sqlite";
  // A hypothetical version 3 of the schema: versions 1 and 2's steps, then one more.
  SqliteSchema next = study_schema();
  next.migrations.push_back("ALTER TABLE respondents ADD COLUMN note TEXT NOT NULL DEFAULT '';");
  {
    SqliteDatabase database(path);
    EXPECT_EQ(migrate(database, next), 2);  // found version 2, applied step 3
    EXPECT_EQ(schema_version(database), 3);
    EXPECT_EQ(count_rows(database, "SELECT count(*) FROM comparisons"), 7);  // 6 pairs + 1 sentinel, kept
  }
  EXPECT_THROW_MESSAGE(open_study_database(path), SqliteError,
                       "depthstyle user-study database schema version 3 was written by a newer depthstyle; this "
                       "build knows versions up to 2");
  testing::write_text(dir / "other.sqlite", "");
  {
    SqliteDatabase other(dir / "other.sqlite");
    other.execute("CREATE TABLE x (y INTEGER)");
  }
  EXPECT_THROW_MESSAGE(open_study_database(dir / "other.sqlite"), SqliteError,
                       "not a depthstyle user-study database");
}

// ---- survey create ----

TEST(SurveyCreate, MakesASelfContainedStudyFolderFromTheGridRun) {
  TempDir dir;
  const std::filesystem::path grid = write_synthetic_grid_run(dir / "grid");
  const StudyCreateSummary created =
      create_study(testing::small_study_options(grid, dir / "studies"), "# the resolved config\n");
  EXPECT_EQ(created.folder, dir / "studies" / "study");
  EXPECT_EQ(created.candidate_pairs, 6u);
  EXPECT_EQ(created.pairs, 6u);
  EXPECT_EQ(created.sentinels, 1u);
  EXPECT_EQ(created.trials_per_respondent, 9u);  // 6 pairs + 1 sentinel + 2 repeats
  EXPECT_FALSE(created.reproduces_paper);
  EXPECT_EQ(read_file(created.folder / "config.yaml"), "# the resolved config\n");
  EXPECT_FALSE(std::filesystem::exists(dir / "studies" / "study.partial"));

  const std::unique_ptr<SqliteDatabase> database = open_study_database(created.folder / "study.sqlite");
  EXPECT_EQ(text_value(*database, "SELECT group_concat(name || ':' || role, ' ') FROM methods ORDER BY id"),
            "adain:baseline da-adain:proposed degraded:degraded");
  // Every main comparison: the adain image first, the da-adain image of the same content/style second.
  EXPECT_EQ(text_value(*database, "SELECT group_concat(name, ' ') FROM comparisons WHERE kind = 'main' ORDER BY id"),
            "content=c0,style=s0,content_size=256,style_size=128 content=c0,style=s1,content_size=256,style_size=128 "
            "content=c0,style=s2,content_size=256,style_size=128 content=c1,style=s0,content_size=256,style_size=128 "
            "content=c1,style=s1,content_size=256,style_size=128 content=c1,style=s2,content_size=256,style_size=128");
  SqliteStatement stimuli = database->prepare(
      "SELECT s.file, s.sha256, s.public_id, s.width, s.height, s.media_type, m.name, s.source FROM stimuli s "
      "JOIN methods m ON m.id = s.method_id ORDER BY s.id");
  std::set<std::string> public_ids;
  int count = 0;
  for (SqliteRows rows = stimuli.query(); rows.next(); ++count) {
    // The copy in the study folder is named by, and has, the recorded sha256.
    const std::filesystem::path file = created.folder / rows.text(0);
    EXPECT_EQ(rows.text(0), "stimuli/" + rows.text(1) + ".png");
    EXPECT_EQ(sha256_hex_of_file(file), rows.text(1));
    EXPECT_TRUE(is_lower_hex(rows.text(2), 32)) << rows.text(2);
    public_ids.insert(rows.text(2));
    EXPECT_EQ(rows.integer(3), 40);
    EXPECT_EQ(rows.integer(4), 30);
    EXPECT_EQ(rows.text(5), "image/png");
    const nlohmann::json source = nlohmann::json::parse(rows.text(7));
    if (rows.text(6) == "degraded") {
      EXPECT_EQ(source.at("noise_sd").get<double>(), 0.15);
      EXPECT_DOUBLE_EQ(source.at("blur_sd_px").get<double>(), 0.03 * 30);
      continue;
    }
    // The grid row travels with the copy, and the original is byte-identical.
    EXPECT_EQ(source.at("grid_row").at("method").get<std::string>(), rows.text(6));
    EXPECT_EQ(read_file(source.at("grid_file").get<std::string>()), read_file(file));
  }
  EXPECT_EQ(count, 13);  // 12 grid images + 1 degraded
  EXPECT_EQ(public_ids.size(), 13u);
  EXPECT_EQ(text_value(*database, "SELECT name FROM comparisons WHERE kind = 'sentinel'").rfind("sentinel:content=", 0),
            0u);
  EXPECT_EQ(count_rows(*database, "SELECT count(*) FROM respondents"), 0);
}

TEST(SurveyCreate, TheDatabaseIsReadableByItsOwnerOnly) {
  // study.sqlite holds completion codes: mode 0600 whatever the umask allows (issue 16 item 4); SQLite gives its
  // -wal and -shm files the same mode.
  TempDir dir;
  const std::filesystem::path grid = write_synthetic_grid_run(dir / "grid");
  const StudyCreateSummary created = create_study(testing::small_study_options(grid, dir / "studies"), "");
  const auto mode = [](const std::filesystem::path& path) {
    return std::filesystem::status(path).permissions() & std::filesystem::perms::all;
  };
  const std::filesystem::path database_path = created.folder / "study.sqlite";
  EXPECT_EQ(mode(database_path), std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  const std::unique_ptr<SqliteDatabase> database = open_study_database(database_path);
  ASSERT_TRUE(std::filesystem::exists(database_path.string() + "-wal"));
  EXPECT_EQ(mode(database_path.string() + "-wal"),
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

TEST(SurveyCreate, StimuliGetWebSizedJpegCopiesAndTheOriginalsStay) {
  TempDir dir;
  SyntheticGridRun large;
  large.contents = 1;
  large.styles = 2;
  large.width = 2000;
  large.height = 1500;
  const std::filesystem::path grid = write_synthetic_grid_run(dir / "grid", large);
  StudyOptions options = testing::small_study_options(grid, dir / "studies");
  options.repeats = 0;
  const StudyCreateSummary created = create_study(options, "");
  const std::unique_ptr<SqliteDatabase> database = open_study_database(created.folder / "study.sqlite");
  SqliteStatement copies = database->prepare(
      "SELECT s.file, s.sha256, s.width, s.height, w.file, w.sha256, w.media_type, w.width, w.height FROM stimuli s "
      "JOIN web_stimuli w ON w.stimulus_id = s.id ORDER BY s.id");
  int count = 0;
  for (SqliteRows rows = copies.query(); rows.next(); ++count) {
    // The original stays as it was: full size, PNG, what the analysis and the reports read.
    const std::string original = read_file(created.folder / rows.text(0));
    EXPECT_EQ(sha256_hex(original), rows.text(1));
    EXPECT_EQ(rows.integer(2), 2000);
    EXPECT_EQ(rows.integer(3), 1500);
    // The copy: a JPEG at the display size, named by and hashed like the originals.
    const std::string web = read_file(created.folder / rows.text(4));
    EXPECT_EQ(rows.text(4), "stimuli/web/" + rows.text(5) + ".jpg");
    EXPECT_EQ(sha256_hex(web), rows.text(5));
    EXPECT_EQ(rows.text(6), "image/jpeg");
    EXPECT_EQ(rows.integer(7), 1024);
    EXPECT_EQ(rows.integer(8), 768);
    const cv::Mat decoded = decode_image_as_stored(web, "web copy");
    EXPECT_EQ(decoded.cols, 1024);
    EXPECT_EQ(decoded.rows, 768);
    EXPECT_LT(web.size() * 8, original.size()) << web.size() << " vs " << original.size();
  }
  EXPECT_EQ(count, 5);  // 4 grid images + 1 degraded
  EXPECT_EQ(count_rows(*database, "SELECT count(*) FROM stimuli"), 5);
}

TEST(SurveyCreate, SmallStimuliAreNotEnlargedAndMaxSideZeroKeepsTheSize) {
  TempDir dir;
  StudyOptions options = testing::small_study_options(write_synthetic_grid_run(dir / "grid"), dir / "studies");
  const StudyCreateSummary small = create_study(options, "");
  EXPECT_EQ(text_value(*open_study_database(small.folder / "study.sqlite"),
                       "SELECT group_concat(DISTINCT w.width || 'x' || w.height) FROM web_stimuli w"),
            "40x30");
  SyntheticGridRun large;
  large.width = 1100;
  large.height = 200;
  options = testing::small_study_options(write_synthetic_grid_run(dir / "large", large), dir / "studies", "kept");
  options.web.max_side = 0;
  const StudyCreateSummary kept = create_study(options, "");
  EXPECT_EQ(text_value(*open_study_database(kept.folder / "study.sqlite"),
                       "SELECT group_concat(DISTINCT w.width || 'x' || w.height) FROM web_stimuli w"),
            "1100x200");
}

TEST(SurveyCreate, SentinelImagesAreBlurredNoisyCopiesMadeTheSameWayEveryTime) {
  TempDir dir;
  SyntheticGridRun larger;
  larger.width = 96;
  larger.height = 64;
  const std::filesystem::path grid = write_synthetic_grid_run(dir / "grid", larger);
  StudyOptions options = testing::small_study_options(grid, dir.path(), "one");
  options.sentinels = 3;
  const StudyCreateSummary first = create_study(options, "");
  options.name = "two";
  const StudyCreateSummary second = create_study(options, "");
  const auto sentinel_files = [](const std::filesystem::path& folder) {
    const std::unique_ptr<SqliteDatabase> database = open_study_database(folder / "study.sqlite");
    std::vector<std::pair<std::string, std::string>> files;  // good, degraded
    SqliteStatement select = database->prepare(
        "SELECT g.file, d.file FROM comparisons c JOIN stimuli g ON g.id = c.first_stimulus "
        "JOIN stimuli d ON d.id = c.second_stimulus WHERE c.kind = 'sentinel' AND c.expected_stimulus = g.id "
        "ORDER BY c.id");
    for (SqliteRows rows = select.query(); rows.next();) {
      files.emplace_back(rows.text(0), rows.text(1));
    }
    return files;
  };
  const auto files = sentinel_files(first.folder);
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files, sentinel_files(second.folder));  // same seed, same degraded bytes (files named by sha256)
  for (const auto& [good_file, degraded_file] : files) {
    const cv::Mat good = load_image(first.folder / good_file).rgb;
    const cv::Mat degraded = load_image(first.folder / degraded_file).rgb;
    ASSERT_EQ(good.size(), degraded.size());
    // Blur removes the one-pixel checker pattern of the blue channel; noise adds its own roughness. The copy is far
    // from the original: mean absolute difference above 0.05 of the range.
    EXPECT_GT(cv::norm(good, degraded, cv::NORM_L1) / (good.total() * 3), 0.05);
  }
}

TEST(SurveyCreate, PairsCountDrawsASeededSubset) {
  TempDir dir;
  SyntheticGridRun twenty_pairs;
  twenty_pairs.contents = 4;
  twenty_pairs.styles = 5;
  const std::filesystem::path grid = write_synthetic_grid_run(dir / "grid", twenty_pairs);
  StudyOptions options = testing::small_study_options(grid, dir.path(), "a");
  options.pairs = 6;
  const auto names = [&](const StudyOptions& study) {
    const std::unique_ptr<SqliteDatabase> database =
        open_study_database(create_study(study, "").folder / "study.sqlite");
    return text_value(*database, "SELECT group_concat(name, ' ') FROM comparisons WHERE kind = 'main' ORDER BY id");
  };
  const std::string drawn = names(options);
  options.name = "b";
  EXPECT_EQ(names(options), drawn);
  options.name = "c";
  options.pairs_seed = 12345;
  EXPECT_NE(names(options), drawn);
  EXPECT_EQ(std::count(drawn.begin(), drawn.end(), ' '), 5);
}

TEST(SurveyCreate, ErrorsNameTheGridFileOrTheConfigKey) {
  TempDir dir;
  SyntheticGridRun sweep;
  sweep.contents = 1;
  sweep.styles = 2;
  sweep.betas = {5, 20};
  const std::filesystem::path grid = write_synthetic_grid_run(dir / "grid", sweep);
  StudyOptions options = testing::small_study_options(grid, dir.path());
  options.repeats = 0;
  options.sentinels = 0;
  EXPECT_THROW_MESSAGE(create_study(options, ""), ConfigError,
                       "content=c0,style=s0,content_size=256,style_size=128: 2 da-adain images (depth=map,beta=5,"
                       "eps=0.15; depth=map,beta=20,eps=0.15); choose one with stimuli.content_weight / stimuli.depth "
                       "/ stimuli.beta / stimuli.eps");
  options.stimuli.beta = 7;
  EXPECT_THROW_MESSAGE(create_study(options, ""), ConfigError,
                       "no da-adain image passes the filters stimuli.content_weight/depth/beta/eps (the grid has: "
                       "da-adain depth=map,beta=5,eps=0.15; da-adain depth=map,beta=20,eps=0.15)");
  options.stimuli.beta = 20;
  options.pairs = 3;
  EXPECT_THROW_MESSAGE(create_study(options, ""), ConfigError, "'pairs.count' is 3 but " + grid.string() +
                                                                   " has only 2 adain/da-adain pairs");
  options.pairs = 0;
  options.stimuli.proposed = "da-adian";
  EXPECT_THROW_MESSAGE(create_study(options, ""), ConfigError,
                       "'stimuli.proposed': method 'da-adian' has no image in " + (grid / "results.json").string() +
                           " (methods there: adain, da-adain) (did you mean 'da-adain'?)");
  options.stimuli.proposed = "da-adain";
  options.name = "../escape";
  EXPECT_THROW_MESSAGE(create_study(options, ""), ConfigError, "'name': '../escape' cannot name a study folder");
  options.name = "../" + std::string(100000, 'x');  // quoted as its first 200 characters, not in full
  EXPECT_THROW_MESSAGE(create_study(options, ""), ConfigError,
                       "'name': '../" + std::string(197, 'x') +
                           "... (100003 bytes in all)' cannot name a study folder");
  options.name = "study";
  options.stimuli.grid_run = (dir / "nothing").string();
  EXPECT_THROW_MESSAGE(create_study(options, ""), InputError,
                       (dir / "nothing").string() + ": no such folder; 'stimuli.grid_run' must be a finished "
                                                    "style_grid run folder");
  options.stimuli.grid_run = grid.string();

  // A failed cell, an unfinished run, a missing image.
  nlohmann::json rows = nlohmann::json::parse(read_file(grid / "results.json"));
  rows[2]["status"] = "failed";  // the beta 20 cell of the first pair
  rows[2]["error"] = "out of memory";
  testing::write_text(grid / "results.json", rows.dump());
  EXPECT_THROW_MESSAGE(create_study(options, ""), InputError,
                       (grid / "results.json").string() + " row 3: cell '" + rows[2]["key"].get<std::string>() +
                           "' failed (out of memory); finish the grid");
  rows[2]["status"] = "ok";
  testing::write_text(grid / "results.json", rows.dump());
  std::filesystem::remove(grid / rows[0]["output"].get<std::string>());
  EXPECT_THROW_MESSAGE(create_study(options, ""), InputError, "is missing from the grid run");
  nlohmann::json manifest = nlohmann::json::parse(read_file(grid / "manifest.json"));
  manifest["status"] = "interrupted";
  testing::write_text(grid / "manifest.json", manifest.dump());
  EXPECT_THROW_MESSAGE(create_study(options, ""), InputError, "the run's status is 'interrupted'; finish it first");
  EXPECT_FALSE(std::filesystem::exists(dir / "study"));
  EXPECT_FALSE(std::filesystem::exists(dir / "study.partial"));
}

TEST(SurveyCreate, RefusesToReplaceAnExistingStudy) {
  TempDir dir;
  const StudyOptions options = testing::small_study_options(write_synthetic_grid_run(dir / "grid"), dir.path());
  create_study(options, "");
  EXPECT_THROW_MESSAGE(create_study(options, ""), UsageError,
                       (dir / "study").string() + " already exists; remove it or choose another output folder");
}

// ---- survey invite ----

TEST(SurveyInvite, TokensAre128RandomBitsAndOnlyTheirHashesAreStored) {
  TempDir dir;
  const StudyCreateSummary created =
      create_study(testing::small_study_options(write_synthetic_grid_run(dir / "grid"), dir.path()), "");
  const std::filesystem::path path = created.folder / "study.sqlite";
  std::vector<Invitation> invitations;
  {
    const std::unique_ptr<SqliteDatabase> database = open_study_database(path);
    invitations = invite_respondents(*database, 3, "http://10.0.0.5:9000/");
    ASSERT_EQ(invitations.size(), 3u);
    std::set<std::string> tokens;
    for (std::size_t i = 0; i < invitations.size(); ++i) {
      const Invitation& invitation = invitations[i];
      EXPECT_EQ(invitation.respondent, concat("r00", i + 1));
      EXPECT_TRUE(is_lower_hex(invitation.token, 32)) << invitation.token;
      tokens.insert(invitation.token);
      EXPECT_EQ(invitation.link, "http://10.0.0.5:9000/i/" + invitation.token);
      EXPECT_EQ(invitation.completion_code.size(), 11u);
      EXPECT_EQ(invitation.completion_code[5], '-');
      EXPECT_EQ(text_value(*database, "SELECT token_sha256 FROM respondents WHERE label = '" +
                                          invitation.respondent + "'"),
                sha256_hex(invitation.token));
    }
    EXPECT_EQ(tokens.size(), 3u);
    EXPECT_EQ(count_rows(*database, "SELECT count(*) FROM trials"), 27);
  }
  // No token appears anywhere in the database file (the connection is closed, so the WAL is checkpointed).
  const std::string bytes = read_file(path);
  for (const Invitation& invitation : invitations) {
    EXPECT_EQ(bytes.find(invitation.token), std::string::npos);
    EXPECT_NE(bytes.find(sha256_hex(invitation.token)), std::string::npos);
  }
  EXPECT_EQ(invitations_csv(invitations).substr(0, 32), "respondent,link,completion_code\n");
  EXPECT_NE(invitations_csv(invitations).find("r002,http://10.0.0.5:9000/i/" + invitations[1].token + "," +
                                              invitations[1].completion_code + "\n"),
            std::string::npos);
}

TEST(SurveyInvite, InvitingInStepsGivesTheSameSequencesAsAllAtOnce) {
  TempDir dir;
  const std::filesystem::path grid = write_synthetic_grid_run(dir / "grid");
  const auto trials_of = [](const std::filesystem::path& folder) {
    const std::unique_ptr<SqliteDatabase> database = open_study_database(folder / "study.sqlite");
    return text_value(*database,
                      "SELECT group_concat(r.label || ':' || t.position || ':' || c.name || ':' || "
                      "(t.left_stimulus = c.first_stimulus) || ':' || coalesce(o.position, '-'), ' ') FROM trials t "
                      "JOIN respondents r ON r.id = t.respondent_id JOIN comparisons c ON c.id = t.comparison_id "
                      "LEFT JOIN trials o ON o.id = t.repeat_of ORDER BY r.id, t.position");
  };
  const StudyCreateSummary at_once = create_study(testing::small_study_options(grid, dir.path(), "at_once"), "");
  const StudyCreateSummary in_steps = create_study(testing::small_study_options(grid, dir.path(), "in_steps"), "");
  {
    const std::unique_ptr<SqliteDatabase> database = open_study_database(at_once.folder / "study.sqlite");
    invite_respondents(*database, 3, "http://127.0.0.1:8080");
  }
  {
    const std::unique_ptr<SqliteDatabase> database = open_study_database(in_steps.folder / "study.sqlite");
    invite_respondents(*database, 2, "http://127.0.0.1:8080");
    invite_respondents(*database, 1, "http://127.0.0.1:8080");
  }
  const std::string sequences = trials_of(at_once.folder);
  EXPECT_EQ(sequences, trials_of(in_steps.folder));
  EXPECT_NE(sequences.find("r003:9:"), std::string::npos);
  EXPECT_EQ(sequences.find("r004"), std::string::npos);
}

TEST(SurveyInvite, RefusesABaseUrlThatIsNotHttp) {
  TempDir dir;
  const StudyCreateSummary created =
      create_study(testing::small_study_options(write_synthetic_grid_run(dir / "grid"), dir.path()), "");
  const std::unique_ptr<SqliteDatabase> database = open_study_database(created.folder / "study.sqlite");
  EXPECT_THROW_MESSAGE(invite_respondents(*database, 1, "javascript:alert(1)"), UsageError,
                       "--base-url 'javascript:alert(1)': expected http://HOST[:PORT]");
  EXPECT_THROW_MESSAGE(invite_respondents(*database, 1, "http://a\"b"), UsageError, "expected http://HOST[:PORT]");
  EXPECT_THROW_MESSAGE(invite_respondents(*database, 1, "https://example.org/study"), UsageError,
                       "--base-url 'https://example.org/study': expected http://HOST[:PORT] or https://HOST[:PORT], "
                       "without a path (the survey's pages live at the server's root; a proxy needs a host of its "
                       "own)");
  EXPECT_THROW_MESSAGE(invite_respondents(*database, 1, "http://"), UsageError, "expected http://HOST[:PORT]");
  // A long value is quoted as its first 200 characters (core/text.h's excerpt), not in full.
  EXPECT_THROW_MESSAGE(invite_respondents(*database, 1, "https://h/" + std::string(5000, 'p')), UsageError,
                       "--base-url 'https://h/" + std::string(190, 'p') + "... (5010 bytes in all)': expected");
  EXPECT_THROW_MESSAGE(invite_respondents(*database, 1, "http://user@evil.example"), UsageError,
                       "expected http://HOST[:PORT]");
  EXPECT_EQ(count_rows(*database, "SELECT count(*) FROM respondents"), 0);
}

}  // namespace
}  // namespace depthstyle
