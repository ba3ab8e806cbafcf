#include "survey/survey_store.h"

#include "core/error.h"
#include "core/secure_random.h"
#include "core/sha256.h"
#include "survey/study_database.h"

namespace depthstyle {

SurveyStore::SurveyStore(const std::filesystem::path& database, SqliteSynchronous synchronous,
                         std::mutex& write_mutex)
    : database_([&] {
        SqliteOpenOptions options;
        options.synchronous = synchronous;
        return open_study_database(database, options);
      }()),
      folder_(study_folder_of(database)),
      write_mutex_(write_mutex),
      select_respondent_(database_->prepare(
          "SELECT id FROM respondents WHERE token_sha256 = ?1 AND origin = 'invited'")),
      insert_session_(database_->prepare(
          "INSERT INTO sessions (respondent_id, session_sha256, csrf_token, created_at) VALUES (?1, ?2, ?3, ?4)")),
      select_session_(database_->prepare(
          "SELECT s.respondent_id, r.label, s.csrf_token, r.started_at IS NOT NULL, coalesce(r.completion_code, '') "
          "FROM sessions s JOIN respondents r ON r.id = s.respondent_id WHERE s.session_sha256 = ?1")),
      update_started_(database_->prepare(
          "UPDATE respondents SET started_at = ?2 WHERE id = ?1 AND started_at IS NULL")),
      select_counts_(database_->prepare(
          "SELECT count(*), count(a.id) FROM trials t LEFT JOIN answers a ON a.trial_id = t.id "
          "WHERE t.respondent_id = ?1")),
      select_next_trial_(database_->prepare(
          "SELECT t.id, ls.public_id, rs.public_id, coalesce(lw.width, ls.width), coalesce(lw.height, ls.height), "
          "coalesce(rw.width, rs.width), coalesce(rw.height, rs.height) FROM trials t "
          "JOIN stimuli ls ON ls.id = t.left_stimulus JOIN stimuli rs ON rs.id = t.right_stimulus "
          "LEFT JOIN web_stimuli lw ON lw.stimulus_id = ls.id LEFT JOIN web_stimuli rw ON rw.stimulus_id = rs.id "
          "WHERE t.respondent_id = ?1 AND NOT EXISTS (SELECT 1 FROM answers a WHERE a.trial_id = t.id) "
          "ORDER BY t.position LIMIT 1")),
      update_shown_(database_->prepare("UPDATE trials SET shown_at_ms = ?2 WHERE id = ?1")),
      // One statement does the checks and the insert: the trial is the respondent's and was shown; a second
      // answer to a trial is ignored by the UNIQUE constraint (select_answer_state_ then tells why nothing
      // happened).
      insert_answer_(database_->prepare(
          "INSERT INTO answers (trial_id, side, chosen_method_id, response_ms, answered_at, origin) "
          "SELECT t.id, ?3, s.method_id, max(0, ?4 - t.shown_at_ms), ?5, 'server' FROM trials t "
          "JOIN stimuli s ON s.id = CASE ?3 WHEN 'left' THEN t.left_stimulus ELSE t.right_stimulus END "
          "WHERE t.id = ?1 AND t.respondent_id = ?2 AND t.shown_at_ms IS NOT NULL "
          "ON CONFLICT (trial_id) DO NOTHING")),
      select_answer_state_(database_->prepare(
          "SELECT t.shown_at_ms IS NOT NULL, a.side FROM trials t LEFT JOIN answers a ON a.trial_id = t.id "
          "WHERE t.id = ?1 AND t.respondent_id = ?2")),
      // The web-sized copy where the study has one (studies made before schema version 2 have none).
      select_stimulus_(database_->prepare(
          "SELECT coalesce(w.file, s.file), coalesce(w.media_type, s.media_type) FROM stimuli s "
          "LEFT JOIN web_stimuli w ON w.stimulus_id = s.id WHERE s.public_id = ?1")) {}

StudyTexts SurveyStore::study_texts() {
  SqliteStatement select =
      database_->prepare("SELECT name, title, question, instructions, thanks FROM studies WHERE id = 1");
  SqliteRows rows = select.query();
  if (!rows.next()) throw InputError(concat(database_->path().string(), ": the database holds no study"));
  return {rows.text(0), rows.text(1), rows.text(2), rows.text(3), rows.text(4)};
}

std::optional<std::int64_t> SurveyStore::respondent_by_token_hash(const std::string& token_sha256) {
  SqliteRows rows = select_respondent_.query(token_sha256);
  if (!rows.next()) return std::nullopt;
  return rows.integer(0);
}

std::pair<std::string, std::string> SurveyStore::open_session(std::int64_t respondent_id) {
  const std::string cookie = secure_random_hex(16);
  const std::string csrf = secure_random_hex(16);
  std::lock_guard<std::mutex> lock(write_mutex_);
  insert_session_.execute(respondent_id, sha256_hex(cookie), csrf, utc_timestamp_ms());
  return {cookie, csrf};
}

std::optional<SurveySession> SurveyStore::session(const std::string& cookie_value) {
  SqliteRows rows = select_session_.query(sha256_hex(cookie_value));
  if (!rows.next()) return std::nullopt;
  return SurveySession{rows.integer(0), rows.text(1), rows.text(2), rows.integer(3) != 0, rows.text(4)};
}

void SurveyStore::mark_started(std::int64_t respondent_id) {
  std::lock_guard<std::mutex> lock(write_mutex_);
  update_started_.execute(respondent_id, utc_timestamp_ms());
}

RespondentCounts SurveyStore::counts(std::int64_t respondent_id) {
  SqliteRows rows = select_counts_.query(respondent_id);
  rows.next();
  return {rows.integer(1), rows.integer(0)};
}

std::optional<TrialView> SurveyStore::next_trial(std::int64_t respondent_id) {
  SqliteRows rows = select_next_trial_.query(respondent_id);
  if (!rows.next()) return std::nullopt;
  return TrialView{rows.integer(0), rows.text(1), rows.text(2), rows.integer(3),
                   rows.integer(4), rows.integer(5), rows.integer(6)};
}

void SurveyStore::mark_shown(std::int64_t trial_id, std::int64_t now_ms) {
  std::lock_guard<std::mutex> lock(write_mutex_);
  update_shown_.execute(trial_id, now_ms);
}

AnswerOutcome SurveyStore::record_answer(std::int64_t respondent_id, std::int64_t trial_id, const std::string& side,
                                         std::int64_t now_ms) {
  DEPTHSTYLE_ASSERT(side == "left" || side == "right");
  {
    std::lock_guard<std::mutex> lock(write_mutex_);
    insert_answer_.execute(trial_id, respondent_id, side, now_ms, utc_timestamp_ms());
    if (database_->changes() == 1) return AnswerOutcome::kRecorded;
  }
  // Nothing was inserted; the state that explains it can no longer change (answers are never updated).
  SqliteRows rows = select_answer_state_.query(trial_id, respondent_id);
  if (!rows.next()) return AnswerOutcome::kUnknownTrial;
  if (rows.is_null(1)) return rows.integer(0) ? AnswerOutcome::kUnknownTrial : AnswerOutcome::kNotShown;
  return rows.text(1) == side ? AnswerOutcome::kSameAgain : AnswerOutcome::kOtherSide;
}

StudyProgress SurveyStore::progress() { return study_progress(*database_); }

std::optional<StimulusFile> SurveyStore::stimulus(const std::string& public_id) {
  SqliteRows rows = select_stimulus_.query(public_id);
  if (!rows.next()) return std::nullopt;
  return StimulusFile{folder_ / rows.text(0), rows.text(1)};
}

SurveyStorePool::SurveyStorePool(const std::filesystem::path& database, SqliteSynchronous synchronous, int size) {
  DEPTHSTYLE_ASSERT(size >= 1);
  for (int i = 0; i < size; ++i) idle_.push_back(std::make_unique<SurveyStore>(database, synchronous, write_mutex_));
}

SurveyStorePool::Lease SurveyStorePool::acquire() {
  std::unique_lock<std::mutex> lock(mutex_);
  available_.wait(lock, [&] { return !idle_.empty(); });
  std::unique_ptr<SurveyStore> store = std::move(idle_.back());
  idle_.pop_back();
  return Lease(*this, std::move(store));
}

SurveyStorePool::Lease::~Lease() {
  std::lock_guard<std::mutex> lock(pool_.mutex_);
  pool_.idle_.push_back(std::move(store_));
  pool_.available_.notify_one();
}

}  // namespace depthstyle
