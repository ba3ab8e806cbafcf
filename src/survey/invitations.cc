#include "survey/invitations.h"

#include <cstdio>

#include "core/error.h"
#include "core/secure_random.h"
#include "core/sha256.h"
#include "core/text.h"
#include "report/result_table.h"
#include "survey/study_database.h"
#include "survey/study_design.h"

namespace depthstyle {
namespace {

std::vector<std::int64_t> comparison_ids(SqliteDatabase& database, const char* kind) {
  std::vector<std::int64_t> ids;
  SqliteStatement select = database.prepare("SELECT id FROM comparisons WHERE kind = ?1 ORDER BY id");
  for (SqliteRows rows = select.query(kind); rows.next();) ids.push_back(rows.integer(0));
  return ids;
}

// base_url without trailing slashes; it must be http(s)://HOST[:PORT]. No path after the host: the server's pages
// link to root paths (/survey, /answer, /image/...), which a path prefix on a proxy would break.
std::string checked_base_url(const std::string& base_url) {
  std::string base = base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  const std::size_t scheme_end = base.find("://");
  const std::string scheme = scheme_end == std::string::npos ? "" : base.substr(0, scheme_end);
  const std::string host = scheme_end == std::string::npos ? "" : base.substr(scheme_end + 3);
  if ((scheme != "http" && scheme != "https") || host.empty() ||
      host.find_first_of("/?#@ \t\r\n\"<>\\") != std::string::npos) {
    throw UsageError(concat("--base-url '", excerpt(base_url), "': expected http://HOST[:PORT] or ",
                            "https://HOST[:PORT], without a path (the survey's pages live at the server's root; a "
                            "proxy needs a host of its own)"));
  }
  return base;
}

StudyDesign stored_design(SqliteDatabase& database) {
  SqliteStatement select = database.prepare("SELECT design FROM studies WHERE id = 1");
  SqliteRows rows = select.query();
  if (!rows.next()) throw InputError(concat(database.path().string(), ": the database holds no study"));
  return study_design_from_json(nlohmann::json::parse(rows.text(0)), database.path().string());
}

std::size_t invited_count(SqliteDatabase& database) {
  SqliteStatement select = database.prepare("SELECT count(*) FROM respondents WHERE origin = 'invited'");
  SqliteRows rows = select.query();
  rows.next();
  return static_cast<std::size_t>(rows.integer(0));
}

// The trials of respondent number `index` as the design plans them (order, sides, repeats).
class TrialWriter {
 public:
  TrialWriter(SqliteDatabase& database, const StudyDesign& design)
      : database_(database),
        design_(design),
        main_ids_(comparison_ids(database, "main")),
        sentinel_ids_(comparison_ids(database, "sentinel")),
        comparison_stimuli_(
            database.prepare("SELECT first_stimulus, second_stimulus FROM comparisons WHERE id = ?1")),
        add_trial_(database.prepare(
            "INSERT INTO trials (respondent_id, position, label, comparison_id, left_stimulus, right_stimulus, "
            "repeat_of) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")) {
    if (main_ids_.size() != design.main_count || sentinel_ids_.size() != design.sentinel_count) {
      throw InputError(concat(database.path().string(), ": the design plans ", design.main_count, " main and ",
                              design.sentinel_count, " sentinel comparisons, the database holds ", main_ids_.size(),
                              " and ", sentinel_ids_.size()));
    }
  }

  void add_trials(std::int64_t respondent_id, std::size_t index) {
    const std::vector<PlannedTrial> plan = plan_trials(design_, index);
    std::vector<std::int64_t> trial_ids;
    for (std::size_t position = 0; position < plan.size(); ++position) {
      const PlannedTrial& trial = plan[position];
      const std::int64_t comparison = trial.comparison < design_.main_count
                                          ? main_ids_[trial.comparison]
                                          : sentinel_ids_[trial.comparison - design_.main_count];
      SqliteRows rows = comparison_stimuli_.query(comparison);
      rows.next();
      const std::int64_t first = rows.integer(0), second = rows.integer(1);
      std::optional<std::int64_t> repeat_of;
      if (trial.repeat_of) repeat_of = trial_ids.at(*trial.repeat_of);
      add_trial_.execute(respondent_id, static_cast<std::int64_t>(position + 1), std::to_string(position + 1),
                         comparison, trial.first_on_left ? first : second, trial.first_on_left ? second : first,
                         repeat_of);
      trial_ids.push_back(database_.last_insert_rowid());
    }
  }

 private:
  SqliteDatabase& database_;
  const StudyDesign& design_;
  std::vector<std::int64_t> main_ids_, sentinel_ids_;
  SqliteStatement comparison_stimuli_;
  SqliteStatement add_trial_;
};

}  // namespace

std::string invitation_path(const std::string& token) { return "/i/" + token; }

std::vector<Invitation> invite_respondents(SqliteDatabase& database, std::size_t count, const std::string& base_url) {
  const std::string base = checked_base_url(base_url);
  SqliteTransaction transaction(database);
  const StudyDesign design = stored_design(database);
  TrialWriter trials(database, design);
  const std::size_t invited = invited_count(database);
  SqliteStatement add_respondent = database.prepare(
      "INSERT INTO respondents (label, origin, token_sha256, completion_code, created_at) "
      "VALUES (?1, 'invited', ?2, ?3, ?4)");
  const std::string now = utc_timestamp_ms();
  std::vector<Invitation> invitations;
  for (std::size_t k = 0; k < count; ++k) {
    const std::size_t index = invited + k;
    char label[32];
    std::snprintf(label, sizeof label, "r%03zu", index + 1);
    Invitation invitation;
    invitation.respondent = label;
    invitation.token = secure_random_hex(16);
    invitation.link = base + invitation_path(invitation.token);
    const std::string code = secure_random_code(10, "ABCDEFGHJKLMNPQRSTUVWXYZ23456789");
    invitation.completion_code = code.substr(0, 5) + "-" + code.substr(5);
    try {
      add_respondent.execute(invitation.respondent, sha256_hex(invitation.token), invitation.completion_code, now);
    } catch (const SqliteError& error) {
      throw InputError(concat(database.path().string(), ": cannot add respondent ", invitation.respondent, ": ",
                              error.what(), " (an imported respondent may already use that label)"));
    }
    trials.add_trials(database.last_insert_rowid(), index);
    invitations.push_back(std::move(invitation));
  }
  transaction.commit();
  return invitations;
}

std::string invitations_csv(const std::vector<Invitation>& invitations) {
  ResultTable table(
      {{"respondent", "Respondent"}, {"link", "Invitation link"}, {"completion_code", "Completion code"}});
  for (const Invitation& invitation : invitations) {
    table.add_row({invitation.respondent, invitation.link, invitation.completion_code});
  }
  return table.to_csv();
}

}  // namespace depthstyle
