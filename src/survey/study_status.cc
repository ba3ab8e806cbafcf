#include "survey/study_status.h"

#include <algorithm>
#include <map>

namespace depthstyle {

StudyProgress study_progress(SqliteDatabase& database) {
  StudyProgress progress;
  {
    SqliteStatement select = database.prepare("SELECT name FROM studies WHERE id = 1");
    SqliteRows rows = select.query();
    if (rows.next()) progress.study = rows.text(0);
  }
  SqliteStatement select = database.prepare(
      "SELECT r.id, r.label, r.origin, coalesce(r.started_at, ''), count(t.id), count(a.id), "
      "       coalesce(sum(c.kind = 'sentinel' AND a.id IS NOT NULL AND "
      "                    (CASE a.side WHEN 'left' THEN t.left_stimulus ELSE t.right_stimulus END) "
      "                    <> c.expected_stimulus), 0), "
      "       coalesce(max(a.answered_at), '') "
      "FROM respondents r "
      "LEFT JOIN trials t ON t.respondent_id = r.id "
      "LEFT JOIN comparisons c ON c.id = t.comparison_id "
      "LEFT JOIN answers a ON a.trial_id = t.id "
      "GROUP BY r.id ORDER BY r.id");
  std::map<std::int64_t, std::size_t> index_of;
  for (SqliteRows rows = select.query(); rows.next();) {
    RespondentProgress respondent;
    respondent.respondent = rows.text(1);
    respondent.origin = rows.text(2);
    respondent.started_at = rows.text(3);
    respondent.trials = rows.integer(4);
    respondent.answered = rows.integer(5);
    respondent.sentinels_failed = rows.integer(6);
    respondent.last_answer_at = rows.text(7);
    progress.trials += respondent.trials;
    progress.answered += respondent.answered;
    progress.finished_respondents += respondent.trials > 0 && respondent.answered == respondent.trials;
    index_of[rows.integer(0)] = progress.respondents.size();
    progress.respondents.push_back(std::move(respondent));
  }
  // Medians in C++: SQLite has no median aggregate.
  std::map<std::int64_t, std::vector<std::int64_t>> times;
  SqliteStatement response_times = database.prepare(
      "SELECT t.respondent_id, a.response_ms FROM answers a JOIN trials t ON t.id = a.trial_id "
      "WHERE a.response_ms IS NOT NULL");
  for (SqliteRows rows = response_times.query(); rows.next();) times[rows.integer(0)].push_back(rows.integer(1));
  for (auto& [id, values] : times) {
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    progress.respondents[index_of.at(id)].median_response_ms =
        n % 2 == 1 ? static_cast<double>(values[n / 2]) : (values[n / 2 - 1] + values[n / 2]) / 2.0;
  }
  return progress;
}

}  // namespace depthstyle
