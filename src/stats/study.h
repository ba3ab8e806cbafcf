// The in-memory model of a pairwise (two-alternative forced choice) user study: one record per answer. The survey
// database fills it, and so does the long CSV that `survey export` writes and external platforms provide
// (survey/answers_csv.h). The analysis (stats/study_analysis.h) reads only this model.
//
// Conventions: a respondent answers each trial once; a trial shows one item ("pair": the same content and style
// rendered by two methods) with one method on each side. A sentinel trial has an answer every attentive respondent
// gives (`sentinel_expected`, e.g. the undegraded image's method). A repeat trial shows the item of an earlier trial
// of the same respondent again with the sides swapped (`repeat_of` = that trial's id); repeats measure consistency
// and are not counted twice.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace depthstyle {

struct StudyAnswer {
  std::string respondent;
  std::string trial;  // unique within a respondent
  std::string item;   // the compared pair
  std::string left_method;
  std::string right_method;
  std::string chosen_method;       // left_method or right_method
  std::int64_t response_ms = -1;   // time to answer in milliseconds; -1 = not recorded
  std::string time;                // when it was answered, as recorded (ISO 8601); informational
  std::string sentinel_expected;   // sentinel trials: the method an attentive respondent chooses; else ""
  std::string repeat_of;           // swapped repeats: the trial id of the original; else ""
  std::string origin;              // where the answer came from, for messages ("answers.csv:12")

  bool is_sentinel() const { return !sentinel_expected.empty(); }
  bool is_repeat() const { return !repeat_of.empty(); }
};

struct Study {
  std::string source;  // file or database it was read from
  std::vector<StudyAnswer> answers;
};

// Checks what a single record cannot: no (respondent, trial) twice; the chosen method is shown; a sentinel's
// expected method is shown; a repeat refers to a non-repeat trial (listed anywhere) of the same
// respondent with the same item and the two methods on swapped sides. Throws InputError naming the answer's origin.
void check_study(const Study& study);

// A map key for (respondent, trial): the two ids joined by the ASCII unit separator.
std::string trial_key(const std::string& respondent, const std::string& trial);

}  // namespace depthstyle
