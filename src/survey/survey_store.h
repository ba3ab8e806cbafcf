// What the survey server reads and writes in a study database, as prepared statements on one connection, and a
// pool of such connections shared by the server's threads.
//
// Durability: record_answer() returns only after its INSERT committed, and the server writes the response after
// that, so an acknowledged answer is in the WAL file before the respondent sees the next page. With
// SqliteSynchronous::kNormal that survives any crash of the process (SIGKILL included), not a power loss; kFull
// survives a power loss too (db/sqlite.h). Writes from the pool's connections take one in-process mutex, so they
// queue in memory instead of waiting in SQLite's busy handler (which sleeps in steps of milliseconds).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "db/sqlite.h"
#include "survey/study_status.h"

namespace depthstyle {

struct StudyTexts {
  std::string name;
  std::string title;
  std::string question;
  std::string instructions;
  std::string thanks;
};

struct SurveySession {
  std::int64_t respondent_id = 0;
  std::string respondent;  // label
  std::string csrf_token;
  bool started = false;
  std::string completion_code;
};

struct TrialView {
  std::int64_t trial_id = 0;
  std::string left_image;  // stimulus public ids
  std::string right_image;
  std::int64_t left_width = 0, left_height = 0, right_width = 0, right_height = 0;  // of the served files, pixels
};

struct RespondentCounts {
  std::int64_t answered = 0;
  std::int64_t trials = 0;
};

enum class AnswerOutcome {
  kRecorded,       // a new answer
  kSameAgain,      // the trial was answered already with this side (a double click or a replay)
  kOtherSide,      // the trial was answered already with the other side; the first answer stands
  kUnknownTrial,   // no such trial, or another respondent's
  kNotShown,       // the trial's page was never served
};

struct StimulusFile {
  std::filesystem::path path;
  std::string media_type;
};

class SurveyStore {
 public:
  // `write_mutex` serialises the writes of every store of one process.
  SurveyStore(const std::filesystem::path& database, SqliteSynchronous synchronous, std::mutex& write_mutex);

  StudyTexts study_texts();
  // The invited respondent whose token hashes to `token_sha256`.
  std::optional<std::int64_t> respondent_by_token_hash(const std::string& token_sha256);
  // A new session for the respondent; returns {session cookie value, CSRF token} (128 random bits each; only the
  // cookie's hash is stored).
  std::pair<std::string, std::string> open_session(std::int64_t respondent_id);
  std::optional<SurveySession> session(const std::string& cookie_value);
  void mark_started(std::int64_t respondent_id);
  RespondentCounts counts(std::int64_t respondent_id);
  // The unanswered trial with the lowest position, or none when all are answered.
  std::optional<TrialView> next_trial(std::int64_t respondent_id);
  // Records that the trial's page was served now (response times count from the last time).
  void mark_shown(std::int64_t trial_id, std::int64_t now_ms);
  // Records side "left"/"right" for the respondent's trial; the method is the one shown on that side, the
  // response time the time since the trial was last shown.
  AnswerOutcome record_answer(std::int64_t respondent_id, std::int64_t trial_id, const std::string& side,
                              std::int64_t now_ms);
  // Progress per respondent, for the status page.
  StudyProgress progress();
  // A stimulus by its public id: the file browsers get inside the study folder (its web-sized copy, if any).
  std::optional<StimulusFile> stimulus(const std::string& public_id);

 private:
  std::unique_ptr<SqliteDatabase> database_;
  std::filesystem::path folder_;
  std::mutex& write_mutex_;
  SqliteStatement select_respondent_;
  SqliteStatement insert_session_;
  SqliteStatement select_session_;
  SqliteStatement update_started_;
  SqliteStatement select_counts_;
  SqliteStatement select_next_trial_;
  SqliteStatement update_shown_;
  SqliteStatement insert_answer_;
  SqliteStatement select_answer_state_;
  SqliteStatement select_stimulus_;
};

// `size` stores on one database; acquire() lends one to the calling thread (waiting if all are lent).
class SurveyStorePool {
 public:
  SurveyStorePool(const std::filesystem::path& database, SqliteSynchronous synchronous, int size);

  class Lease {
   public:
    Lease(SurveyStorePool& pool, std::unique_ptr<SurveyStore> store) : pool_(pool), store_(std::move(store)) {}
    ~Lease();
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    SurveyStore* operator->() { return store_.get(); }

   private:
    SurveyStorePool& pool_;
    std::unique_ptr<SurveyStore> store_;
  };
  Lease acquire();

 private:
  std::mutex write_mutex_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<SurveyStore>> idle_;
};

}  // namespace depthstyle
