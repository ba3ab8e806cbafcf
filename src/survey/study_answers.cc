#include "survey/study_answers.h"

#include <functional>
#include <map>
#include <set>
#include <unordered_map>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/text.h"
#include "io/csv_reader.h"
#include "survey/answers_csv.h"
#include "report/result_table.h"
#include "survey/study_database.h"

namespace depthstyle {
namespace {

struct StudyComparison {
  std::int64_t id = 0;
  std::string kind;
  std::int64_t stimulus[2] = {0, 0};  // first, second
  std::string method[2];
  std::int64_t method_id[2] = {0, 0};
  std::string expected_method;  // sentinels
};

std::map<std::string, StudyComparison> study_comparisons(SqliteDatabase& database) {
  std::map<std::string, StudyComparison> comparisons;
  SqliteStatement select = database.prepare(
      "SELECT c.name, c.id, c.kind, c.first_stimulus, c.second_stimulus, fm.name, sm.name, fm.id, sm.id, "
      "       coalesce(em.name, '') "
      "FROM comparisons c "
      "JOIN stimuli fs ON fs.id = c.first_stimulus JOIN methods fm ON fm.id = fs.method_id "
      "JOIN stimuli ss ON ss.id = c.second_stimulus JOIN methods sm ON sm.id = ss.method_id "
      "LEFT JOIN stimuli es ON es.id = c.expected_stimulus LEFT JOIN methods em ON em.id = es.method_id");
  for (SqliteRows rows = select.query(); rows.next();) {
    StudyComparison& comparison = comparisons[rows.text(0)];
    comparison.id = rows.integer(1);
    comparison.kind = rows.text(2);
    comparison.stimulus[0] = rows.integer(3);
    comparison.stimulus[1] = rows.integer(4);
    comparison.method[0] = rows.text(5);
    comparison.method[1] = rows.text(6);
    comparison.method_id[0] = rows.integer(7);
    comparison.method_id[1] = rows.integer(8);
    comparison.expected_method = rows.text(9);
  }
  return comparisons;
}

// The labels of the respondents the study has.
std::set<std::string> respondent_labels(SqliteDatabase& database) {
  std::set<std::string> labels;
  SqliteStatement select = database.prepare("SELECT label FROM respondents");
  for (SqliteRows rows = select.query(); rows.next();) labels.insert(rows.text(0));
  return labels;
}

// Which of the comparison's two stimuli (0 or 1) the imported answer showed on the left; its methods and sentinel
// column must be the comparison's. `column` names a CSV column for the message.
int left_position(const StudyAnswer& answer, const StudyComparison& comparison,
                  const std::function<std::string(const char*)>& column) {
  int left = -1;
  for (int i = 0; i < 2; ++i) {
    if (answer.left_method == comparison.method[i] && answer.right_method == comparison.method[1 - i]) left = i;
  }
  if (left < 0) {
    throw InputError(concat(answer.origin, ": ", column("left_method"), "/", column("right_method"), ": pair '",
                            answer.item, "' shows ", comparison.method[0], " and ", comparison.method[1],
                            ", found ", excerpt(answer.left_method), " / ", excerpt(answer.right_method)));
  }
  if (comparison.kind == "sentinel" && answer.sentinel_expected != comparison.expected_method) {
    throw InputError(concat(answer.origin, ": ", column("sentinel_expected"), ": pair '", answer.item,
                            "' is a sentinel whose expected answer is '", comparison.expected_method, "', found '",
                            excerpt(answer.sentinel_expected), "'"));
  }
  if (comparison.kind != "sentinel" && answer.is_sentinel()) {
    throw InputError(concat(answer.origin, ": ", column("sentinel_expected"), ": pair '", answer.item,
                            "' is not a sentinel of this study, found '", excerpt(answer.sentinel_expected),
                            "' (expected an empty field)"));
  }
  return left;
}

}  // namespace

Study read_study_answers(SqliteDatabase& database) {
  Study study;
  study.source = database.path().string();
  SqliteStatement select = database.prepare(
      "SELECT r.label, t.label, c.name, lm.name, rm.name, cm.name, a.response_ms, a.answered_at, "
      "       coalesce(em.name, ''), coalesce(o.label, '') "
      "FROM answers a "
      "JOIN trials t ON t.id = a.trial_id "
      "JOIN respondents r ON r.id = t.respondent_id "
      "JOIN comparisons c ON c.id = t.comparison_id "
      "JOIN stimuli ls ON ls.id = t.left_stimulus JOIN methods lm ON lm.id = ls.method_id "
      "JOIN stimuli rs ON rs.id = t.right_stimulus JOIN methods rm ON rm.id = rs.method_id "
      "JOIN methods cm ON cm.id = a.chosen_method_id "
      "LEFT JOIN stimuli es ON es.id = c.expected_stimulus LEFT JOIN methods em ON em.id = es.method_id "
      "LEFT JOIN trials o ON o.id = t.repeat_of "
      "ORDER BY r.id, t.position");
  for (SqliteRows rows = select.query(); rows.next();) {
    StudyAnswer answer;
    answer.respondent = rows.text(0);
    answer.trial = rows.text(1);
    answer.item = rows.text(2);
    answer.left_method = rows.text(3);
    answer.right_method = rows.text(4);
    answer.chosen_method = rows.text(5);
    answer.response_ms = rows.is_null(6) ? -1 : rows.integer(6);
    answer.time = rows.text(7);
    answer.sentinel_expected = rows.text(8);
    answer.repeat_of = rows.text(9);
    answer.origin = concat(study.source, ": respondent ", answer.respondent, ", trial ", answer.trial);
    study.answers.push_back(std::move(answer));
  }
  check_study(study);
  return study;
}

std::string study_answers_csv_text(const Study& study) {
  // The column keys are survey/answers_csv.h's, in its documented order (a test holds them equal).
  ResultTable table({{"respondent", "Respondent"},
                     {"trial", "Trial"},
                     {"pair", "Pair"},
                     {"left_method", "Left method"},
                     {"right_method", "Right method"},
                     {"chosen_method", "Chosen method"},
                     {"response_ms", "Response (ms)", ColumnKind::kInteger},
                     {"time", "Time"},
                     {"sentinel_expected", "Sentinel: expected method"},
                     {"repeat_of", "Repeat of trial"}});
  for (const StudyAnswer& answer : study.answers) {
    table.add_row({answer.respondent, answer.trial, answer.item, answer.left_method, answer.right_method,
                   answer.chosen_method,
                   answer.response_ms < 0 ? Cell() : Cell(answer.response_ms), answer.time,
                   answer.sentinel_expected, answer.repeat_of});
  }
  return table.to_csv();
}

ImportSummary import_study_answers(SqliteDatabase& database, const std::filesystem::path& csv) {
  const std::string text = read_file(csv);
  const Study study = parse_study_answers_csv(text, csv.string());
  // Column numbers for messages (the reader accepts columns in any order).
  const CsvDocument document = parse_csv(text, csv.string());
  const auto column = [&](const char* name) { return concat("column '", name, "' (", document.column(name) + 1, ")"); };

  SqliteTransaction transaction(database);
  const std::map<std::string, StudyComparison> comparisons = study_comparisons(database);
  std::vector<std::string> comparison_names;
  for (const auto& entry : comparisons) comparison_names.push_back(entry.first);
  const std::set<std::string> existing = respondent_labels(database);

  SqliteStatement add_respondent = database.prepare(
      "INSERT INTO respondents (label, origin, created_at) VALUES (?1, 'imported', ?2)");
  SqliteStatement add_trial = database.prepare(
      "INSERT INTO trials (respondent_id, position, label, comparison_id, left_stimulus, right_stimulus) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  SqliteStatement add_answer = database.prepare(
      "INSERT INTO answers (trial_id, side, chosen_method_id, response_ms, answered_at, origin) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  SqliteStatement set_repeat = database.prepare("UPDATE trials SET repeat_of = ?1 WHERE id = ?2");

  struct ImportedRespondent {
    std::int64_t id = 0;
    std::int64_t trials = 0;
  };
  std::unordered_map<std::string, ImportedRespondent> respondents;
  std::unordered_map<std::string, std::int64_t> trial_ids;  // trial_key(respondent, trial) -> trial id
  const std::string now = utc_timestamp_ms();
  for (const StudyAnswer& answer : study.answers) {
    auto found = respondents.find(answer.respondent);
    if (found == respondents.end()) {
      if (existing.count(answer.respondent)) {
        throw InputError(concat(answer.origin, ": ", column("respondent"), ": respondent '", excerpt(answer.respondent),
                                "' is already in the study; import each respondent once, under a label the study "
                                "does not use"));
      }
      add_respondent.execute(answer.respondent, now);
      found = respondents.emplace(answer.respondent, ImportedRespondent{database.last_insert_rowid(), 0}).first;
    }
    const auto comparison_entry = comparisons.find(answer.item);
    if (comparison_entry == comparisons.end()) {
      throw InputError(concat(answer.origin, ": ", column("pair"), ": '", excerpt(answer.item),
                              "' is not a pair of this study",
                              did_you_mean(answer.item, comparison_names), "; expected one of: ",
                              join(comparison_names, "; ")));
    }
    const StudyComparison& comparison = comparison_entry->second;
    const int left = left_position(answer, comparison, column);
    ImportedRespondent& respondent = found->second;
    add_trial.execute(respondent.id, ++respondent.trials, answer.trial, comparison.id, comparison.stimulus[left],
                      comparison.stimulus[1 - left]);
    const std::int64_t trial_id = database.last_insert_rowid();
    trial_ids[trial_key(answer.respondent, answer.trial)] = trial_id;
    const bool chose_left = answer.chosen_method == answer.left_method;
    add_answer.execute(trial_id, chose_left ? "left" : "right",
                       comparison.method_id[chose_left ? left : 1 - left],
                       answer.response_ms < 0 ? std::optional<std::int64_t>() : answer.response_ms, answer.time,
                       "import " + answer.origin);
  }
  // Originals may come after their repeats in the file (check_study accepts that), so links come last.
  for (const StudyAnswer& answer : study.answers) {
    if (!answer.is_repeat()) continue;
    set_repeat.execute(trial_ids.at(trial_key(answer.respondent, answer.repeat_of)),
                       trial_ids.at(trial_key(answer.respondent, answer.trial)));
  }
  transaction.commit();
  return {respondents.size(), study.answers.size()};
}

}  // namespace depthstyle
