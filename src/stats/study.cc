#include "stats/study.h"

#include <unordered_map>

#include "core/error.h"

namespace depthstyle {

std::string trial_key(const std::string& respondent, const std::string& trial) {
  return respondent + '\x1f' + trial;
}

void check_study(const Study& study) {
  std::unordered_map<std::string, const StudyAnswer*> by_trial;
  by_trial.reserve(study.answers.size());
  for (const StudyAnswer& answer : study.answers) {
    if (answer.left_method == answer.right_method) {
      throw InputError(concat(answer.origin, ": trial '", answer.trial, "' shows method '", answer.left_method,
                              "' on both sides"));
    }
    if (answer.chosen_method != answer.left_method && answer.chosen_method != answer.right_method) {
      throw InputError(concat(answer.origin, ": chosen method '", answer.chosen_method, "' is neither the left ('",
                              answer.left_method, "') nor the right ('", answer.right_method, "') one"));
    }
    if (answer.is_sentinel() && answer.sentinel_expected != answer.left_method &&
        answer.sentinel_expected != answer.right_method) {
      throw InputError(concat(answer.origin, ": sentinel's expected method '", answer.sentinel_expected,
                              "' is not shown in trial '", answer.trial, "'"));
    }
    const auto [where, inserted] = by_trial.emplace(trial_key(answer.respondent, answer.trial), &answer);
    if (!inserted) {
      throw InputError(concat(answer.origin, ": respondent '", answer.respondent, "' answers trial '", answer.trial,
                              "' a second time (first at ", where->second->origin, ")"));
    }
  }
  for (const StudyAnswer& answer : study.answers) {
    if (!answer.is_repeat()) continue;
    const auto original = by_trial.find(trial_key(answer.respondent, answer.repeat_of));
    if (original == by_trial.end()) {
      throw InputError(concat(answer.origin, ": repeat_of '", answer.repeat_of, "' names no trial of respondent '",
                              answer.respondent, "'"));
    }
    const StudyAnswer& first = *original->second;
    if (first.is_repeat()) {
      throw InputError(concat(answer.origin, ": repeat_of '", answer.repeat_of, "' is itself a repeat (",
                              first.origin, "); repeats must refer to the original trial"));
    }
    if (first.item != answer.item || first.left_method != answer.right_method ||
        first.right_method != answer.left_method) {
      throw InputError(concat(answer.origin, ": trial '", answer.trial, "' repeats '", first.trial, "' (",
                              first.origin, ") but does not show item '", first.item,
                              "' with the sides swapped (original left/right ", first.left_method, "/",
                              first.right_method, ", repeat ", answer.left_method, "/", answer.right_method, ")"));
    }
  }
}

}  // namespace depthstyle
